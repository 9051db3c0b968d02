#!/usr/bin/env bash
# The fast path: `ssoenv PROFILE` with valid credentials in the cache, timed as whole processes by
# hyperfine (median of many runs) next to a hello-world Rust binary built the same way, in the
# same run. Prints the medians and the ratio.   ./bench/fast-path.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
mkdir -p target/bench
rustc --edition 2021 -C opt-level=3 bench/hello.rs -o target/bench/hello
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$bin/ssoenv" my-dev-profile --shell bash >/dev/null # fills the role-credential cache

results="$PWD/target/bench/fast-path.json"
hyperfine --shell=none --warmup 50 --runs "$runs" --export-json "$results" \
  --command-name hello-world "$PWD/target/bench/hello" \
  --command-name "ssoenv my-dev-profile" "$bin/ssoenv my-dev-profile --shell bash" >&2

python3 - "$results" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["hello-world"]["median"]
tool = results["ssoenv my-dev-profile"]["median"]
print(f"hello-world median:           {base * 1e3:.3f} ms")
print(f"ssoenv (cached) median:       {tool * 1e3:.3f} ms")
print(f"ratio ssoenv / hello-world:   {tool / base:.2f}")
PY
