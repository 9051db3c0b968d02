# shellcheck shell=bash disable=SC2154  # $bin, $demo_home and $profiles come from the sourcing script
# Sourced after scripts/demo-env.sh by the benchmarks of a large config: writes $large_config, a
# config with $profiles profiles as `ssoenv populate` writes them ($profiles/2 accounts × 2 roles,
# from a second emulator with that many accounts, sso-session `bench`), followed by the seed's
# config (its profile last: the worst place for a reader that stops at the first match).
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
