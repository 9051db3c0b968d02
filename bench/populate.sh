#!/usr/bin/env bash
# `ssoenv populate` against the local Identity Center emulator with ACCOUNTS accounts of two roles
# each and LATENCY added to every request: the wall time and the requests made, for the concurrent
# version (the default --concurrency) and for a one-request-at-a-time baseline (--concurrency 1).
# Each run starts from the same config file, so every run writes all the profiles.
#   ./bench/populate.sh [ACCOUNTS=1000] [LATENCY=50ms] [RUNS=3] [BASELINE_RUNS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-1000}
latency=${2:-50ms}
runs=${3:-3}
baseline_runs=${4:-1}

cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
work=$(mktemp -d)
"$bin/sso-emulator" --accounts "$accounts" --latency "$latency" --device-approve-after 0 \
  >"$work/url" 2>"$work/emulator.log" &
emulator=$!
# shellcheck disable=SC2064
trap "kill $emulator 2>/dev/null; rm -rf '$work'" EXIT
for _ in $(seq 100); do
  [ -s "$work/url" ] && break
  sleep 0.05
done
url=$(head -n 1 "$work/url")
[ -n "$url" ] || { cat "$work/emulator.log" >&2; exit 1; }

export HOME="$work/home" AWS_ENDPOINT_URL="$url"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONFIG_FILE
mkdir -p "$HOME/.aws"
cat >"$work/config" <<'CONFIG'
[sso-session bench]
sso_region = us-east-1
sso_start_url = https://bench.awsapps.com/start
sso_registration_scopes = sso:account:access
CONFIG
cp "$work/config" "$HOME/.aws/config"
# The emulator approves the device code at once: a real sign-in without a browser.
"$bin/ssoenv" login --sso-session bench --use-device-code --no-browser 2>/dev/null

# measure NAME RUNS ARGS...: one line per run, "NAME SECONDS LIST_ACCOUNTS LIST_ACCOUNT_ROLES".
measure() {
  local name=$1 count=$2
  shift 2
  for _ in $(seq "$count"); do
    cp "$work/config" "$HOME/.aws/config"
    curl -sf -X POST "$url/_emulator/reset-counts" >/dev/null
    local start=$EPOCHREALTIME
    "$bin/ssoenv" populate --sso-session bench "$@" >/dev/null 2>"$work/stderr" \
      || { cat "$work/stderr" >&2; exit 1; }
    local end=$EPOCHREALTIME
    local counts
    counts=$(curl -sf "$url/_emulator/counts")
    python3 -c 'import json,sys; c=json.loads(sys.argv[4]); print(sys.argv[1], float(sys.argv[3])-float(sys.argv[2]), c["ListAccounts"], c["ListAccountRoles"])' \
      "$name" "$start" "$end" "$counts"
  done
}

{
  measure concurrent "$runs"
  measure baseline "$baseline_runs" --concurrency 1
} >"$work/results"

python3 - "$work/results" "$accounts" "$latency" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def summary(name):
    mine = [r for r in rows if r[0] == name]
    return statistics.median(float(r[1]) for r in mine), mine[-1][2], mine[-1][3], len(mine)
print(f"populate, {sys.argv[2]} accounts x 2 roles, {sys.argv[3]} latency per request")
results = {}
for name, label in [("concurrent", "concurrent (default)"), ("baseline", "one at a time (--concurrency 1)")]:
    seconds, accounts, roles, n = summary(name)
    results[name] = seconds
    print(f"{label:34} median {seconds:7.2f} s over {n} run(s); requests: ListAccounts {accounts}, ListAccountRoles {roles}")
print(f"speed-up: {results['baseline'] / results['concurrent']:.1f}x")
PY
