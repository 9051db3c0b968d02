#!/usr/bin/env bash
# The commands a user runs all day, with the seed's config and with a config `populate` filled for
# a large organization (PROFILES profiles, see bench/large-config-env.sh), credentials cached.
# Whole processes timed by hyperfine, next to a hello-world Rust binary.
#   ./bench/large-config.sh [RUNS=300] [PROFILES=20000] [ROUNDS=10]
# The machine is shared and its load comes in bursts of a second or more, longer than one
# command's runs: so the runs are split into ROUNDS rounds that each time every case (RUNS/ROUNDS
# runs each, between two hello-world runs), one round after the other. Each figure is the median
# over the rounds of that round's median, and each ratio the median over the rounds of the ratio
# to that round's hello-world: a burst then weighs on one round, not on one command.
# The last line compares the export on the large config with the export on the seed's, round by
# round. bench/counts.sh gives the repeatable counts (instructions, page faults) for the same cases.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
profiles=${2:-20000}
rounds=${3:-10}
# shellcheck source=bench/large-config-env.sh
source bench/large-config-env.sh

results="$PWD/target/bench/large-config"
rm -rf "$results"
mkdir -p "$results"
per_round=$(((runs + rounds - 1) / rounds))
# run GROUP ROUND (LABEL COMMAND)...: one round of hyperfine over hello-world, the commands,
# hello-world again.
run() {
  local group=$1 round=$2
  shift 2
  local args=(--command-name hello-world "$hello")
  while [ $# -gt 0 ]; do
    args+=(--command-name "$1" "$2")
    shift 2
  done
  args+=(--command-name "hello-world (again)" "$hello")
  hyperfine --shell=none --warmup 5 --runs "$per_round" --export-json "$results/$group.$round.json" \
    ${prepare:+--prepare "$prepare"} "${args[@]}" >/dev/null 2>&1
}

for round in $(seq "$rounds"); do
  SSOENV_PROFILE=my-dev-profile SSOENV_EXPIRES_AT=$nothing_due run seed "$round" \
    "ssoenv my-dev-profile" "$ssoenv my-dev-profile --shell bash" \
    "ssoenv prompt" "$ssoenv prompt" \
    "ssoenv hook fish (nothing due)" "$ssoenv hook fish --refresh-before 10m"
  AWS_CONFIG_FILE=$large_config run large "$round" \
    "ssoenv my-dev-profile" "$ssoenv my-dev-profile --shell bash" \
    "ssoenv status my-dev-profile" "$ssoenv status my-dev-profile" \
    "ssoenv list" "$ssoenv list"
  # `touch` before each run sets the file's change time to now: too recent to be indexed, so the
  # export finds the profile's sections by a scan, as the first run after a change does.
  AWS_CONFIG_FILE=$large_config prepare="touch $large_config" run changed "$round" \
    "ssoenv my-dev-profile (changed)" "$ssoenv my-dev-profile --shell bash"
  AWS_CONFIG_FILE=$large_config SSOENV_COMPLETE=bash _CLAP_COMPLETE_INDEX=1 _CLAP_IFS=$'\n' \
    run completion "$round" "ssoenv <TAB> (bash)" "$ssoenv -- ssoenv ''"
done

python3 - "$results" "$rounds" "$profiles" "$(wc -c <"$large_config")" <<'PY'
import json, statistics, sys
results, rounds, profiles, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def medians(group):
    """Per round: {command: median seconds}, and the round's hello-world (mean of its two)."""
    out = []
    for round in range(1, rounds + 1):
        by_name = {r["command"]: r["median"] for r in json.load(open(f"{results}/{group}.{round}.json"))["results"]}
        hello = (by_name.pop("hello-world") + by_name.pop("hello-world (again)")) / 2
        out.append((by_name, hello))
    return out
titles = {
    "seed": "the seed's config (2 sections)",
    "large": f"{profiles} profiles ({size} bytes)",
    "changed": f"{profiles} profiles, the first export after the file changed (a scan, not the index)",
    "completion": f"{profiles} profiles, completion of a profile name (ssoenv <TAB>)",
}
ratios = {}
for group, title in titles.items():
    print(f"== {title}")
    per_round = medians(group)
    print(f'{"hello-world":44} median {statistics.median(h for _, h in per_round) * 1e3:8.3f} ms')
    for command in per_round[0][0]:
        ms = statistics.median(by_name[command] for by_name, _ in per_round) * 1e3
        over_hello = [by_name[command] / hello for by_name, hello in per_round]
        ratios[(group, command)] = over_hello
        print(f"{command:44} median {ms:8.3f} ms   {statistics.median(over_hello):6.2f} × hello-world"
              f"   (rounds {min(over_hello):.2f}–{max(over_hello):.2f})")
print(f"== the export with {profiles} profiles against the seed's config")
export = "ssoenv my-dev-profile"
each = [large / seed for large, seed in zip(ratios[("large", export)], ratios[("seed", export)])]
print(f"{export}: {statistics.median(each):.2f} × its time on the seed's config"
      f"   (rounds {min(each):.2f}–{max(each):.2f})")
PY
