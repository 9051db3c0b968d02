# ssoenv for direnv. In ~/.config/direnv/direnvrc (or at the top of an .envrc):
#     eval "$(ssoenv direnv)"
# then in a project's .envrc:
#     use ssoenv my-dev-profile
# Entering the directory exports the profile's credentials; leaving it restores what was there.
use_ssoenv() {
  local profile=${1:-}
  if [[ -z $profile ]]; then
    log_error "use ssoenv: name a profile, e.g. 'use ssoenv my-dev-profile'"
    return 1
  fi
  local code
  code=$('/usr/bin/ssoenv' export "$profile" --shell bash) || return
  eval "$code"
  # Reload when credentials are refreshed (by the ssoenv prompt hook, `aws`, or another shell):
  # every cache write renames a file into these directories.
  watch_file "$HOME/.aws/cli/cache" "$HOME/.aws/sso/cache"
}
