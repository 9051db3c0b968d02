#!/usr/bin/env bash
# The commands a user runs all day, with the seed's config and with a config `populate` filled for
# a large organization (PROFILES profiles: PROFILES/2 accounts × 2 roles, written by `ssoenv
# populate` itself against the emulator, with the seed's profile and sso-session after them, the
# worst place for a reader that stops early). Whole processes timed by hyperfine (median), each
# run next to a hello-world Rust binary in the same run, with valid credentials cached.
#   ./bench/large-config.sh [RUNS=300] [PROFILES=20000]
# Prints each median and its ratio to hello-world; bench/counts.sh gives the repeatable counts.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
profiles=${2:-20000}
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
mkdir -p target/bench
rustc --edition 2021 -C opt-level=3 bench/hello.rs -o target/bench/hello
hello="$PWD/target/bench/hello"
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$bin/ssoenv" my-dev-profile --shell bash >/dev/null # fills the role-credential cache
# shellcheck source=bench/large-config-env.sh
source bench/large-config-env.sh

results="$PWD/target/bench"
# run NAME: hyperfine over hello-world and the rest of the arguments (name, command pairs).
run() {
  local name=$1
  shift
  local args=(--command-name hello-world "$hello")
  while [ $# -gt 0 ]; do
    args+=(--command-name "$1" "$2")
    shift 2
  done
  hyperfine --shell=none --warmup 20 --runs "$runs" --export-json "$results/$name.json" "${args[@]}" >&2
  python3 - "$results/$name.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = next(r["median"] for r in results if r["command"] == "hello-world")
for r in results:
    print(f'{r["command"]:44} median {r["median"] * 1e3:7.3f} ms   {r["median"] / base:5.2f} × hello-world')
PY
}

nothing_due=$(($(date +%s) + 86400))
echo "== the seed's config (2 sections)"
SSOENV_PROFILE=my-dev-profile SSOENV_EXPIRES_AT=$nothing_due run seed \
  "ssoenv my-dev-profile" "$bin/ssoenv my-dev-profile --shell bash" \
  "ssoenv prompt" "$bin/ssoenv prompt" \
  "ssoenv hook fish (nothing due)" "$bin/ssoenv hook fish --refresh-before 10m"
echo "== $profiles profiles ($(wc -c <"$large_config") bytes)"
AWS_CONFIG_FILE=$large_config run large \
  "ssoenv my-dev-profile" "$bin/ssoenv my-dev-profile --shell bash" \
  "ssoenv status my-dev-profile" "$bin/ssoenv status my-dev-profile" \
  "ssoenv list" "$bin/ssoenv list"
echo "== $profiles profiles, completion of a profile name (ssoenv <TAB>)"
AWS_CONFIG_FILE=$large_config SSOENV_COMPLETE=bash _CLAP_COMPLETE_INDEX=1 _CLAP_IFS=$'\n' \
  run completion "ssoenv <TAB> (bash)" "$bin/ssoenv -- ssoenv ''"

python3 - "$results/seed.json" "$results/large.json" <<'PY'
import json, sys
def median(path, name):
    results = json.load(open(path))["results"]
    by_name = {r["command"]: r["median"] for r in results}
    return by_name[name] / by_name["hello-world"]
seed, large = median(sys.argv[1], "ssoenv my-dev-profile"), median(sys.argv[2], "ssoenv my-dev-profile")
print(f"export with the large config / with the seed's (each as a ratio to its run's hello-world): {large / seed:.2f}")
PY
