import queue
import time

import pytest

from parity.common.mp import Context
from parity.common.timing import CLOCK_TICK, scaled
from parity.ipc import queue_processes as qp

from ..conftest import RunConcept


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_article_retry_sleeps_2_4_6_seconds_not_1_4_6() -> None:
    clock = FakeClock()
    assert qp.retry_until(lambda: False, qp.article_delays(), clock.sleep) is None
    assert clock.sleeps == [2, 4, 6]
    assert clock.now == 12  # the talker's whole patience


def test_a_reply_sent_at_4_s_is_noticed_at_the_third_check_at_6_s() -> None:
    clock = FakeClock()
    attempt = qp.retry_until(lambda: clock.now >= qp.FRIEND_DELAY, qp.article_delays(), clock.sleep)
    assert attempt == 3
    assert clock.now == 6  # the article's "real 0m6.087s"


def test_get_blocks_until_its_timeout_then_raises_empty(mp_context: Context) -> None:
    q = mp_context.Queue()
    wait = scaled(1)
    started = time.monotonic()
    with pytest.raises(queue.Empty):
        q.get(timeout=wait)
    assert time.monotonic() - started >= wait - CLOCK_TICK  # a timer may wake a tick early
    q.close()


def test_a_lone_talker_takes_its_own_question_back(mp_context: Context) -> None:
    heard = qp.lone_talker(mp_context, wait=scaled(2))
    assert heard == {"talker": qp.QUESTION, "friend": None}


def test_two_queues_let_the_processes_converse(mp_context: Context) -> None:
    heard, seconds = qp.converse(mp_context)
    assert heard == {"talker": qp.ANSWER, "friend": qp.QUESTION}
    assert seconds >= scaled(qp.FRIEND_DELAY) - CLOCK_TICK


def test_main_shows_the_trap_and_the_fix(run_ok: RunConcept) -> None:
    result = run_ok("parity.ipc.queue_processes")
    assert f"talker first: the talker heard {qp.QUESTION!r}" in result.stdout
    assert "the friend heard None" in result.stdout
    assert f"two queues: the talker heard {qp.ANSWER!r}" in result.stdout


def test_os_getgid_exists_except_on_windows() -> None:
    import os
    import sys

    assert hasattr(os, "getgid") == (sys.platform != "win32")
