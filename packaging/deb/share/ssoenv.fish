# ssoenv shell integration for fish, printed by `ssoenv init fish`. In
# ~/.config/fish/config.fish:
#     ssoenv init fish | source
# It keeps the credentials that `ssoenv use PROFILE` (or `ssoenv PROFILE | source`) put into
# this shell valid: before each prompt and each command it asks ssoenv whether they are due
# (fish has no clock of its own; ssoenv answers in about a millisecond without reading any
# file), and when they are, ssoenv exports the same profile again (signing in if needed).
# Outside interactive shells it defines nothing and prints nothing.
if status is-interactive
    # `ssoenv use PROFILE` and `ssoenv off` change this shell; anything else runs the binary as
    # it is, so `ssoenv PROFILE | source` works the same with or without this function.
    function ssoenv --description 'Short-term AWS credentials from IAM Identity Center'
        set -l __ssoenv_command "$argv[1]"
        if test "$__ssoenv_command" != use -a "$__ssoenv_command" != off
            '/usr/bin/ssoenv' $argv
            return
        end
        set -e argv[1]
        if test "$__ssoenv_command" = use
            '/usr/bin/ssoenv' use --shell fish --min-valid 12m30s $argv | source
        else
            '/usr/bin/ssoenv' off --shell fish $argv | source
        end
        set -l __ssoenv_status $pipestatus[1]
        if test "$__ssoenv_status" = 0
            set -e -g __ssoenv_backoff_until
            set -e -g __ssoenv_attempt
        end
        return $__ssoenv_status
    end

    # Runs before every prompt and every command. Keeps the exit status the user saw; starts no
    # process while no profile is active.
    function __ssoenv_hook --on-event fish_prompt --on-event fish_preexec
        set -l __ssoenv_status $status
        set -l __ssoenv_run 0
        if set -q __ssoenv_attempt
            # The last refresh never came back (Ctrl-C): back off rather than sign in again.
            '/usr/bin/ssoenv' hook fish --refresh-before 10m --retry-after 5m --interrupted | source
            set __ssoenv_run $pipestatus[1]
        else
            if test -z "$SSOENV_PROFILE"
                return $__ssoenv_status
            end
            # Marked before the run, cleared when it comes back: a mark left over means Ctrl-C.
            set -g __ssoenv_attempt 1
            '/usr/bin/ssoenv' hook fish --refresh-before 10m --retry-after 5m --backoff-until="$__ssoenv_backoff_until" | source
            set __ssoenv_run $pipestatus[1]
        end
        # Above 128 the run was killed by a signal and this function went on: back off now.
        # When Ctrl-C ended this function too, the mark stays and the next prompt backs off.
        if test "$__ssoenv_run" -ge 128
            '/usr/bin/ssoenv' hook fish --refresh-before 10m --retry-after 5m --interrupted | source
            set __ssoenv_run $pipestatus[1]
        end
        if test "$__ssoenv_run" -lt 128
            set -e -g __ssoenv_attempt
        end
        return $__ssoenv_status
    end
end
