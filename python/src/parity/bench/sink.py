"""Children of the benchmarks, kept in a module that imports almost nothing.

`noop` is the target of the start workload's processes. Run as a program, this is the child of
the IPC workload's raw limits, with the same protocol as Parity.Benchmarks' `sink`: it
reads a 4-byte little-endian length and that many bytes unbuffered (no pickling, no framing
objects), answers one byte, and stops at end of file. It reads stdin and answers on stdout (an
OS pipe each), or, given a file descriptor number, reads and answers on that one (an inherited
end of a socketpair).
"""

from __future__ import annotations

import io
import os
import sys

from parity.common import entry


def noop() -> None:
    """Does nothing: starting a process that runs it times the start method alone."""


def _read_exactly(stream: io.RawIOBase, view: memoryview) -> bool:
    got = 0
    while got < len(view):
        n = stream.readinto(view[got:])
        if not n:
            return False
        got += n
    return True


def main() -> None:
    if len(sys.argv) > 1:  # one end of a socketpair: both directions on the same descriptor
        stdin = io.FileIO(int(sys.argv[1]), "rb", closefd=False)
        stdout = int(sys.argv[1])
    else:
        stdin = io.FileIO(sys.stdin.fileno(), "rb", closefd=False)  # unbuffered: one read per call
        stdout = sys.stdout.fileno()
    header = bytearray(4)
    buffer = bytearray()
    while _read_exactly(stdin, memoryview(header)):
        length = int.from_bytes(header, "little")
        if len(buffer) < length:
            buffer = bytearray(length)
        if not _read_exactly(stdin, memoryview(buffer)[:length]):
            return
        os.write(stdout, b"\x01")


if __name__ == "__main__":
    entry.run(main)
