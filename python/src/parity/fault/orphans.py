"""fault.orphans: the parent is killed. Its children are not.

A killed parent runs no exit handler, so even its daemon children live on. Two ways to tie a
child to its parent: it watches a pipe only the parent writes to (portable), or it asks Linux for
PR_SET_PDEATHSIG. The demo starts a middle program (this module with --middle) that starts a
daemon child, kills the middle program, and looks at the child.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time

from parity.common import entry
from parity.common.kill import gone, hard_kill
from parity.common.mp import START_METHOD_VARIABLE, PipeEnd, context
from parity.common.timing import SHORT_TIMEOUT, scaled
from parity.fault._orphans import Mode, Outcome, child_parent

LIFETIME = 3 * SHORT_TIMEOUT
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
MODES: tuple[Mode, ...] = ("plain", "watch", "pdeathsig")


# <watch>
def exit_when_parent_goes(reader: PipeEnd, writer: PipeEnd) -> None:
    """Child side of the portable fix: end of file on the parent's pipe means the parent is gone."""
    writer.close()  # our copy of the write end would keep the pipe open for ever

    def watch() -> None:
        try:
            reader.recv()
        except EOFError:
            # no cleanup to trust: the parent that would have collected our work is gone
            os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


# </watch>


# <pdeathsig>
def die_with_parent() -> None:
    """Child side of the Linux fix: the kernel sends SIGKILL when the parent exits."""
    if sys.platform != "linux":
        raise NotImplementedError("PR_SET_PDEATHSIG is Linux only")
    parent = os.getppid()  # under forkserver: the fork server, which outlives us
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the prctl: nobody will send the signal
        os._exit(1)


# </pdeathsig>


def leaf(mode: Mode, reader: PipeEnd, writer: PipeEnd, ready: PipeEnd) -> None:
    if mode == "watch":
        exit_when_parent_goes(reader, writer)
    elif mode == "pdeathsig":
        die_with_parent()
    ready.send("ready")
    # Stands for real work: bounded, and far longer than the demo waits for it to die, so that
    # dying of old age cannot pass for dying with the parent.
    time.sleep(LIFETIME)


def middle(mode: Mode) -> None:
    """The program that gets killed: starts a daemon child, prints its pid, waits."""
    ctx = context()
    reader, writer = ctx.Pipe(duplex=False)
    # Pipes, not an Event: a killed program leaves no semaphores behind for the resource tracker.
    ready_r, ready_w = ctx.Pipe(duplex=False)
    child = ctx.Process(target=leaf, args=(mode, reader, writer, ready_w), daemon=True)
    child.start()
    if not ready_r.poll(SHORT_TIMEOUT):
        raise TimeoutError("the child did not start")
    print(child.pid, flush=True)
    time.sleep(SHORT_TIMEOUT)


# <kill-parent>
def kill_the_parent(
    mode: Mode, start_method: str | None = None, patience: float = SHORT_TIMEOUT
) -> Outcome:
    """Start the middle program, kill it hard, see whether its child outlives it by `patience` s."""
    env = {**os.environ, **({START_METHOD_VARIABLE: start_method} if start_method else {})}
    program = subprocess.Popen(
        [sys.executable, "-m", "parity.fault.orphans", "--middle", mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert program.stdout is not None
    try:
        child = int(program.stdout.readline())
    finally:
        hard_kill(program.pid)  # SIGKILL: no atexit, no daemon clean-up, no finally blocks
        program.wait(SHORT_TIMEOUT)
        program.stdout.close()
    survived = not gone(child, 0 if mode == "plain" else patience)
    new_parent, command = child_parent(child) if survived else (None, "")
    hard_kill(child)  # an orphan is nobody's to clean up but ours
    gone(child, SHORT_TIMEOUT)
    return Outcome(mode, program.pid, child, survived, new_parent, command)


# </kill-parent>


def main() -> None:
    args = sys.argv[1:]
    if args:
        chosen = [m for m in MODES if args == ["--middle", m]]
        if not chosen:
            raise SystemExit(f"usage: python -m parity.fault.orphans [--middle {'|'.join(MODES)}]")
        middle(chosen[0])
        return
    for mode in MODES:
        if mode == "pdeathsig" and sys.platform != "linux":
            print("pdeathsig: Linux only (Windows: a Job object with kill-on-close)")
            continue
        out = kill_the_parent(mode, patience=scaled(5))  # those that die, die within milliseconds
        if out.survived:
            print(
                f"{mode}: parent killed; daemon child {out.child} runs on (its parent now:"
                f" {out.new_parent})"
            )
        else:
            print(f"{mode}: parent killed; child {out.child} exited too")


if __name__ == "__main__":
    entry.run(main)
