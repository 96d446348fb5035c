import os
import socket
import sys

import pytest

from parity.common.mp import Context
from parity.ipc import pipe_duplex

from ..conftest import RunConcept


def test_parent_and_child_converse_both_ways(mp_context: Context) -> None:
    request, echo, exitcode = pipe_duplex.converse(mp_context)
    assert request == pipe_duplex.REQUEST
    assert echo == f"[child] heard: {pipe_duplex.REPLY}"
    assert exitcode == 0


def test_each_end_sends_and_receives_and_never_hears_itself(mp_context: Context) -> None:
    a, b = mp_context.Pipe()
    try:
        a.send("from a")
        b.send("from b")
        assert b.recv() == "from a"
        assert a.recv() == "from b"
        # Nothing is left over: an end does not read back what it sent itself.
        assert not a.poll(0)
        assert not b.poll(0)
    finally:
        a.close()
        b.close()


@pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX builds the duplex pipe from socketpair()"
)
def test_duplex_ends_are_unix_sockets_on_posix(mp_context: Context) -> None:
    a, b = mp_context.Pipe()
    r, w = mp_context.Pipe(duplex=False)
    try:
        assert pipe_duplex.transport(a) == pipe_duplex.transport(b) == "socket"
        for end in (a, b):
            with socket.socket(fileno=os.dup(end.fileno())) as sock:
                assert sock.family.name == "AF_UNIX"
        assert pipe_duplex.transport(r) == pipe_duplex.transport(w) == "pipe"  # os.pipe()
    finally:
        for conn in (a, b, r, w):
            conn.close()


@pytest.mark.skipif(sys.platform != "win32", reason="Windows builds Pipe() from a named pipe")
def test_duplex_ends_are_named_pipes_on_windows(mp_context: Context) -> None:
    a, b = mp_context.Pipe()
    try:
        assert pipe_duplex.transport(a) == pipe_duplex.transport(b) == "named pipe"
    finally:
        a.close()
        b.close()


def test_main_prints_the_conversation(run_ok: RunConcept) -> None:
    result = run_ok("parity.ipc.pipe_duplex")
    assert pipe_duplex.REQUEST in result.stdout
    assert f"heard: {pipe_duplex.REPLY}" in result.stdout
    assert "child exited with code 0" in result.stdout
