# ssoenv shell integration for elvish, printed by `ssoenv init elvish`. In
# ~/.config/elvish/rc.elv (read by interactive shells only):
#     eval (ssoenv init elvish | slurp)
# It keeps the credentials that `ssoenv use PROFILE` put into this shell valid: before each
# prompt and each command it asks ssoenv whether they are due (elvish 0.19 has no clock of its
# own; ssoenv answers in about a millisecond without reading any file), and when they are,
# ssoenv exports the same profile again (signing in if needed).

use builtin

# No refresh before this time (epoch seconds), after a failure; set by ssoenv's own output.
var __ssoenv_backoff_until = 0
# Set while a run is under way: still set at the next prompt means Ctrl-C cut it short.
var __ssoenv_attempt = $false

# An environment variable, or '' when it is not set.
fn __ssoenv_env {|name|
  if (builtin:has-env $name) {
    builtin:get-env $name
  } else {
    builtin:put ''
  }
}

# Evaluates ssoenv's output: environment changes, and the back-off deadline for this script.
fn __ssoenv_apply {|code|
  if (builtin:eq $code '') {
    return
  }
  eval $code &ns=(ns [&__ssoenv_backoff_until=$__ssoenv_backoff_until]) ^
    &on-end={|n| set __ssoenv_backoff_until = $n[__ssoenv_backoff_until] }
}

# `ssoenv use PROFILE` and `ssoenv off` change this shell; anything else runs the binary.
fn ssoenv {|@arguments|
  if (and (builtin:> (builtin:count $arguments) 0) (builtin:has-value [use off] $arguments[0])) {
    var code = ''
    if (builtin:eq $arguments[0] use) {
      set code = ('/usr/bin/ssoenv' use --shell elvish --min-valid 12m30s (builtin:all $arguments[1..]) | builtin:slurp)
    } else {
      set code = ('/usr/bin/ssoenv' off --shell elvish (builtin:all $arguments[1..]) | builtin:slurp)
    }
    __ssoenv_apply $code
    set __ssoenv_backoff_until = 0
    set __ssoenv_attempt = $false
  } else {
    '/usr/bin/ssoenv' $@arguments
  }
}

# Runs before every prompt and every command. The hook entry exits 0 unless it was killed, so
# an exception here means Ctrl-C: back off at once.
fn __ssoenv_hook {
  var code = ''
  if $__ssoenv_attempt {
    set code = ('/usr/bin/ssoenv' hook elvish --refresh-before 10m --retry-after 5m --interrupted | builtin:slurp)
  } else {
    if (builtin:eq (__ssoenv_env SSOENV_PROFILE) '') {
      return
    }
    set __ssoenv_attempt = $true
    try {
      set code = ('/usr/bin/ssoenv' hook elvish --refresh-before 10m --retry-after 5m --backoff-until=(builtin:to-string $__ssoenv_backoff_until) | builtin:slurp)
    } catch {
      set code = ('/usr/bin/ssoenv' hook elvish --refresh-before 10m --retry-after 5m --interrupted | builtin:slurp)
    }
  }
  set __ssoenv_attempt = $false
  __ssoenv_apply $code
}

# Registered once per shell process, however often this is evaluated: the marker holds the
# process id, so a child elvish (which inherits the environment) registers its own.
if (builtin:not-eq (__ssoenv_env __SSOENV_ELVISH_HOOKED) (builtin:to-string $pid)) {
  builtin:set-env __SSOENV_ELVISH_HOOKED (builtin:to-string $pid)
  set edit:before-readline = [$@edit:before-readline { __ssoenv_hook }]
  set edit:after-readline = [$@edit:after-readline {|_| __ssoenv_hook }]
}
edit:add-var ssoenv~ $ssoenv~
