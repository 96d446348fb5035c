import multiprocessing
import queue
import secrets
from multiprocessing.managers import BaseManager, SyncManager

import psutil
import pytest

from parity.common.mp import Context
from parity.distributed import _manager_queues
from parity.distributed import manager_queues as mq

from ..conftest import RunConcept, python_c


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


def test_two_clients_exchange_messages_through_the_server(mp_context: Context, key: bytes) -> None:
    result = mq.exchange(mp_context, key)
    assert result.received == {"zhang": mq.ANSWER, "ming": mq.QUESTION}
    # The server process was shut down and reaped (the autouse fixture checks the clients).
    gone = not psutil.pid_exists(result.server_pid)
    assert gone or psutil.Process(result.server_pid).status() == psutil.STATUS_ZOMBIE


def _listening(port: int) -> list[str]:
    """The IPs our child processes listen on at `port`."""
    ips = []
    for child in psutil.Process().children(recursive=True):
        try:
            connections = child.net_connections(kind="tcp")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        ips += [
            c.laddr.ip
            for c in connections
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        ]
    return ips


def test_server_listens_on_loopback_only_on_a_port_the_os_picked(
    mp_context: Context, key: bytes
) -> None:
    server = mq.start_server(mp_context, key)
    try:
        host, port = _manager_queues.address(server)
        assert host == "127.0.0.1"
        assert port != 0  # port 0 asked the OS for a free one; the real one was read back
        assert _listening(port) == ["127.0.0.1"]
    finally:
        server.shutdown()


def test_a_wrong_key_is_refused_and_the_right_one_still_works(
    mp_context: Context, key: bytes
) -> None:
    server = mq.start_server(mp_context, key)
    try:
        with pytest.raises(multiprocessing.AuthenticationError, match="digest sent was rejected"):
            mq.connect(_manager_queues.address(server), secrets.token_bytes(32))
        assert mq.connect(_manager_queues.address(server), key).get_zhang_queue().qsize() == 0
    finally:
        server.shutdown()


def test_wrong_key_helper_reports_the_refusal(mp_context: Context, key: bytes) -> None:
    assert mq.wrong_key_is_refused(mp_context, key) == "digest sent was rejected"


def test_a_get_on_an_empty_remote_queue_raises_queue_empty(mp_context: Context, key: bytes) -> None:
    server = mq.start_server(mp_context, key)
    try:
        with pytest.raises(queue.Empty):  # raised in the server, re-raised in the client
            mq.connect(_manager_queues.address(server), key).get_ming_queue().get(timeout=0.05)
    finally:
        server.shutdown()


def test_the_key_comes_from_the_environment_or_is_random(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_manager_queues.AUTHKEY_VARIABLE, "from-the-environment")
    assert _manager_queues.authkey() == b"from-the-environment"
    monkeypatch.delenv(_manager_queues.AUTHKEY_VARIABLE)
    first, second = _manager_queues.authkey(), _manager_queues.authkey()
    assert len(first) == 32
    assert first != second


def test_registering_on_a_subclass_leaves_base_manager_alone() -> None:
    assert hasattr(mq.QueueServer, "get_zhang_queue")
    assert not hasattr(BaseManager, "get_zhang_queue")
    assert not hasattr(SyncManager, "get_zhang_queue")


def test_registering_on_base_manager_adds_the_name_to_every_manager() -> None:
    # In a fresh interpreter, not to pollute this one: what the article's register() call does.
    script = (
        "from multiprocessing.managers import BaseManager, SyncManager\n"
        "BaseManager.register('get_zhang_queue')\n"
        "class Unrelated(BaseManager): pass\n"
        "print(hasattr(SyncManager, 'get_zhang_queue'), 'get_zhang_queue' in Unrelated._registry)\n"
    )
    result = python_c(script, check=True)
    assert result.stdout.split() == ["True", "True"]


def test_module_runs_with_the_key_from_the_environment(run_ok: RunConcept) -> None:
    secret = secrets.token_hex(16)
    result = run_ok(
        "parity.distributed.manager_queues", env={_manager_queues.AUTHKEY_VARIABLE: secret}
    )
    assert f"authkey: 32 bytes, from {_manager_queues.AUTHKEY_VARIABLE}" in result.stdout
    assert secret not in result.stdout + result.stderr  # the key itself is never printed
    assert f"zhang received: {mq.ANSWER}" in result.stdout
    assert "AuthenticationError: digest sent was rejected" in result.stdout
