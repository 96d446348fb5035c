import asyncio

import pytest

from parity.further import channels


@pytest.mark.parametrize(
    ("mode", "kept", "dropped", "refused"),
    [
        ("wait", [1, 2, 3], [], [4, 5]),
        ("drop-newest", [1, 2, 5], [3, 4], []),
        ("drop-oldest", [3, 4, 5], [1, 2], []),
        ("drop-write", [1, 2, 3], [4, 5], []),
    ],
)
def test_full_modes_keep_and_drop_like_bounded_channels(
    mode: channels.Mode, kept: list[int], dropped: list[int], refused: list[int]
) -> None:
    assert channels.fill(mode, capacity=3, count=5) == (kept, dropped, refused)


def test_put_nowait_on_a_full_queue_raises_queue_full_and_put_waits() -> None:
    async def run() -> None:
        q: asyncio.Queue[int] = asyncio.Queue(1)
        q.put_nowait(1)
        with pytest.raises(asyncio.QueueFull):
            q.put_nowait(2)
        put = asyncio.create_task(q.put(2))
        await asyncio.sleep(0)
        assert not put.done()  # waits for room
        assert q.get_nowait() == 1
        await asyncio.wait_for(put, 10)
        assert q.get_nowait() == 2

    asyncio.run(run())


def test_several_asyncio_producers_and_consumers_take_every_item_once() -> None:
    taken = asyncio.run(asyncio.wait_for(channels.share(3, 100, 2, 4), 30))
    every = [item for mine in taken for item in mine]
    assert sorted(every) == list(range(300))


def test_several_threads_take_every_item_once() -> None:
    taken = channels.share_threads(3, 100, 2, 4)
    every = [item for mine in taken for item in mine]
    assert sorted(every) == list(range(300))


def test_main_runs(run_ok) -> None:  # type: ignore[no-untyped-def]
    result = run_ok("parity.further.channels")
    assert result.stdout.count("every item once: True") == 2
