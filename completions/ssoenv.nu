# ssoenv completion for nushell: `ssoenv completions nushell | save -f ~/.cache/ssoenv-completions.nu`,
# then in config.nu: `use ~/.cache/ssoenv-completions.nu *`
module completions {

  # Profile names, asked of ssoenv at Tab time (its fish answer: `value<TAB>help` lines).
  export def "nu-complete ssoenv profile" [] {
    with-env { SSOENV_COMPLETE: fish } { ^ssoenv -- ssoenv '' }
    | lines
    | where {|line| not ($line | str starts-with '-') }
    | each {|line| let parts = ($line | split row (char tab)); {value: $parts.0, description: ($parts | get -o 1 | default '')} }
  }

  def "nu-complete ssoenv shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  def "nu-complete ssoenv format" [] {
    [ "shell" "dotenv" "json" ]
  }

  # Short-term AWS credentials from IAM Identity Center (SSO) in your shell
  export extern ssoenv [
    --shell: string@"nu-complete ssoenv shell" # The shell to print for [default: the calling shell, then $SHELL, then sh]
    --format: string@"nu-complete ssoenv format" # Print shell statements, a dotenv file, or credential_process JSON [default: shell]
    --show                    # Print the credentials even when stdout is a terminal (without this, `--format` or `--shell`, ssoenv then explains `eval` instead of showing the secrets)
    --min-valid: string       # Reuse cached role credentials only while they have more than this left (e.g. 90s, 10m, 1h)
    --min-remaining: string   # Fail unless the credentials stay valid this long (fresh ones are fetched when the cached ones would expire sooner): a guard for long jobs, e.g. `--min-remaining 2h`
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  def "nu-complete ssoenv export shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  def "nu-complete ssoenv export format" [] {
    [ "shell" "dotenv" "json" ]
  }

  # Print the statements that put a profile's credentials into the shell (the default)
  export extern "ssoenv export" [
    --shell: string@"nu-complete ssoenv export shell" # The shell to print for [default: the calling shell, then $SHELL, then sh]
    --format: string@"nu-complete ssoenv export format" # Print shell statements, a dotenv file, or credential_process JSON [default: shell]
    --show                    # Print the credentials even when stdout is a terminal (without this, `--format` or `--shell`, ssoenv then explains `eval` instead of showing the secrets)
    --min-valid: string       # Reuse cached role credentials only while they have more than this left (e.g. 90s, 10m, 1h)
    --min-remaining: string   # Fail unless the credentials stay valid this long (fresh ones are fetched when the cached ones would expire sooner): a guard for long jobs, e.g. `--min-remaining 2h`
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  # Sign in to a profile's SSO session, like `aws sso login`
  export extern "ssoenv login" [
    --sso-session: string     # Sign in to this [sso-session NAME] instead of a profile's
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
    profile?: string@"nu-complete ssoenv profile"          # The profile whose SSO session to sign in to [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  # Sign out of an SSO session and delete its cached token and role credentials
  export extern "ssoenv logout" [
    --sso-session: string     # Sign out of this [sso-session NAME]
    --all                     # Sign out of every cached session, as `aws sso logout` does: also deletes other tools' token files and every cached SSO role credential
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
    profile?: string@"nu-complete ssoenv profile"          # The profile whose SSO session to sign out of [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  # Open the AWS console signed in as a profile's role (or print its sign-in URL)
  export extern "ssoenv console" [
    --print                   # Print the sign-in URL on stdout (and nothing else there) instead of opening a browser
    --service: string         # Land on this service's console (e.g. s3, ec2, lambda, cloudwatch) [default: the console home]
    --region: string          # The console's region; also picks the partition (us-gov-*: GovCloud, cn-*: China) [default: the profile's `region`, then us-east-1]
    --destination: string     # Land on this console URL instead (a deep link)
    --isolate                 # Open the console in a browser profile of this profile's own, so that consoles of several accounts stay signed in side by side (also `ssoenv_console_isolate = true` in the config)
    --no-isolate              # Open the console in the browser's usual profile, whatever the config says
    --logout-first            # Sign out of the console first (its sign-out page then goes on to the new sign-in): one console session at a time, without isolation
    --min-valid: string       # Reuse cached credentials only while they have more than this left: the console session lasts as long as the credentials (e.g. 30m, 2h)
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $SSOENV_PROFILE (the one this shell holds), then $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  # Run a command with a profile's credentials in its environment
  export extern "ssoenv exec" [
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --server                  # Serve the credentials to the command from an endpoint on 127.0.0.1 that renews them (and signs in again on the terminal when the SSO session ends), instead of fixed variables: the command gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN
    --min-valid: string       # Reuse cached credentials only while they have more than this left (e.g. 90s, 10m, 1h)
    --min-remaining: string   # Fail before starting the command unless the credentials stay valid this long (fresh ones are fetched when the cached ones would expire sooner), e.g. `--min-remaining 45m`
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  # Print a profile's credentials as credential_process JSON (never signs in)
  export extern "ssoenv process" [
    --min-valid: string       # Reuse cached credentials only while they have more than this left. Keep it at 15m or more: the SDKs run the process again whenever fewer than 15 minutes remain
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    profile: string           # The profile whose credentials to print. Required, never taken from $AWS_PROFILE: that names the profile whose credential_process runs ssoenv
  ]

  def "nu-complete ssoenv serve shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  def "nu-complete ssoenv serve format" [] {
    [ "shell" "dotenv" ]
  }

  # Serve a profile's credentials on a local endpoint that renews them, for SDKs and containers
  export extern "ssoenv serve" [
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --listen: string          # Listen on this address and port instead of 127.0.0.1 on a random port (e.g. 127.0.0.1:9911, or 169.254.170.2:80 once that address is assigned to an interface). Another address than loopback is warned about: anything that reaches it can try the token
    --shell: string@"nu-complete ssoenv serve shell" # The shell to print the variables for [default: the calling shell, then $SHELL, then sh]
    --format: string@"nu-complete ssoenv serve format" # Print shell statements, or `NAME=value` lines for `docker run --env-file` and other .env readers [default: shell]
    --min-valid: string       # Renew the credentials when they have less than this left (e.g. 90s, 10m, 1h)
    --min-remaining: string   # Fail at the start, and fetch earlier, so that the credentials served always stay valid this long, e.g. `--min-remaining 45m`
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  # Print a short prompt segment: the active profile and the time its credentials have left
  export extern "ssoenv prompt" [
    --format: string          # What to print; `{profile}` and `{remaining}` (e.g. `42m`, `1h05m`, `expired`) are replaced
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
  ]

  # Print the direnv function `use_ssoenv`, for `eval "$(ssoenv direnv)"` in direnvrc
  export extern "ssoenv direnv" [
    --ssoenv-path: path       # The ssoenv the function runs [default: this executable's absolute path]; as for `init`
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
  ]

  def "nu-complete ssoenv init shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  # Print the shell integration: a prompt hook that keeps the credentials valid, and the `ssoenv use` / `ssoenv off` commands (e.g. `eval "$(ssoenv init bash)"` in ~/.bashrc)
  export extern "ssoenv init" [
    --refresh-before: string  # Refresh the credentials when they have less than this left (e.g. 10m, 1h)
    --retry-after: string     # After a failed or cancelled refresh or sign-in, wait this long before the hook tries again
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --no-login                # Never sign in from the hook: when the SSO session has ended, only say how to sign in
    --ssoenv-path: path       # The ssoenv the script runs [default: this executable's absolute path]. For tests, wrappers (for example one that counts runs) and packages that render the script for the installed path; the path is quoted for the shell
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
    shell: string@"nu-complete ssoenv init shell" # The shell to print the integration for: bash, zsh, fish, powershell (pwsh), nushell (nu), elvish or xonsh. POSIX sh, tcsh and cmd.exe have no integration; use the export there
  ]

  def "nu-complete ssoenv use shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  def "nu-complete ssoenv use format" [] {
    [ "shell" "dotenv" "json" ]
  }

  # Put a profile's credentials into the current shell (needs the shell integration)
  export extern "ssoenv use" [
    --shell: string@"nu-complete ssoenv use shell" # The shell the integration runs in (passed by the integration; another one is refused)
    --format: string@"nu-complete ssoenv use format" # Only `shell`: the integration evaluates what `use` prints
    --min-valid: string       # Reuse cached role credentials only while they have more than this left (e.g. 90s, 10m, 1h)
    --min-remaining: string   # Fail unless the credentials stay valid this long (fresh ones are fetched when the cached ones would expire sooner): a guard for long jobs, e.g. `--min-remaining 2h`
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  def "nu-complete ssoenv off shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  # Remove the credentials from the current shell (needs the shell integration)
  export extern "ssoenv off" [
    --shell: string@"nu-complete ssoenv off shell" # The shell the integration runs in (passed by the integration; another one is refused)
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
  ]

  def "nu-complete ssoenv unset shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  # Print the statements that remove every variable ssoenv sets
  export extern "ssoenv unset" [
    --shell: string@"nu-complete ssoenv unset shell" # The shell to print for [default: the calling shell, then $SHELL, then sh]
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
  ]

  def "nu-complete ssoenv hook shell" [] {
    [ "bash" "zsh" "sh" "fish" "powershell" "nushell" "elvish" "xonsh" "tcsh" "cmd" ]
  }

  # What the prompt hook runs: refresh the credentials of $SSOENV_PROFILE when they are due
  export extern "ssoenv hook" [
    --refresh-before: string  # Refresh the credentials when they have less than this left (e.g. 10m, 1h)
    --retry-after: string     # After a failed or cancelled refresh or sign-in, wait this long before the hook tries again
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --no-login                # Never sign in from the hook: when the SSO session has ended, only say how to sign in
    --backoff-until: string   # No refresh before this time (Unix epoch seconds; empty: none): the back-off after a failure, kept by the shell in a variable of its own
    --interrupted             # The previous refresh never finished (Ctrl-C): back off and say so, without refreshing
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help (see more with '--help')
    shell: string@"nu-complete ssoenv hook shell"
  ]

  def "nu-complete ssoenv configure output" [] {
    [ "json" "yaml" "yaml-stream" "text" "table" ]
  }

  # Create or update an SSO profile, like `aws configure sso` (prompts, or flags for scripts)
  export extern "ssoenv configure" [
    --profile: string         # The profile to create or update [asked; default: ROLE-ACCOUNT, as the AWS CLI]
    --sso-session: string     # The [sso-session NAME] the profile signs in with; an existing one is reused as it is
    --sso-start-url: string   # The AWS access portal URL of a new session (https://….awsapps.com/start)
    --sso-region: string      # The region of IAM Identity Center for a new session (e.g. us-east-1)
    --sso-registration-scopes: string # Comma-separated scopes a new session registers with [default: sso:account:access]
    --account-id: string      # The AWS account (12 digits) [chosen from the accounts you can reach]
    --role-name: string       # The role (permission set) to use in the account [chosen from its roles]
    --region: string          # The profile's default region for AWS tools (`region =`, exported as AWS_REGION)
    --output: string@"nu-complete ssoenv configure output" # The AWS CLI's default output format for the profile
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
  ]

  # Create a profile for every account and role you can reach through an SSO session
  export extern "ssoenv populate" [
    --sso-session: string     # The [sso-session NAME] whose accounts and roles to write profiles for
    --template: string        # How to name the profiles: {account_name}, {account_id}, {role_name} and {sso_session} are replaced (names are made safe: characters other than letters, digits, `.`, `_` and `-` become `-`)
    --region: string          # The `region` of every profile written (existing profiles keep theirs without it)
    --dry-run                 # Show what would change, write nothing
    --prune                   # Also remove the profiles populate made earlier whose account or role you can no longer reach
    --concurrency: string     # How many account role lists to ask for at once (1: one request at a time)
    --no-login                # Never sign in; fail with the command to run instead. Without a terminal on stderr ssoenv never signs in either
    --use-device-code         # Sign in with a device code (confirm a code on any device) instead of the browser redirect
    --no-browser              # Print the sign-in address instead of opening a browser
    --redirect-port: string   # Listen for the browser's redirect on this 127.0.0.1 port (so `ssh -L PORT:127.0.0.1:PORT` can forward it) [default: `sso_redirect_port` of the sso-session, else a random port]
    --paste                   # Sign in with a browser on another machine, then paste the address it ended on (`http://127.0.0.1:…/oauth/callback?code=…`) into this terminal
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
  ]

  # List every profile with its kind (sso, static, process, role, …), account, role and sign-in state (offline)
  export extern "ssoenv list" [
    --json                    # One JSON array of objects instead of a table
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
  ]

  # Show the time left on a profile's SSO token and credentials (or, for other kinds, what happens when they expire); the exit status tells scripts
  export extern "ssoenv status" [
    --json                    # One JSON object instead of text
    --margin: string          # Report "expiring" (exit status 4) when a sign-in will be due within this time
    --check                   # Also ask the service whether the session is still live (one ListAccounts call, no role credentials, never a sign-in): a session revoked by an administrator looks valid in the cache files until then
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
    profile?: string@"nu-complete ssoenv profile"          # The profile [default: $SSOENV_PROFILE (the one this shell holds), then $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, then "default"]
  ]

  def "nu-complete ssoenv completions shell" [] {
    [ "bash" "zsh" "fish" "powershell" "elvish" "nushell" ]
  }

  # Print the script that completes ssoenv's arguments, profile names included, in a shell
  export extern "ssoenv completions" [
    --debug                   # Trace on stderr what ssoenv decides and sends (cache hits, refreshes, sign-ins, each request and its outcome); secrets are never shown. Also `SSOENV_DEBUG=1`
    --help(-h)                # Print help
    shell: string@"nu-complete ssoenv completions shell" # The shell to complete in
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "ssoenv help" [
  ]

  # Print the statements that put a profile's credentials into the shell (the default)
  export extern "ssoenv help export" [
  ]

  # Sign in to a profile's SSO session, like `aws sso login`
  export extern "ssoenv help login" [
  ]

  # Sign out of an SSO session and delete its cached token and role credentials
  export extern "ssoenv help logout" [
  ]

  # Open the AWS console signed in as a profile's role (or print its sign-in URL)
  export extern "ssoenv help console" [
  ]

  # Run a command with a profile's credentials in its environment
  export extern "ssoenv help exec" [
  ]

  # Print a profile's credentials as credential_process JSON (never signs in)
  export extern "ssoenv help process" [
  ]

  # Serve a profile's credentials on a local endpoint that renews them, for SDKs and containers
  export extern "ssoenv help serve" [
  ]

  # Print a short prompt segment: the active profile and the time its credentials have left
  export extern "ssoenv help prompt" [
  ]

  # Print the direnv function `use_ssoenv`, for `eval "$(ssoenv direnv)"` in direnvrc
  export extern "ssoenv help direnv" [
  ]

  # Print the shell integration: a prompt hook that keeps the credentials valid, and the `ssoenv use` / `ssoenv off` commands (e.g. `eval "$(ssoenv init bash)"` in ~/.bashrc)
  export extern "ssoenv help init" [
  ]

  # Put a profile's credentials into the current shell (needs the shell integration)
  export extern "ssoenv help use" [
  ]

  # Remove the credentials from the current shell (needs the shell integration)
  export extern "ssoenv help off" [
  ]

  # Print the statements that remove every variable ssoenv sets
  export extern "ssoenv help unset" [
  ]

  # What the prompt hook runs: refresh the credentials of $SSOENV_PROFILE when they are due
  export extern "ssoenv help hook" [
  ]

  # Create or update an SSO profile, like `aws configure sso` (prompts, or flags for scripts)
  export extern "ssoenv help configure" [
  ]

  # Create a profile for every account and role you can reach through an SSO session
  export extern "ssoenv help populate" [
  ]

  # List every profile with its kind (sso, static, process, role, …), account, role and sign-in state (offline)
  export extern "ssoenv help list" [
  ]

  # Show the time left on a profile's SSO token and credentials (or, for other kinds, what happens when they expire); the exit status tells scripts
  export extern "ssoenv help status" [
  ]

  # Print the script that completes ssoenv's arguments, profile names included, in a shell
  export extern "ssoenv help completions" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "ssoenv help help" [
  ]

}

export use completions *
