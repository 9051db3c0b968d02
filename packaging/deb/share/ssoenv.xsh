# ssoenv shell integration for xonsh, printed by `ssoenv init xonsh`. In ~/.xonshrc:
#     execx($(ssoenv init xonsh), 'exec', __xonsh__.ctx, filename='ssoenv')
# It keeps the credentials that `ssoenv use PROFILE` put into this shell valid: before each
# prompt and each command it compares $SSOENV_EXPIRES_AT with Python's clock, and only when they
# are due it runs ssoenv to export the same profile again (signing in if needed).
# Outside interactive shells it defines nothing and prints nothing.


def __ssoenv_install():
    import subprocess
    import sys
    import time

    ssoenv = '/usr/bin/ssoenv'
    hook_options = ['--refresh-before', '10m', '--retry-after', '5m']
    use_options = ['--min-valid', '12m30s']
    session = __xonsh__
    existing = getattr(session, "_ssoenv_integration", None)
    if existing is not None:
        # Evaluated again: keep the registered hook, take the new settings.
        existing.update(ssoenv=ssoenv, hook_options=hook_options, use_options=use_options)
        return
    state = {
        "ssoenv": ssoenv,
        "hook_options": hook_options,
        "use_options": use_options,
        # No refresh before this time (epoch seconds), after a failure; set by ssoenv's output.
        "__ssoenv_backoff_until": 0,
        # Set while a run is under way.
        "attempt": False,
    }
    session._ssoenv_integration = state

    def run(arguments):
        """ssoenv with stdout captured; stdin and stderr stay the terminal's (sign-in). The
        environment is xonsh's own, which os.environ does not follow."""
        completed = subprocess.run(
            [state["ssoenv"], *arguments],
            stdout=subprocess.PIPE,
            env=session.env.detype(),
        )
        return completed.returncode, completed.stdout.decode("utf-8", "replace")

    def apply(code):
        if code:
            scope = {"__ssoenv_backoff_until": state["__ssoenv_backoff_until"]}
            execx(code, "exec", scope)
            state["__ssoenv_backoff_until"] = scope.get("__ssoenv_backoff_until", 0)

    def back_off_now():
        status, code = run(["hook", "xonsh", *state["hook_options"], "--interrupted"])
        state["attempt"] = False
        apply(code)

    def number(value):
        try:
            return int(str(value))
        except ValueError:
            return None

    def hook(**_):
        try:
            if state["attempt"]:
                back_off_now()
                return
            env = session.env
            if not env.get("SSOENV_PROFILE"):
                return
            now = int(time.time())
            until = number(state["__ssoenv_backoff_until"]) or 0
            if now < until:
                return
            expires = number(env.get("SSOENV_EXPIRES_AT", ""))
            if expires is not None and now < expires - 600:
                return
            state["attempt"] = True
            status, code = run(
                ["hook", "xonsh", *state["hook_options"], "--backoff-until=" + str(until)]
            )
            if status < 0 or status >= 128:
                # Killed by a signal: back off rather than sign in again at the next prompt.
                back_off_now()
                return
            state["attempt"] = False
            apply(code)
        except KeyboardInterrupt:
            back_off_now()

    def ssoenv_alias(args, stdin=None, stdout=None):
        """`ssoenv use PROFILE` and `ssoenv off` change this shell; anything else is the
        binary's, its output passed on (so `$(ssoenv PROFILE)` works as without this)."""
        if args and args[0] in ("use", "off"):
            extra = state["use_options"] if args[0] == "use" else []
            status, code = run([args[0], "--shell", "xonsh", *extra, *args[1:]])
            if status == 0:
                apply(code)
                state["__ssoenv_backoff_until"] = 0
                state["attempt"] = False
            return status
        status, output = run(list(args))
        (stdout or sys.stdout).write(output)
        return status

    events.on_pre_prompt(hook)
    events.on_precommand(hook)
    aliases["ssoenv"] = ssoenv_alias


if __xonsh__.env.get("XONSH_INTERACTIVE"):
    __ssoenv_install()
del __ssoenv_install
