#!/usr/bin/env bash
# The fast path against the Python tools, each in a fresh process, timed by hyperfine (median of
# many runs), all with valid credentials in the role-credential cache:
#   - ssoenv PROFILE (reads the cache, prints exports)
#   - botocore doing the same job as the AWS CLI v2 (bench/botocore_export.py: SSO provider with
#     the ~/.aws/cli/cache file cache, prints exports)
#   - python3 -c pass: the interpreter alone, the floor for any Python tool
#   - `aws configure list` of the AWS CLI v1 (PyPI), which resolves the profile's credentials; v1
#     keeps no SSO credential cache, so this includes a GetRoleCredentials call to the local
#     emulator every time (listed for what it is, not as the same job)
# `aws configure export-credentials` (the same job) exists only in the AWS CLI v2, which is not on
# PyPI. Tools that are not installed are skipped.   ./bench/compare.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
mkdir -p target/bench
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$bin/ssoenv" my-dev-profile --shell bash >/dev/null # fills the role-credential cache

# The interpreter itself, not a version manager's shim in front of it (pyenv's costs ~100 ms).
python=$(python3 -c 'import sys; print(sys.executable)')
aws=$(dirname "$python")/aws
[ -x "$aws" ] || aws=$(command -v aws || true)

commands=(--command-name "ssoenv my-dev-profile" "$bin/ssoenv my-dev-profile --shell bash")
if "$python" -c 'import botocore' 2>/dev/null; then
  "$python" bench/botocore_export.py my-dev-profile >/dev/null # must work from the cache
  commands+=(--command-name "botocore (CLI v2 cache), fresh process" "$python $PWD/bench/botocore_export.py my-dev-profile")
  commands+=(--command-name "python3 -c pass" "$python -c pass")
fi
if [ -n "$aws" ] && "$aws" --version 2>&1 | grep -q '^aws-cli/1\.'; then
  commands+=(--command-name "aws configure list (CLI v1, fetches)" "$aws configure list --profile my-dev-profile")
fi

results="$PWD/target/bench/compare.json"
hyperfine --shell=none --warmup 10 --runs "$runs" --export-json "$results" "${commands[@]}" >&2

python3 - "$results" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = next(r["median"] for r in results if r["command"] == "ssoenv my-dev-profile")
for r in results:
    print(f'{r["command"]:42} median {r["median"] * 1e3:8.2f} ms   {r["median"] / base:6.1f} × ssoenv')
PY
