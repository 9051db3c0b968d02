# ssoenv shell integration for bash, printed by `ssoenv init bash`. In ~/.bashrc:
#     eval "$(ssoenv init bash)"
# It keeps the credentials that `ssoenv use PROFILE` (or `eval "$(ssoenv PROFILE)"`) put into
# this shell valid: before each prompt it compares SSOENV_EXPIRES_AT with bash's own clock, and
# only when they are due it runs ssoenv to export the same profile again (signing in if needed).
# Outside interactive shells it defines nothing and prints nothing.
if [[ $- == *i* ]]; then

# `ssoenv use PROFILE` and `ssoenv off` change this shell; anything else runs the binary as it
# is, so `eval "$(ssoenv PROFILE)"` works the same with or without this function.
ssoenv() {
  \builtin local __ssoenv_code
  case ${1-} in
    use)
      \builtin shift
      __ssoenv_code=$('/usr/bin/ssoenv' use --shell bash --min-valid 12m30s "$@") || \builtin return
      ;;
    off)
      \builtin shift
      __ssoenv_code=$('/usr/bin/ssoenv' off --shell bash "$@") || \builtin return
      ;;
    *)
      '/usr/bin/ssoenv' "$@"
      \builtin return
      ;;
  esac
  \builtin eval "$__ssoenv_code"
  \builtin unset __ssoenv_backoff_until __ssoenv_attempt
}

# Runs before every prompt. Keeps the exit status the user saw; starts no process while the
# credentials have more than 600 seconds left.
__ssoenv_hook() {
  \builtin local __ssoenv_status=$?
  \builtin local __ssoenv_now='' __ssoenv_code='' __ssoenv_run=0
  if [[ -n ${__ssoenv_attempt-} ]]; then
    # The last refresh never came back (Ctrl-C): back off rather than sign in again right away.
    __ssoenv_code=$('/usr/bin/ssoenv' hook bash --refresh-before 10m --retry-after 5m --interrupted)
    __ssoenv_run=$?
  else
    [[ -n ${SSOENV_PROFILE-} ]] || \builtin return "$__ssoenv_status"
    if [[ -n ${EPOCHSECONDS-} ]]; then
      __ssoenv_now=$EPOCHSECONDS
    elif ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 2))); then
      \builtin printf -v __ssoenv_now '%(%s)T' -1
    fi
    # Numbers only (arithmetic would run the command in `a[$(cmd)]`); without a clock (bash
    # before 4.2) the binary decides.
    if [[ -n $__ssoenv_now && $__ssoenv_now != *[!0-9]* && ${#__ssoenv_now} -lt 19 ]]; then
      if [[ -n ${__ssoenv_backoff_until-} && $__ssoenv_backoff_until != *[!0-9]* ]] \
        && ((${#__ssoenv_backoff_until} < 19 && __ssoenv_now < 10#$__ssoenv_backoff_until)); then
        \builtin return "$__ssoenv_status"
      fi
      if [[ -n ${SSOENV_EXPIRES_AT-} && $SSOENV_EXPIRES_AT != *[!0-9]* ]] \
        && ((${#SSOENV_EXPIRES_AT} < 19 && __ssoenv_now < 10#$SSOENV_EXPIRES_AT - 600)); then
        \builtin return "$__ssoenv_status"
      fi
    fi
    # Marked before the run, cleared when it comes back: a mark left over means Ctrl-C.
    __ssoenv_attempt=1
    __ssoenv_code=$('/usr/bin/ssoenv' hook bash --refresh-before 10m --retry-after 5m --backoff-until="${__ssoenv_backoff_until-}")
    __ssoenv_run=$?
  fi
  # Above 128 the run was killed by a signal, and this function went on (bash does when the
  # user has an INT trap): back off now. Otherwise Ctrl-C ended this function too, the mark
  # stays, and the next prompt backs off.
  if ((__ssoenv_run >= 128)); then
    __ssoenv_code=$('/usr/bin/ssoenv' hook bash --refresh-before 10m --retry-after 5m --interrupted)
    __ssoenv_run=$?
  fi
  if ((__ssoenv_run < 128)); then
    \builtin unset __ssoenv_attempt
  fi
  if [[ -n $__ssoenv_code ]]; then
    \builtin eval "$__ssoenv_code"
  fi
  \builtin return "$__ssoenv_status"
}

# Register once, first in PROMPT_COMMAND, whether it is unset, a string or (bash 5.1) an array;
# never exported. Prepending with `;` keeps a string that ends in `&` or a comment working.
__ssoenv_declaration=$(\builtin declare -p PROMPT_COMMAND 2>/dev/null)
__ssoenv_declaration=${__ssoenv_declaration#declare -}
if [[ ${__ssoenv_declaration%% *} == *a* ]]; then
  __ssoenv_registered=
  for __ssoenv_command in "${PROMPT_COMMAND[@]}"; do
    if [[ $__ssoenv_command == *__ssoenv_hook* ]]; then
      __ssoenv_registered=1
    fi
  done
  if [[ -z $__ssoenv_registered ]]; then
    PROMPT_COMMAND=(__ssoenv_hook "${PROMPT_COMMAND[@]}")
  fi
  \builtin unset __ssoenv_registered __ssoenv_command
elif [[ ${PROMPT_COMMAND-} != *__ssoenv_hook* ]]; then
  # shellcheck disable=SC2178 # a string here, an array only in the branch above
  PROMPT_COMMAND="__ssoenv_hook;${PROMPT_COMMAND-}"
fi
\builtin unset __ssoenv_declaration

fi
