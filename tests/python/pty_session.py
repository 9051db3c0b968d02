"""Drive an interactive program through a pseudo-terminal, as a person at a keyboard would.

Usage: pty_session.py STEPS_JSON -- PROGRAM ARGS...

STEPS_JSON is a list of steps, run in order:
  {"expect": "text"}   wait (up to 30 s) until the screen output, with terminal escape sequences
                       removed, shows "text" after the point the previous expect matched
  {"send": "keys"}     type the keys ("\\r" is Enter, "\\u001b[B" the Down arrow, "\\t" Tab)
  {"sleep": 0.5}       wait

When the steps are done the program gets 30 s to exit (or is ended if "keep_running" is given as
the last step, for shells). Prints one JSON object: {"status": exit status or null,
"transcript": everything shown, escape sequences removed, "raw": the same with them}. Exits 1, with the transcript on
stderr, when an expected text never appears.
"""

import json
import os
import pty
import re
import select
import signal
import struct
import sys
import time

import fcntl
import termios

ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, clearing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window titles
    r"|\x1b[()][A-Za-z0-9]"  # character sets
    r"|\x1b[=>78]"
)
TIMEOUT = 30.0


def readable(fd: int, seconds: float) -> bytes:
    ready, _, _ = select.select([fd], [], [], seconds)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # the program exited and the terminal closed
        return b""


def main() -> int:
    steps = json.loads(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, os.environ)
    # A terminal of a usual size: menus size themselves by it.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))

    raw = b""
    position = 0  # where the next expect starts looking, in the cleaned transcript

    def cleaned() -> str:
        return ESCAPES.sub("", raw.decode("utf-8", "replace"))

    keep_running = False
    for step in steps:
        if "expect" in step:
            deadline = time.monotonic() + TIMEOUT
            while True:
                text = cleaned()
                found = text.find(step["expect"], position)
                if found >= 0:
                    position = found + len(step["expect"])
                    break
                if time.monotonic() > deadline:
                    sys.stderr.write(
                        f"never saw {step['expect']!r}; the screen showed:\n{text}\n"
                    )
                    os.kill(pid, signal.SIGKILL)
                    return 1
                raw += readable(fd, 0.1)
            # Let the program finish drawing and switch the terminal mode before typing.
            end = time.monotonic() + 0.3
            while time.monotonic() < end:
                raw += readable(fd, 0.05)
        elif "send" in step:
            os.write(fd, step["send"].encode())
        elif "sleep" in step:
            end = time.monotonic() + step["sleep"]
            while time.monotonic() < end:
                raw += readable(fd, 0.05)
        elif "keep_running" in step:
            keep_running = True

    status = None
    deadline = time.monotonic() + (1.0 if keep_running else TIMEOUT)
    while time.monotonic() < deadline:
        raw += readable(fd, 0.1)
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            raw += readable(fd, 0.1)
            break
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(
        json.dumps(
            {
                "status": status,
                "transcript": cleaned(),
                "raw": raw.decode("utf-8", "replace"),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
