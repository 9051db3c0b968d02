# ssoenv shell integration for Nushell, printed by `ssoenv init nushell`. Nushell sources files
# only, so save it once from env.nu and source it from config.nu:
#     ssoenv init nushell | save --force ~/.cache/ssoenv.nu      # env.nu
#     source ~/.cache/ssoenv.nu                                    # config.nu
# It keeps the credentials that `ssoenv use PROFILE` put into this shell valid: before each
# prompt and each command it compares $env.SSOENV_EXPIRES_AT with `date now`, and only when they
# are due it runs ssoenv to export the same profile again (signing in if needed). ssoenv answers
# this integration with data ({"set": {…}, "unset": […]}), which it applies with load-env and
# hide-env. Its own state lives in $env: SSOENV_BACKOFF_UNTIL (no refresh before this time,
# after a failure) and __SSOENV_ATTEMPT (a run under way).

# Applies what ssoenv printed for this integration.
def --env __ssoenv_apply [output] {
    if ($output | is-empty) or ($output | str trim | is-empty) { return }
    let changes = ($output | from json)
    load-env $changes.set
    hide-env --ignore-errors ...$changes.unset
}

# `ssoenv use PROFILE` and `ssoenv off` change this shell; anything else runs the binary.
def --env --wrapped ssoenv [...arguments] {
    let command = ($arguments | get 0? | default '')
    if $command == 'use' or $command == 'off' {
        let rest = ($arguments | skip 1)
        let extra = if $command == 'use' { [--min-valid 12m30s] } else { [] }
        let output = (try { ^"/usr/bin/ssoenv" $command --shell nushell ...$extra ...$rest } catch { null })
        if $output == null { return }
        __ssoenv_apply $output
        hide-env --ignore-errors SSOENV_BACKOFF_UNTIL __SSOENV_ATTEMPT
    } else {
        ^"/usr/bin/ssoenv" ...$arguments
    }
}

# Runs before every prompt and every command. Starts no process while the credentials have
# more than 600 seconds left.
def --env __ssoenv_hook [] {
    if ($env.__SSOENV_ATTEMPT? | default '') != '' {
        # The last refresh never came back (Ctrl-C): back off rather than sign in again.
        let output = (try { ^"/usr/bin/ssoenv" hook nushell --refresh-before 10m --retry-after 5m --interrupted } catch { null })
        hide-env --ignore-errors __SSOENV_ATTEMPT
        __ssoenv_apply $output
        return
    }
    if ($env.SSOENV_PROFILE? | default '') == '' { return }
    let now = ((date now | into int) // 1_000_000_000)
    let until = (try { $env.SSOENV_BACKOFF_UNTIL? | default '0' | into int } catch { 0 })
    if $now < $until { return }
    let expires = (try { $env.SSOENV_EXPIRES_AT | into int } catch { null })
    if $expires != null and $now < ($expires - 600) { return }
    # Marked before the run, cleared when it comes back: a mark left over means Ctrl-C.
    $env.__SSOENV_ATTEMPT = '1'
    let output = (try {
        ^"/usr/bin/ssoenv" hook nushell --refresh-before 10m --retry-after 5m $"--backoff-until=($until)"
    } catch {
        # The hook entry exits 0 unless it was killed: back off now.
        try { ^"/usr/bin/ssoenv" hook nushell --refresh-before 10m --retry-after 5m --interrupted } catch { null }
    })
    hide-env --ignore-errors __SSOENV_ATTEMPT
    __ssoenv_apply $output
}

# Registered once per shell process, however often this is sourced: the marker holds the
# process id, so a child nu (which inherits the environment) registers its own.
if ($env.__SSOENV_NU_HOOKED? | default '') != ($nu.pid | into string) {
    $env.__SSOENV_NU_HOOKED = ($nu.pid | into string)
    $env.config.hooks.pre_prompt = (
        $env.config.hooks.pre_prompt? | default [] | append {|| __ssoenv_hook }
    )
    $env.config.hooks.pre_execution = (
        $env.config.hooks.pre_execution? | default [] | append {|| __ssoenv_hook }
    )
}
