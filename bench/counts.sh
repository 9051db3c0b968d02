#!/usr/bin/env bash
# Repeatable counts for the same cases as bench/large-config.sh, for a machine too noisy for
# wall-clock times: instructions executed (valgrind --tool=callgrind, start-up and dynamic loader
# included) and page faults (perf stat, mean of 20 runs), next to the hello-world binary; plus the
# binary's dynamic relocations (readelf), which the loader applies, one page written per 512.
#   ./bench/counts.sh [PROFILES=20000]
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=${1:-20000}
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
mkdir -p target/bench
rustc --edition 2021 -C opt-level=3 bench/hello.rs -o target/bench/hello
hello="$PWD/target/bench/hello"
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$bin/ssoenv" my-dev-profile --shell bash >/dev/null
# shellcheck source=bench/large-config-env.sh
source bench/large-config-env.sh

instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected/ { print $4 }'
}
page_faults() {
  perf stat -x, -e page-faults -r 20 "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1 }'
}
base_instructions=$(instructions "$hello")
base_faults=$(page_faults "$hello")
# count LABEL COMMAND...: instructions and page faults, and their ratios to hello-world's.
count() {
  local label=$1
  shift
  local ir pf
  ir=$(instructions "$@")
  pf=$(page_faults "$@")
  python3 -c 'import sys; l, ir, pf, bir, bpf = sys.argv[1:]; print(f"{l:40} {int(ir):>13,} instructions ({int(ir)/int(bir):6.2f}×)  {float(pf):7.1f} page faults ({float(pf)/float(bpf):4.2f}×)")' \
    "$label" "$ir" "$pf" "$base_instructions" "$base_faults"
}

relocations() { readelf -r "$1" | grep -c 'R_X86_64_' || true; }
echo "dynamic relocations: hello-world $(relocations "$hello"), ssoenv $(relocations "$bin/ssoenv")"
count hello-world "$hello"
export SSOENV_PROFILE=my-dev-profile SSOENV_EXPIRES_AT=$(($(date +%s) + 86400))
count "ssoenv my-dev-profile (seed config)" "$bin/ssoenv" my-dev-profile --shell bash
count "ssoenv prompt" "$bin/ssoenv" prompt
count "ssoenv hook fish (nothing due)" "$bin/ssoenv" hook fish --refresh-before 10m
export AWS_CONFIG_FILE=$large_config
count "ssoenv my-dev-profile ($profiles profiles)" "$bin/ssoenv" my-dev-profile --shell bash
count "ssoenv status my-dev-profile ($profiles)" "$bin/ssoenv" status my-dev-profile
count "ssoenv list ($profiles profiles)" "$bin/ssoenv" list
SSOENV_COMPLETE=bash _CLAP_COMPLETE_INDEX=1 _CLAP_IFS=$'\n' \
  count "ssoenv <TAB> ($profiles profiles)" "$bin/ssoenv" -- ssoenv ''
