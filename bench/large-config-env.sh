# shellcheck shell=bash disable=SC2154,SC2034  # $profiles comes from the sourcing script
# Sourced by bench/large-config.sh and bench/counts.sh: builds the release binaries and the
# hello-world baseline ($hello), starts the emulator with the seed's config (scripts/demo-env.sh),
# signs in and caches the profile's credentials, then writes $large_config: $profiles profiles as
# `ssoenv populate` writes them ($profiles/2 accounts × 2 roles, from a second emulator with that
# many accounts, sso-session `bench`), followed by the seed's config (its profile last: the worst
# place for a reader that stops at the first match), and lets ssoenv index it.
# SSOENV_BENCH_BIN names another folder with an `ssoenv` to measure (e.g. an older build).
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
ssoenv="${SSOENV_BENCH_BIN:-$bin}/ssoenv"
mkdir -p target/bench
rustc --edition 2021 -C opt-level=3 bench/hello.rs -o target/bench/hello
hello="$PWD/target/bench/hello"
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$bin/ssoenv" my-dev-profile --shell bash >/dev/null # fills the role-credential cache

large_config="$demo_home/config-large"
populate_out="$demo_home/populate-emulator-url"
"$bin/sso-emulator" --accounts $((profiles / 2)) --device-approve-after 0 \
  >"$populate_out" 2>"$demo_home/populate-emulator.log" &
populate_emulator=$!
for _ in $(seq 100); do
  [ -s "$populate_out" ] && break
  sleep 0.05
done
cat >"$demo_home/populated" <<'CONFIG'
[sso-session bench]
sso_region = us-east-1
sso_start_url = https://bench.awsapps.com/start
sso_registration_scopes = sso:account:access
CONFIG
(
  export AWS_ENDPOINT_URL
  AWS_ENDPOINT_URL=$(head -n 1 "$populate_out")
  export AWS_CONFIG_FILE="$demo_home/populated"
  "$bin/ssoenv" login --sso-session bench --use-device-code --no-browser 2>/dev/null
  "$bin/ssoenv" populate --sso-session bench >/dev/null 2>&1
)
kill "$populate_emulator"
cat "$demo_home/populated" "$HOME/.aws/config" >"$large_config"
# ssoenv remembers where a profile's sections are in a config file that last changed over two
# seconds before (src/config/index.rs): wait for that and make one run, so that the timed runs
# read through that index, as every run but the first after a change does.
sleep 2.1
AWS_CONFIG_FILE=$large_config "$ssoenv" my-dev-profile --shell bash >/dev/null
# Nothing due for the prompt hook: credentials a day from expiry.
nothing_due=$(($(date +%s) + 86400))
