"""subprocess.run: run a program, wait for it, and read what it did.

`subprocess.run` starts a *new* child process (fork+exec or posix_spawn on POSIX, CreateProcess
on Windows) and returns a CompletedProcess: the arguments, the exit code and, with
`capture_output=True`, what the child wrote. Unlike os.execlp it does not replace the caller.
`check=True` turns a non-zero exit code into CalledProcessError; `timeout=` kills the child
and raises TimeoutExpired. The child here is another Python interpreter (sys.executable), so
the concept runs the same on Linux, macOS and Windows, where `ls` and `ping` differ or are absent.
"""

from __future__ import annotations

import subprocess
import sys

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled

# Children: small Python programs, so no shell tool is needed on any platform.
GREET = "import os, sys; print('hello from', os.getpid()); print('a warning', file=sys.stderr)"
FAIL = "import sys; print('bad input', file=sys.stderr); sys.exit(3)"
# Prints its pid, then sleeps far longer than any timeout we give it.
HANG = "import os, time; print(os.getpid(), flush=True); time.sleep(600)"


def python(code: str) -> list[str]:
    """The argument list that runs `code` in a fresh Python interpreter."""
    return [sys.executable, "-c", code]


# <run>
def run_captured(code: str) -> subprocess.CompletedProcess[str]:
    """Run a child, wait for it, and keep its stdout and stderr as text."""
    return subprocess.run(
        python(code), capture_output=True, text=True, timeout=SHORT_TIMEOUT, check=False
    )


# </run>


# <check>
def run_checked(code: str) -> subprocess.CompletedProcess[str]:
    """Like run_captured, but a non-zero exit code raises CalledProcessError."""
    return subprocess.run(
        python(code), capture_output=True, text=True, timeout=SHORT_TIMEOUT, check=True
    )


# </check>


# <timeout>
def run_with_timeout(code: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """run() kills the child when the timeout expires, waits for it, then raises TimeoutExpired."""
    return subprocess.run(
        python(code), capture_output=True, text=True, timeout=timeout, check=False
    )


# </timeout>


# <main>
def main() -> None:
    done = run_captured(GREET)
    print(f"CompletedProcess: args=[python, -c, ...] returncode={done.returncode}")
    print(f"stdout={done.stdout.strip()!r} stderr={done.stderr.strip()!r}")

    try:
        run_checked(FAIL)
    except subprocess.CalledProcessError as error:
        print(
            f"CalledProcessError: exit status {error.returncode}, stderr={error.stderr.strip()!r}"
        )

    limit = scaled(1.0)
    try:
        run_with_timeout(HANG, limit)
    except subprocess.TimeoutExpired as error:
        # On POSIX the output read so far rides on the exception, as bytes even with text=True.
        partial = error.stdout.decode() if isinstance(error.stdout, bytes) else error.stdout
        pid = (partial or "?").strip()
        print(f"TimeoutExpired after {error.timeout:.2f} s; the child (pid {pid}) was killed")


# </main>


if __name__ == "__main__":
    entry.run(main)
