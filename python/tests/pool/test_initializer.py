import psutil
import pytest

from parity.common.mp import Context
from parity.common.timing import SHORT_TIMEOUT
from parity.pool import initializer

from ..conftest import RunConcept


def test_workers_converse_through_queues_from_the_initializer(mp_context: Context) -> None:
    heard_by_zhang, heard_by_ming = initializer.converse(mp_context)
    assert heard_by_zhang == initializer.QUESTION
    assert heard_by_ming == initializer.ANSWER


def test_one_shared_queue_on_one_worker_the_asker_hears_itself(mp_context: Context) -> None:
    ming_heard, zhang_heard = initializer.converse_on_one_queue(mp_context, processes=1)
    assert ming_heard == initializer.QUESTION  # its own question came back
    assert zhang_heard == "queue.Empty: nobody asked"  # without a timeout: a hang


def test_a_queue_cannot_be_a_task_argument(mp_context: Context) -> None:
    with mp_context.Pool(1) as pool:
        pending = pool.apply_async(initializer.init_single, (mp_context.Queue(),))
        with pytest.raises(
            RuntimeError,
            match="Queue objects should only be shared between processes through inheritance",
        ):
            pending.get(timeout=SHORT_TIMEOUT)


def test_a_manager_runs_a_server_process_of_its_own(mp_context: Context) -> None:
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    with mp_context.Manager() as manager:
        shared = manager.Queue()
        shared.put("through the server")
        started = {p.pid for p in me.children(recursive=True)} - before
        assert started  # at least the manager's server (plus the fork server, the first time)
        assert shared.get(timeout=SHORT_TIMEOUT) == "through the server"
        assert type(shared).__name__ == "AutoProxy[Queue]"  # every call is a message to that server


def test_run_module_holds_both_conversations(run_ok: RunConcept) -> None:
    result = run_ok("parity.pool.initializer")
    lines = result.stdout.splitlines()
    assert initializer.QUESTION in lines
    assert initializer.ANSWER in lines
    assert "Ming hears '[Ming] Zhang, skewers tonight?'" in result.stdout
