#!/usr/bin/env bash
# The fast path of two builds side by side: `ssoenv my-dev-profile` (credentials cached) of BEFORE
# and AFTER, with a hello-world Rust binary as the baseline, all in one hyperfine run (medians of
# RUNS runs each), then the instructions each executes (valgrind callgrind) and its page faults
# (perf stat), which do not depend on what else the machine is doing.
#   ./bench/fast-path-ab.sh BEFORE AFTER [RUNS]
# BEFORE and AFTER are ssoenv binaries (e.g. release builds of two commits copied aside); the
# emulator of the current tree's release build serves both.
set -euo pipefail
before=$(realpath "$1")
after=$(realpath "$2")
runs=${3:-500}
cd "$(dirname "$0")/.."
cargo build --release --workspace --locked --quiet
# shellcheck disable=SC2034  # read by scripts/demo-env.sh
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
mkdir -p target/bench
rustc --edition 2021 -C opt-level=3 bench/hello.rs -o target/bench/hello
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$after" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$after" my-dev-profile --shell bash >/dev/null # fills the role-credential cache

results="$PWD/target/bench/fast-path-ab.json"
hyperfine --shell=none --warmup 50 --runs "$runs" --export-json "$results" \
  --command-name hello-world "$PWD/target/bench/hello" \
  --command-name before "$before my-dev-profile --shell bash" \
  --command-name after "$after my-dev-profile --shell bash" >&2

python3 - "$results" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["hello-world"]["median"]
for name in ("before", "after"):
    median = results[name]["median"]
    print(f"{name:7} median {median * 1e3:.3f} ms, {median / base:.2f}x hello-world ({base * 1e3:.3f} ms)")
print(f"after / before: {results['after']['median'] / results['before']['median']:.3f}")
PY

for name in before after; do
  binary=${!name}
  out="$PWD/target/bench/callgrind.$name"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" my-dev-profile --shell bash \
    >/dev/null 2>"$out.log"
  instructions=$(grep -m1 '^summary:' "$out" | awk '{print $2}')
  faults=$(perf stat -x, -e page-faults -r 20 "$binary" my-dev-profile --shell bash 2>&1 >/dev/null \
    | awk -F, '/page-faults/ {print $1}')
  echo "$name: $instructions instructions (callgrind), $faults page faults (perf stat, mean of 20)"
done
