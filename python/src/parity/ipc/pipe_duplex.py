"""ipc.pipe-duplex: one Pipe(), two ends, and each end both sends and receives.

Pipe() returns two Connections joined like a telephone line: what one end sends, the other end
receives, in either direction, and an end never hears itself. It is a socketpair on POSIX, a
duplex named pipe on Windows. Every recv() here polls with a timeout: a silent peer is an error.
"""

import os
import stat
import sys

from parity.common import entry
from parity.common.mp import Connection, Context, context, recv
from parity.common.process_group import join_or_kill

REQUEST = "[child] Dad, tell me when Mum gets home."
REPLY = "[parent] Homework first, or we are both in trouble."


# <child>
def child(conn: Connection) -> None:
    conn.send(REQUEST)
    conn.send(f"[child] heard: {recv(conn)}")  # a third message: the same end talks again


# </child>


# <parent>
def converse(ctx: Context) -> tuple[object, object, int | None]:
    """Parent and child talk both ways over one Pipe; returns (request, echo, exit code)."""
    parent_end, child_end = ctx.Pipe()  # duplex=True is the default
    process = ctx.Process(target=child, args=(child_end,))
    process.start()
    child_end.close()  # the child has its own copy now
    try:
        request = recv(parent_end)
        parent_end.send(REPLY)
        echo = recv(parent_end)
    finally:
        parent_end.close()
        exitcode = join_or_kill(process)
    return request, echo, exitcode


# </parent>


def transport(conn: Connection) -> str:
    if sys.platform == "win32":
        return "named pipe" if type(conn).__name__ == "PipeConnection" else type(conn).__name__
    mode = os.fstat(conn.fileno()).st_mode
    return "socket" if stat.S_ISSOCK(mode) else "pipe" if stat.S_ISFIFO(mode) else "other"


def main() -> None:
    ctx = context()
    request, echo, exitcode = converse(ctx)
    print(request)
    print(echo)
    a, b = ctx.Pipe()
    with a, b:
        print(f"start method {ctx.get_start_method()}; a duplex end here is a {transport(a)}")
    print(f"child exited with code {exitcode}")


if __name__ == "__main__":
    entry.run(main)
