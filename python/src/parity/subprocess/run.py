"""subprocess.run: run a program, wait for it, and read what it did.

`subprocess.run` starts a *new* process (fork+exec or posix_spawn on POSIX, CreateProcess on
Windows), waits for it and returns a CompletedProcess: the arguments, the exit code and, with
`capture_output=True`, what it wrote. Unlike os.execlp it does not replace the caller. The children
are Python one-liners, not `ls` or `ping`, so the concept runs alike on every platform.
"""

import subprocess
import sys

from parity.common import entry
from parity.common.timing import SHORT_TIMEOUT, scaled

PYTHON = [sys.executable, "-c"]  # then the code to run
GREET = "import os, sys; print('hello from', os.getpid()); print('a warning', file=sys.stderr)"
FAIL = "import sys; print('bad input', file=sys.stderr); sys.exit(3)"
HANG = "import os, time; print(os.getpid(), flush=True); time.sleep(600)"


# <run>
def run_captured(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=SHORT_TIMEOUT, check=False)


# </run>


# <check>
def run_checked(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=SHORT_TIMEOUT, check=True)


# </check>


# <timeout>
def run_with_timeout(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """run() kills the child when the timeout expires, waits for it, then raises TimeoutExpired."""
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


# </timeout>


# <main>
def main() -> None:
    done = run_captured([*PYTHON, GREET])
    print(f"CompletedProcess: args=[python, -c, ...] returncode={done.returncode}")
    print(f"stdout={done.stdout.strip()!r} stderr={done.stderr.strip()!r}")
    try:
        run_checked([*PYTHON, FAIL])
    except subprocess.CalledProcessError as err:  # check=True: a non-zero exit code raises
        print(f"CalledProcessError: exit status {err.returncode}, stderr={err.stderr.strip()!r}")
    try:
        run_with_timeout([*PYTHON, HANG], scaled(1.0))
    except subprocess.TimeoutExpired as err:
        # On POSIX the output read so far rides on the exception, as bytes even with text=True.
        partial = err.stdout.decode() if isinstance(err.stdout, bytes) else err.stdout
        pid = (partial or "?").strip()
        print(f"TimeoutExpired after {err.timeout:.2f} s; the child (pid {pid}) was killed")


# </main>


if __name__ == "__main__":
    entry.run(main)
