# shellcheck shell=bash disable=SC2154  # $bin is set by the script that sources this file
# Sourced by scripts/demo and the benchmarks: a throwaway HOME with the AWS walk-through's config,
# the local Identity Center emulator on a loopback port, and a signed-in session.
# Expects $bin (the folder with the release binaries) and optionally the array EMULATOR_ARGS.
# Sets HOME, AWS_ENDPOINT_URL, EMULATOR_PID.

demo_home=$(mktemp -d)
[ -n "${EMULATOR_ARGS+set}" ] || EMULATOR_ARGS=()
emulator_out="$demo_home/emulator-url"
"$bin/sso-emulator" --device-approve-after 1 "${EMULATOR_ARGS[@]}" >"$emulator_out" 2>"$demo_home/emulator.log" &
EMULATOR_PID=$!
# shellcheck disable=SC2064
trap "kill $EMULATOR_PID 2>/dev/null; rm -rf '$demo_home'" EXIT
for _ in $(seq 100); do
  [ -s "$emulator_out" ] && break
  sleep 0.05
done
AWS_ENDPOINT_URL=$(head -n 1 "$emulator_out")
if [ -z "$AWS_ENDPOINT_URL" ]; then
  echo "the emulator did not start:" >&2
  cat "$demo_home/emulator.log" >&2
  exit 1
fi
export AWS_ENDPOINT_URL
export HOME="$demo_home"
# ssoenv keeps its own caches (the config index, console profiles) under this HOME too.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONFIG_FILE XDG_CACHE_HOME
mkdir -p "$HOME/.aws"
cat >"$HOME/.aws/config" <<'CONFIG'
[profile my-dev-profile]
sso_session = my-sso
sso_account_id = 123456789011
sso_role_name = FullAccess
region = us-west-2
output = json

[sso-session my-sso]
sso_region = us-east-1
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_registration_scopes = sso:account:access
CONFIG
