"""fault.orphans: the parent is killed. Its children are not.

When a process dies, its children are not told: the kernel hands them to init (or to a
"subreaper") and they run on. multiprocessing's `daemon=True` does not help: daemon children
are terminated by the parent's exit handler, which a killed parent (SIGKILL, OOM killer,
TerminateProcess) never runs.

Two ways to tie a child's life to its parent:

- portable: the child watches a pipe whose only write end the parent holds; when the parent
  dies, for any reason, the kernel closes that end and the child reads end of file.
- Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)` in the child asks the kernel to kill it when its
  parent (precisely: the parent *thread*) exits. Windows: put the child in a Job object with
  JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE (the .NET side shows one).

A trap under the forkserver start method: the child's parent is not the program but its fork
server, and every child holds the write end of the pipe that tells the fork server to stop
(multiprocessing/forkserver.py says so). The program dies, the fork server lives on for the
child's sake, and PR_SET_PDEATHSIG never fires. The pipe watch does not care who the parent is.

The demo starts a middle program (this module with --middle), which starts a daemon child with
multiprocessing and reports its pid; then the demo kills the middle program and looks.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Literal

import psutil

from parity.common.kill import gone, hard_kill
from parity.common.mp import START_METHOD_VARIABLE, PipeEnd, context
from parity.common.timing import SHORT_TIMEOUT, scaled

LIFETIME = 3 * SHORT_TIMEOUT
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
Mode = Literal["plain", "watch", "pdeathsig"]
MODES: tuple[Mode, ...] = ("plain", "watch", "pdeathsig")


# <watch>
def exit_when_parent_goes(reader: PipeEnd, writer: PipeEnd) -> None:
    """Child side of the portable fix: end of file on the parent's pipe means the parent is gone."""
    writer.close()  # our copy of the write end would keep the pipe open for ever

    def watch() -> None:
        try:
            reader.recv()
        except EOFError:
            os._exit(1)  # no cleanup to trust: the parent that would have collected our work is gone

    threading.Thread(target=watch, daemon=True).start()


# </watch>


# <pdeathsig>
def die_with_parent() -> None:
    """Child side of the Linux fix: the kernel sends SIGKILL when the parent exits."""
    if sys.platform != "linux":
        raise NotImplementedError("PR_SET_PDEATHSIG is Linux only")
    parent = os.getppid()  # under forkserver: the fork server, which outlives the program (see above)
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


@dataclass(frozen=True)
class Outcome:
    mode: Mode
    program: int
    child: int
    survived: bool
    new_parent: int | None
    new_parent_command: str


def child_parent(pid: int) -> tuple[int | None, str]:
    try:
        parent = psutil.Process(psutil.Process(pid).ppid())
        return int(parent.pid), " ".join(parent.cmdline())
    except psutil.Error:
        return None, ""


# <kill-parent>
def kill_the_parent(mode: Mode, start_method: str | None = None, patience: float = SHORT_TIMEOUT) -> Outcome:
    """Start the middle program, kill it hard, and see whether its child outlives it by `patience` s."""
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
                f"{mode}: parent killed; daemon child {out.child} runs on (its parent now: {out.new_parent})"
            )
        else:
            print(f"{mode}: parent killed; child {out.child} exited too")


if __name__ == "__main__":
    main()
