import asyncio
import itertools

from parity.since import priority_channel

from ..conftest import RunConcept


def test_the_lowest_priority_number_is_served_first_ties_in_arrival_order() -> None:
    jobs = [(2, "report"), (0, "outage"), (1, "review"), (2, "backup"), (0, "fix")]
    served = asyncio.run(priority_channel.serve(jobs))
    assert served == ["outage", "fix", "review", "report", "backup"]


def test_served_order_is_a_stable_sort_by_priority_for_every_arrival_order() -> None:
    jobs = [(1, "a"), (0, "b"), (1, "c"), (2, "d"), (0, "e"), (1, "f")]
    for arrival in itertools.permutations(jobs):
        expected = [name for _, name in sorted(arrival, key=lambda job: job[0])]  # stable
        assert asyncio.run(priority_channel.serve(list(arrival))) == expected


def test_a_waiting_reader_takes_the_most_urgent_item_written_before_it_resumes() -> None:
    async def run() -> list[int]:
        waiting: asyncio.PriorityQueue[int] = asyncio.PriorityQueue()
        reader = asyncio.create_task(waiting.get())
        await asyncio.sleep(0)  # the reader waits on an empty queue
        waiting.put_nowait(5)  # wakes the reader, but it has not run yet ...
        waiting.put_nowait(1)  # ... so this more urgent one is what it takes
        return [await reader, waiting.get_nowait()]

    assert asyncio.run(run()) == [1, 5]


def test_main_runs(run_module: RunConcept) -> None:
    result = run_module("parity.since.priority_channel")
    assert result.returncode == 0, result.stderr
    assert "served: ['outage', 'security fix', 'review', 'report', 'backup']" in result.stdout
