#!/usr/bin/env bash
# What the prompt hook costs at each prompt while nothing is due, in each real shell, next to
# the cost of one run of the binary (which is what fish, and any prompt that is due, pays).
#
# Each shell calls the hook function N times in a loop; the same loop calling an empty function
# is the baseline, so (median with hook - median with the empty function) / N is the cost of one
# prompt's check. hyperfine takes the medians. Builds the release binary first.
#
# Usage: bench/hook.sh            (needs hyperfine, bash, zsh, fish; nu is optional)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/ssoenv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Credentials a day from expiry: nothing is due.
export SSOENV_PROFILE=bench
SSOENV_EXPIRES_AT=$(($(date +%s) + 86400))
export SSOENV_EXPIRES_AT
export HOME="$work"

runs=15
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }

# $1 label, $2 loop count, $3 command with the hook, $4 command with the empty function
per_call() {
  local label=$1 count=$2 name
  name=$(printf '%s' "$label" | tr -c 'A-Za-z0-9' '_')
  hyperfine --style none --warmup 2 --runs "$runs" --export-json "$work/$name-hook.json" "$3" >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  hyperfine --style none --warmup 2 --runs "$runs" --export-json "$work/$name-noop.json" "$4" >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; exit 1; }
  python3 - "$(json "$work/$name-hook.json")" "$(json "$work/$name-noop.json")" "$count" "$label" <<'EOF'
import sys
hook, noop, count, name = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f"{name:<34} {max(hook - noop, 0) / count * 1e6:9.1f} µs per prompt")
EOF
}

"$bin" init bash >"$work/init.bash"
"$bin" init zsh >"$work/init.zsh"
"$bin" init fish >"$work/init.fish"

echo "Per-prompt cost of the hook while nothing is due (median of $runs runs):"
n=${SSOENV_BENCH_LOOPS:-5000}
per_call "bash $(bash -c 'echo $BASH_VERSION' | cut -d. -f1-2) (EPOCHSECONDS)" "$n" \
  "bash --noprofile --norc -i -c 'source $work/init.bash; for ((i=0;i<$n;i++)); do __ssoenv_hook; done' " \
  "bash --noprofile --norc -i -c 'source $work/init.bash; noop() { :; }; for ((i=0;i<$n;i++)); do noop; done' "
per_call "zsh $(zsh -c 'echo $ZSH_VERSION') (zsh/datetime)" "$n" \
  "zsh --no-rcs -i -c 'source $work/init.zsh; for ((i=0;i<$n;i++)); do __ssoenv_hook; done' " \
  "zsh --no-rcs -i -c 'source $work/init.zsh; noop() { :; }; for ((i=0;i<$n;i++)); do noop; done' "
m=300
per_call "fish $(fish --version | awk '{print $3}') (runs ssoenv hook)" $m \
  "fish --no-config --private -i -c 'source $work/init.fish; for i in (seq $m); __ssoenv_hook; end' " \
  "fish --no-config --private -i -c 'source $work/init.fish; function noop; end; for i in (seq $m); noop; end' "
if command -v nu >/dev/null; then
  "$bin" init nushell >"$work/init.nu"
  per_call "nushell $(nu --version) (date now)" "$n" \
    "nu --no-config-file -c 'source $work/init.nu; for i in 1..$n { __ssoenv_hook }' " \
    "nu --no-config-file -c 'source $work/init.nu; def --env noop [] { }; for i in 1..$n { noop }' "
fi

echo
echo "One run of the binary (median of 200 runs, no shell):"
hyperfine --style none -N --warmup 20 --runs 200 --export-json "$work/hook.json" \
  "$bin hook fish --refresh-before 10m" >/dev/null 2>&1
hyperfine --style none -N --warmup 20 --runs 200 --export-json "$work/true.json" \
  "/bin/true" >/dev/null 2>&1
python3 - "$(json "$work/hook.json")" "$(json "$work/true.json")" <<'EOF'
import sys
hook, true = float(sys.argv[1]), float(sys.argv[2])
print(f"{'ssoenv hook (nothing due)':<34} {hook * 1e3:9.2f} ms")
print(f"{'/bin/true (any process)':<34} {true * 1e3:9.2f} ms")
EOF
