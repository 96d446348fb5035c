"""subprocess.communicate: drive an interactive program through its stdin and stdout.

The child is Python's own interactive interpreter (`python -i`), standing in for the
article's ipython. `communicate(input, timeout)` writes the input, closes stdin (the REPL's
end of file) and reads stdout and stderr to the end. When the timeout expires the child is
NOT killed: communicate raises subprocess.TimeoutExpired and leaves it running, so the
documented pattern is kill() and then communicate() again to collect what it wrote.
TimeoutExpired derives from SubprocessError, not from the builtin TimeoutError: a handler
written as `except TimeoutError` never runs.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled

# -i: interactive even though stdin is a pipe (prompts go to stderr); -q: no banner;
# -u: unbuffered, so what the child printed is not lost in its buffer when we kill it.
REPL = [sys.executable, "-i", "-q", "-u"]
STALL_LIMIT_FLOOR = 1.0  # seconds; a fresh interpreter needs tens of ms to start, more under load


@dataclass(frozen=True)
class Conversation:
    stdout: str
    stderr: str
    timed_out: bool
    alive_after_timeout: bool  # was the child still running when communicate gave up?
    returncode: int


def start_repl() -> subprocess.Popen[str]:
    return subprocess.Popen(
        REPL, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


# <communicate>
def converse(source: str, timeout: float) -> Conversation:
    """Feed `source` to a fresh REPL and read everything it answers, within `timeout`."""
    with start_repl() as child:
        try:
            out, err = child.communicate(source, timeout=timeout)
            return Conversation(out, err, False, False, child.returncode)
        except subprocess.TimeoutExpired:  # not TimeoutError: see article_style below
            alive = child.poll() is None  # communicate gave up, the child did not
            child.kill()
            out, err = child.communicate(timeout=SHORT_TIMEOUT)  # collect output, reap
            return Conversation(out, err, True, alive, child.returncode)


# </communicate>


# <article-style>
def article_style(child: subprocess.Popen[str], source: str, timeout: float) -> tuple[str, str]:
    """The article's handler: it catches the builtin TimeoutError, which never matches."""
    try:
        return child.communicate(source, timeout=timeout)
    except TimeoutError:  # TimeoutExpired is a SubprocessError: this clause never runs
        child.kill()
        return child.communicate(timeout=SHORT_TIMEOUT)


# </article-style>

HELLO = 'print("hello")\n2 + 2\n'
STUCK = 'print("working...")\nimport time; time.sleep(600)\n'


# <main>
def stall_limit() -> float:
    """The article's 1 s, scaled, but never below STALL_LIMIT_FLOOR: a limit shorter than the
    child's start-up would kill it before it answered anything (a different outcome)."""
    return max(scaled(1.0), STALL_LIMIT_FLOOR)


def main() -> None:
    talk = converse(HELLO, timeout=SHORT_TIMEOUT)
    print(f"stdout={talk.stdout!r} prompts on stderr={talk.stderr.count('>>>')}")

    stuck = converse(STUCK, timeout=stall_limit())
    print(f"timed out={stuck.timed_out}, still running then={stuck.alive_after_timeout}")
    print(f"collected after kill: stdout={stuck.stdout!r} returncode={stuck.returncode}")

    with start_repl() as child:
        try:
            article_style(child, STUCK, timeout=stall_limit())
        except subprocess.TimeoutExpired as error:
            print(f"`except TimeoutError` did not catch {type(error).__name__}; cleaning up here")
            child.kill()
            child.communicate(timeout=SHORT_TIMEOUT)


# </main>


if __name__ == "__main__":
    entry.run(main)
