"""Fixtures for the scale chapter: a Redis server per test and a fresh key namespace.

PARITY_REDIS_URL set: that server (each test under its own namespace). Unset: a private
redis-server for each test, stopped after it. redis-server missing: the test is skipped with
the install hint, except in CI, where a skip would hide a broken setup, so it fails.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from parity.common.redis_server import (
    URL_VARIABLE,
    PrivateRedis,
    RedisMissing,
    servers_required,
    with_password,
)
from parity.scale._queue.messages import Keys


def skip_or_fail(reason: str) -> None:
    if servers_required():
        pytest.fail(f"CI must run this test for real: {reason}")
    pytest.skip(reason)


@pytest.fixture
def redis_url() -> Iterator[str]:
    configured = os.environ.get(URL_VARIABLE)
    if configured:
        yield with_password(configured)
        return
    try:
        server = PrivateRedis()
    except RedisMissing as exc:
        skip_or_fail(str(exc))
        raise
    with server:
        yield server.url


@pytest.fixture
def keys() -> Keys:
    return Keys(f"test-{secrets.token_hex(4)}")


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A private server with an append-only file, for tests that restart it (never one running)."""
    try:
        server = PrivateRedis(append_only=True)
    except RedisMissing as exc:
        skip_or_fail(str(exc))
        raise
    with server:
        yield server
