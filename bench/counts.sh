#!/usr/bin/env bash
# Repeatable counts for the same cases as bench/large-config.sh, for a machine too noisy for
# wall-clock times: instructions executed (valgrind --tool=callgrind, start-up and dynamic loader
# included; every process of the run) and page faults (perf stat, mean of 20 runs), next to the
# hello-world binary; plus the binary's dynamic relocations (readelf), which the loader applies
# before `main`, writing every page they fall in.
#   ./bench/counts.sh [PROFILES=20000]   (SSOENV_BENCH_BIN: see bench/large-config-env.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=${1:-20000}
# shellcheck source=bench/large-config-env.sh
source bench/large-config-env.sh
# shellcheck disable=SC2154  # $hello and $ssoenv come from large-config-env.sh

# Summed over the processes of the run: the front `exec`s ssoenv-full for what it does not answer.
instructions() {
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected/ { sum += $4 } END { print sum }'
}
page_faults() {
  perf stat -x, -e page-faults -r 20 "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1 }'
}
# count LABEL COMMAND...: instructions and page faults, and their ratios to hello-world's.
count() {
  local label=$1
  shift
  local ir pf
  ir=$(instructions "$@")
  pf=$(page_faults "$@")
  # The first row is hello-world's: the baseline of the rest.
  base_instructions=${base_instructions:-$ir}
  base_faults=${base_faults:-$pf}
  python3 -c 'import sys; l, ir, pf, bir, bpf = sys.argv[1:]; print(f"{l:40} {int(ir):>13,} instructions ({int(ir)/int(bir):6.2f}×)  {float(pf):7.1f} page faults ({float(pf)/float(bpf):4.2f}×)")' \
    "$label" "$ir" "$pf" "$base_instructions" "$base_faults"
}

relocations() { readelf -r "$1" | grep -c 'R_X86_64_' || true; }
echo "dynamic relocations: hello-world $(relocations "$hello"), ssoenv $(relocations "$ssoenv")"
count hello-world "$hello"
export SSOENV_PROFILE=my-dev-profile SSOENV_EXPIRES_AT=$nothing_due
count "ssoenv my-dev-profile (seed config)" "$ssoenv" my-dev-profile --shell bash
count "ssoenv prompt" "$ssoenv" prompt
count "ssoenv hook fish (nothing due)" "$ssoenv" hook fish --refresh-before 10m
export AWS_CONFIG_FILE=$large_config
count "ssoenv my-dev-profile ($profiles profiles)" "$ssoenv" my-dev-profile --shell bash
count "ssoenv status my-dev-profile ($profiles)" "$ssoenv" status my-dev-profile
count "ssoenv list ($profiles profiles)" "$ssoenv" list
SSOENV_COMPLETE=bash _CLAP_COMPLETE_INDEX=1 _CLAP_IFS=$'\n' \
  count "ssoenv <TAB> ($profiles profiles)" "$ssoenv" -- ssoenv ''
