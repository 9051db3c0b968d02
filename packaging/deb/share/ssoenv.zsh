# ssoenv shell integration for zsh, printed by `ssoenv init zsh`. In ~/.zshrc:
#     eval "$(ssoenv init zsh)"
# It keeps the credentials that `ssoenv use PROFILE` (or `eval "$(ssoenv PROFILE)"`) put into
# this shell valid: before each prompt and before each command it compares SSOENV_EXPIRES_AT
# with zsh's own clock (zsh/datetime), and only when they are due it runs ssoenv to export the
# same profile again (signing in if needed).
# Outside interactive shells it defines nothing and prints nothing.
if [[ -o interactive ]]; then

# $EPOCHSECONDS only; without the module the binary decides.
\builtin zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null

# `ssoenv use PROFILE` and `ssoenv off` change this shell; anything else runs the binary as it
# is, so `eval "$(ssoenv PROFILE)"` works the same with or without this function.
ssoenv() {
  \builtin emulate -L zsh
  \builtin local __ssoenv_code
  case ${1-} in
    (use)
      \builtin shift
      __ssoenv_code=$('/usr/bin/ssoenv' use --shell zsh --min-valid 12m30s "$@") || \builtin return
      ;;
    (off)
      \builtin shift
      __ssoenv_code=$('/usr/bin/ssoenv' off --shell zsh "$@") || \builtin return
      ;;
    (*)
      '/usr/bin/ssoenv' "$@"
      \builtin return
      ;;
  esac
  \builtin eval "$__ssoenv_code"
  \builtin unset __ssoenv_backoff_until __ssoenv_attempt
}

# Runs before every prompt (precmd) and every command (preexec). Keeps the exit status the user
# saw; `emulate -L zsh` shields it from the user's options (ksh_arrays, sh_word_split, nounset…).
# Starts no process while the credentials have more than 600 seconds left.
__ssoenv_hook() {
  \builtin local __ssoenv_status=$?
  \builtin emulate -L zsh
  \builtin local __ssoenv_now='' __ssoenv_code='' __ssoenv_run=0
  if [[ -n ${__ssoenv_attempt-} ]]; then
    # The last refresh never came back (Ctrl-C): back off rather than sign in again right away.
    __ssoenv_code=$('/usr/bin/ssoenv' hook zsh --refresh-before 10m --retry-after 5m --interrupted)
    __ssoenv_run=$?
  else
    [[ -n ${SSOENV_PROFILE-} ]] || \builtin return $__ssoenv_status
    __ssoenv_now=${EPOCHSECONDS-}
    # Numbers only: arithmetic on a name evaluates its value, and `a[$(cmd)]` runs the command.
    if [[ $__ssoenv_now == <-> && ${#__ssoenv_now} -lt 19 ]]; then
      if [[ ${__ssoenv_backoff_until-} == <-> && ${#__ssoenv_backoff_until} -lt 19 ]] \
        && (( __ssoenv_now < __ssoenv_backoff_until )); then
        \builtin return $__ssoenv_status
      fi
      if [[ ${SSOENV_EXPIRES_AT-} == <-> && ${#SSOENV_EXPIRES_AT} -lt 19 ]] \
        && (( __ssoenv_now < SSOENV_EXPIRES_AT - 600 )); then
        \builtin return $__ssoenv_status
      fi
    fi
    # Marked before the run, cleared when it comes back: a mark left over means Ctrl-C.
    __ssoenv_attempt=1
    __ssoenv_code=$('/usr/bin/ssoenv' hook zsh --refresh-before 10m --retry-after 5m --backoff-until="${__ssoenv_backoff_until-}")
    __ssoenv_run=$?
  fi
  # Above 128 the run was killed by a signal, and this function went on (zsh does when the
  # user has an INT trap): back off now. Otherwise Ctrl-C ended this function too, the mark
  # stays, and the next prompt backs off.
  if (( __ssoenv_run >= 128 )); then
    __ssoenv_code=$('/usr/bin/ssoenv' hook zsh --refresh-before 10m --retry-after 5m --interrupted)
    __ssoenv_run=$?
  fi
  if (( __ssoenv_run < 128 )); then
    \builtin unset __ssoenv_attempt
  fi
  if [[ -n $__ssoenv_code ]]; then
    \builtin eval "$__ssoenv_code"
  fi
  \builtin return $__ssoenv_status
}

# add-zsh-hook adds a function once, however often this is evaluated.
\builtin autoload -Uz add-zsh-hook
add-zsh-hook precmd __ssoenv_hook
add-zsh-hook preexec __ssoenv_hook

fi
