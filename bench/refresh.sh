#!/usr/bin/env bash
# The slow paths, with 50 ms of latency added by the emulator to every request (a realistic round
# trip to an AWS region), timed by hyperfine (median) with the requests each run sends:
#   - refresh: the SSO token inside its 15-minute refresh window and no cached credentials
#     (CreateToken, then GetRoleCredentials)
#   - fetch: a valid token, no cached credentials (GetRoleCredentials)
#   - cached: the fast path, for reference (no request)
# and the first two again by botocore in a fresh process (bench/botocore_export.py, the AWS CLI
# v2's way: botocore's SSO token provider refreshes the token itself), when botocore is installed.
# Before each refresh run the cached token's expiresAt is set 10 minutes ahead (its refresh token
# is kept, so the next refresh works) and the cached credentials are deleted.
#   ./bench/refresh.sh [RUNS] [LATENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
latency=${2:-50ms}
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
mkdir -p target/bench
# shellcheck disable=SC2034 # read by demo-env.sh
EMULATOR_ARGS=(--latency "$latency")
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null

token=$(grep -l '"refreshToken"' "$HOME"/.aws/sso/cache/*.json | head -n 1)
credentials_dir="$HOME/.aws/cli/cache"
export token credentials_dir
# Run by hyperfine's bash, which expands them then.
# shellcheck disable=SC2016
expire_token='sed -i -E "s/\"expiresAt\": \"[^\"]+\"/\"expiresAt\": \"$(date -u -d +10min +%Y-%m-%dT%H:%M:%SZ)\"/" "$token"; rm -f "$credentials_dir"/*.json'
# shellcheck disable=SC2016
drop_credentials='rm -f "$credentials_dir"/*.json'

counts() { curl -sf "$AWS_ENDPOINT_URL/_emulator/counts"; }
per_run() { # BEFORE_JSON AFTER_JSON RUNS
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
before, after, runs = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
sent = {op: (after[op] - before.get(op, 0)) / runs for op in after if after[op] != before.get(op, 0)}
print(", ".join(f"{op} {n:g}" for op, n in sorted(sent.items())) or "none")
PY
}

measure() { # NAME PREPARE [COMMAND]
  local before after command=${3:-"$bin/ssoenv my-dev-profile --shell bash"}
  "$bin/ssoenv" my-dev-profile --shell bash >/dev/null # a valid state to start from
  before=$(counts)
  hyperfine --shell=bash --warmup 0 --runs "$runs" --prepare "$2" \
    --export-json "target/bench/refresh-$1.json" --command-name "$1" "$command" >&2
  after=$(counts)
  # hyperfine also runs the prepare command once per run, and each run sends its requests once.
  echo "$1|$(python3 -c 'import json, sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1e3))' "target/bench/refresh-$1.json")|$(per_run "$before" "$after" "$runs")"
}

{
  measure refresh "$expire_token"
  measure fetch "$drop_credentials"
  measure cached "true"
  python=$(python3 -c 'import sys; print(sys.executable)') # not a pyenv shim
  if "$python" -c 'import botocore' 2>/dev/null; then
    botocore="$python $PWD/bench/botocore_export.py my-dev-profile"
    measure botocore-refresh "$expire_token" "$botocore"
    measure botocore-fetch "$drop_credentials" "$botocore"
  fi
} | while IFS='|' read -r name median requests; do
  printf '%-16s median %7s ms   requests per run: %s\n' "$name" "$median" "$requests"
done
echo "(emulator latency $latency per request)"
