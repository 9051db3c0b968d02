#!/usr/bin/env bash
# The credential endpoint (`ssoenv serve`): requests per second and median latency of a cached
# answer, measured by wrk over loopback next to a baseline in the same run (python's http.server
# handing out a static file of the same size), the whole-process time of one request by curl next
# to the emulator-free export path (`ssoenv PROFILE` with cached credentials), and the endpoint's
# memory (RSS from /proc) before and after the load.   ./bench/credential-server.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
cargo build --release --workspace --locked --quiet
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
# shellcheck source=scripts/demo-env.sh
source scripts/demo-env.sh
"$bin/ssoenv" login my-dev-profile --use-device-code --no-browser 2>/dev/null
"$bin/ssoenv" my-dev-profile --shell bash >/dev/null # fills the role-credential cache

work=$(mktemp -d)
"$bin/ssoenv" serve my-dev-profile --format dotenv >"$work/endpoint.env" 2>"$work/serve.log" &
serve_pid=$!
python3 -m http.server 0 --bind 127.0.0.1 --directory "$work" >"$work/python.log" 2>&1 &
python_pid=$!
# shellcheck disable=SC2064
trap "kill $serve_pid $python_pid $EMULATOR_PID 2>/dev/null; rm -rf '$work' '$demo_home'" EXIT
for _ in $(seq 200); do
  [ -s "$work/endpoint.env" ] && grep -q "Serving HTTP" "$work/python.log" && break
  sleep 0.05
done
url=$(sed -n 's/^AWS_CONTAINER_CREDENTIALS_FULL_URI=//p' "$work/endpoint.env")
token=$(sed -n 's/^AWS_CONTAINER_AUTHORIZATION_TOKEN=//p' "$work/endpoint.env")
# The baseline serves the very document the endpoint answers with.
curl -sf -H "Authorization: $token" "$url" >"$work/credentials.json"
python_port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/python.log" | head -n 1)
static_url="http://127.0.0.1:$python_port/credentials.json"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$serve_pid/status"; }
rss_before=$(rss)

# wrk: one thread, 4 connections (the SDK clients of a few processes), --latency for the median.
measure() { wrk --threads 1 --connections 4 --duration "${seconds}s" --latency "$@"; }
measure -H "Authorization: $token" "$url" >"$work/endpoint.wrk"
measure "$static_url" >"$work/static.wrk"
rss_after=$(rss)
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$serve_pid/status")

hyperfine --shell=none --warmup 20 --runs 200 --export-json "$work/process.json" \
  --command-name "curl (one request to the endpoint)" "curl -sf -o /dev/null -H 'Authorization: $token' $url" \
  --command-name "ssoenv my-dev-profile (cached)" "$bin/ssoenv my-dev-profile --shell bash" >&2

python3 - "$work" "$rss_before" "$rss_after" "$hwm" <<'PY'
import json, re, sys
work, rss_before, rss_after, hwm = sys.argv[1], *map(int, sys.argv[2:])

def wrk(name):
    text = open(f"{work}/{name}.wrk").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", text).groups()
    median_ms = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, median_ms, int(errors.group(1)) if errors else 0

endpoint, static = wrk("endpoint"), wrk("static")
print(f"endpoint (ssoenv serve):        {endpoint[0]:10.0f} req/s   median {endpoint[1]:.3f} ms   non-2xx {endpoint[2]}")
print(f"baseline (python http.server):  {static[0]:10.0f} req/s   median {static[1]:.3f} ms   non-2xx {static[2]}")
print(f"ratio endpoint / baseline req/s: {endpoint[0] / static[0]:.1f}")
results = {r["command"]: r["median"] for r in json.load(open(f"{work}/process.json"))["results"]}
for command, median in results.items():
    print(f"{command:38s} median {median * 1e3:.3f} ms (whole process)")
print(f"endpoint RSS: {rss_before} KiB at start, {rss_after} KiB after the load, peak {hwm} KiB")
PY
