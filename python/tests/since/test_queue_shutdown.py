import asyncio
import queue
import sys
import threading

import pytest

from parity.common.timing import SHORT_TIMEOUT
from parity.since import queue_shutdown

from ..conftest import RunConcept

NEEDS_313 = "Queue.shutdown needs 3.13"  # checked inline, where mypy sees the version too


def test_every_consumer_ends_after_every_item_is_taken_once() -> None:
    taken, how = asyncio.run(asyncio.wait_for(queue_shutdown.share(50, 3), SHORT_TIMEOUT))
    assert sorted(item for mine in taken for item in mine) == list(range(50))
    assert how.startswith("shutdown()" if sys.version_info >= (3, 13) else "3 end markers")


def test_after_shutdown_put_raises_and_get_drains_then_raises() -> None:
    if sys.version_info < (3, 13):
        pytest.skip(NEEDS_313)

    async def run() -> None:
        channel: asyncio.Queue[int] = asyncio.Queue()
        channel.put_nowait(1)
        waiting = asyncio.create_task(asyncio.Queue().get())  # unrelated: stays pending
        channel.shutdown()
        with pytest.raises(asyncio.QueueShutDown):
            channel.put_nowait(2)
        assert await channel.get() == 1  # what was queued is still handed out
        with pytest.raises(asyncio.QueueShutDown):
            await channel.get()
        waiting.cancel()

    asyncio.run(run())


def test_shutdown_wakes_a_consumer_already_waiting() -> None:
    if sys.version_info < (3, 13):
        pytest.skip(NEEDS_313)

    async def run() -> None:
        channel: asyncio.Queue[int] = asyncio.Queue()
        consumer = asyncio.create_task(channel.get())
        await asyncio.sleep(0)  # the consumer is now waiting in get()
        channel.shutdown()
        with pytest.raises(asyncio.QueueShutDown):
            await asyncio.wait_for(consumer, SHORT_TIMEOUT)

    asyncio.run(run())


def test_immediate_shutdown_drops_what_is_queued() -> None:
    if sys.version_info < (3, 13):
        pytest.skip(NEEDS_313)
    channel: asyncio.Queue[int] = asyncio.Queue()
    for item in range(3):
        channel.put_nowait(item)
    channel.shutdown(immediate=True)
    assert channel.empty()
    with pytest.raises(asyncio.QueueShutDown):
        channel.get_nowait()


def test_queue_queue_shutdown_wakes_a_blocked_thread() -> None:
    if sys.version_info < (3, 13):
        pytest.skip(NEEDS_313)
    channel: queue.Queue[int] = queue.Queue()
    waiting, ended = threading.Event(), []

    def consume() -> None:
        waiting.set()
        try:
            channel.get(timeout=SHORT_TIMEOUT)
        except queue.ShutDown:
            ended.append("shut down")

    thread = threading.Thread(target=consume)
    thread.start()
    assert waiting.wait(SHORT_TIMEOUT)
    channel.shutdown()
    thread.join(SHORT_TIMEOUT)
    assert ended == ["shut down"]


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.queue_shutdown")
    assert result.returncode == 0, result.stderr
    assert "every item once: True" in result.stdout
