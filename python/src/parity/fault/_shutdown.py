"""fault.graceful-shutdown's support: the harness that starts a server, signals it, reads it back.

The server is the lesson run as a program (`--serve MODE`) in its own session, so a group signal
reaches it and its workers and nothing else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass

from parity.common.kill import killed_after, signal_group
from parity.common.timing import SHORT_TIMEOUT


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str
    errors: str


def stop_a_server(mode: str, signum: int, *, group: bool) -> Outcome:
    """Start `--serve MODE` in a new session, signal it once two jobs are in flight, wait for it."""
    server = subprocess.Popen(
        [sys.executable, "-m", "parity.fault.graceful_shutdown", "--serve", mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: a Ctrl-C here reaches it and its workers only
    )
    assert server.stdout is not None
    assert server.stderr is not None
    seen: list[str] = []
    try:
        with killed_after(SHORT_TIMEOUT, lambda: signal_group(server.pid)):
            # Two jobs running in workers the initializer has set up.
            while sum("started" in line for line in seen) < 2:
                line = server.stdout.readline()
                if not line:
                    break
                seen.append(line)
        if group:
            signal_group(server.pid, signum)  # what the terminal does on Ctrl-C
        else:
            os.kill(server.pid, signum)  # what systemd, docker stop or kill(1) do
        # The rest through the same file object: communicate() reads the pipe itself and would
        # lose what readline() has already taken into the object's buffer (a whole line, when
        # two arrive together on a loaded machine).
        with killed_after(SHORT_TIMEOUT, lambda: signal_group(server.pid)):
            rest, errors = server.stdout.read(), server.stderr.read()
            server.wait()
    finally:
        if server.poll() is None:
            signal_group(server.pid)
            server.communicate(timeout=SHORT_TIMEOUT)
    return Outcome(server.returncode, "".join(seen) + rest, errors)


def sigterm_is_default() -> bool:
    """What a worker's SIGTERM disposition is before any initializer touches it."""
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
