import logging
import multiprocessing.util
import sys
from typing import NamedTuple

import pytest

from parity.context.logging import Record, run_session

from ..conftest import START_METHODS, RunConcept


class Session(NamedTuple):
    stdout: str
    records: list[Record]

    def messages(self, process: str) -> list[str]:
        """What one process logged, in order."""
        return [r.message for r in self.records if r.process == process]


def _run(how: str, level: str, methods: list[str]) -> Session:
    return Session(*run_session(how, level, methods))


def lifecycle(version: tuple[int, int] = sys.version_info[:2]) -> list[str]:
    """A child's INFO lines in order. From 3.13 its exit handlers run at interpreter exit
    (atexit), after the exit-code line, so "process shutting down" comes last."""
    started, down, exiting = (
        "child process calling self.run()",
        "process shutting down",
        "process exiting with exitcode 0",
    )
    return [started, exiting, down] if version >= (3, 13) else [started, down, exiting]


LIFECYCLE = lifecycle()

CHILD_NAMES = {"fork": "ForkProcess", "spawn": "SpawnProcess", "forkserver": "ForkServerProcess"}


@pytest.fixture(scope="module")
def info_session() -> Session:
    return _run("log_to_stderr", "INFO", ["default", *START_METHODS])


def _child(session: Session, prefix: str) -> str:
    names = {r.process for r in session.records if r.process.startswith(prefix + "-")}
    assert len(names) == 1, names
    return names.pop()


@pytest.mark.parametrize("method", START_METHODS)
def test_log_to_stderr_shows_the_child_lifecycle_under_every_method(
    info_session: Session, method: str
) -> None:
    child = _child(info_session, CHILD_NAMES[method])
    assert info_session.messages(child) == LIFECYCLE
    assert f"work done in {child}" in info_session.stdout


def test_the_parent_logs_its_own_shutdown_last(info_session: Session) -> None:
    last = info_session.records[-1]
    assert (last.level, last.process, last.message) == (
        "INFO",
        "MainProcess",
        "process shutting down",
    )
    assert info_session.records[0].message == f"parent: starting {1 + len(START_METHODS)} children"


def test_the_module_level_process_is_named_process_n_and_a_context_prefixes_its_kind(
    info_session: Session,
) -> None:
    # The article's "Process-1" comes from multiprocessing.Process (the default context);
    # a Process from get_context(method) is named after the method.
    assert info_session.messages("Process-1") == LIFECYCLE
    for method in START_METHODS:
        _child(info_session, CHILD_NAMES[method])


@pytest.mark.skipif("forkserver" not in START_METHODS, reason="no forkserver on this platform")
def test_forkserver_adds_a_parent_line_for_its_socket_directory(
    info_session: Session,
) -> None:
    parent = info_session.messages("MainProcess")
    assert any(m.startswith("created temp directory ") for m in parent)


def test_without_a_level_the_logger_stays_at_warning_and_shows_no_lifecycle() -> None:
    session = _run("log_to_stderr", "unset", ["spawn"])
    assert session.records == []
    assert multiprocessing.get_logger().getEffectiveLevel() == logging.WARNING  # unset here too
    assert "work done in SpawnProcess-1" in session.stdout


def test_debug_adds_the_atexit_finalizer_lines() -> None:
    session = _run("log_to_stderr", "DEBUG", ["spawn"])
    child = session.messages("SpawnProcess-1")
    assert [m for m in child if m in LIFECYCLE] == LIFECYCLE  # in order, the DEBUG lines between
    assert 'running all "atexit" finalizers with priority >= 0' in child
    assert {r.level for r in session.records} == {"INFO", "DEBUG"}


# get_all_start_methods() lists the default first from 3.14: Linux 3.11 to 3.13 gives fork, spawn,
# forkserver; macOS spawn, fork, forkserver; Linux 3.14 forkserver, fork, spawn. Children are
# numbered in the order they start, so the names follow the order: every order runs here.
ORDERS = [
    ("fork", "spawn", "forkserver"),
    ("spawn", "fork", "forkserver"),
    ("forkserver", "fork", "spawn"),
]


def _named(methods: tuple[str, ...]) -> dict[str, str]:
    """The name each method's child gets when the children start in this order."""
    return {method: f"{CHILD_NAMES[method]}-{n}" for n, method in enumerate(methods, start=1)}


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork: Windows has only spawn")
@pytest.mark.parametrize("order", ORDERS, ids="-".join)
def test_a_handler_added_by_hand_reaches_only_forked_children(order: tuple[str, ...]) -> None:
    session = _run("own_handler", "INFO", list(order))
    names = _named(order)
    assert session.messages(names["fork"]) == LIFECYCLE
    for method in ("spawn", "forkserver"):
        assert not [r for r in session.records if r.process.startswith(CHILD_NAMES[method])]
        # The children still ran: only their log lines were lost.
        assert f"work done in {names[method]}" in session.stdout
    assert session.messages("MainProcess")[-1] == "process shutting down"


def test_the_orders_cover_this_platform() -> None:
    assert tuple(START_METHODS) in [*ORDERS, ("spawn",)]  # ("spawn",): Windows


def test_from_3_13_the_exit_code_line_comes_before_shutting_down() -> None:
    # Both orders forced: this interpreter's is the one the sessions above check for real.
    assert lifecycle((3, 12))[1:] == ["process shutting down", "process exiting with exitcode 0"]
    assert lifecycle((3, 13))[1:] == ["process exiting with exitcode 0", "process shutting down"]
    assert lifecycle((3, 14)) == lifecycle((3, 13))
    assert lifecycle() == LIFECYCLE


def test_the_format_and_the_level_aliases() -> None:
    assert (
        multiprocessing.util.DEFAULT_LOGGING_FORMAT == "[%(levelname)s/%(processName)s] %(message)s"
    )
    assert logging.WARN == logging.WARNING
    assert multiprocessing.get_logger().name == "multiprocessing"


def test_main_prints_the_lifecycle(run_ok: RunConcept) -> None:
    result = run_ok("parity.context.logging")
    assert "[INFO/Process-1] child process calling self.run()" in result.stdout
    assert "[INFO/MainProcess] process shutting down" in result.stdout


def test_the_levels_rise_from_debug_to_critical() -> None:
    levels = [logging.DEBUG, logging.INFO, logging.WARN, logging.ERROR, logging.CRITICAL]
    assert levels == sorted(levels)
    assert len(set(levels)) == 5


def test_info_warning_and_error_do_not_go_through_log(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("parity.test.levels")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    through_log: list[str] = []
    monkeypatch.setattr(logger, "log", lambda *args, **kwargs: through_log.append("log"))
    logger.info("info")
    logger.warning("warning")
    logger.error("error")
    assert through_log == []  # each calls the private _log directly
    logger.log(logging.INFO, "general")
    assert through_log == ["log"]


def test_closing_a_stream_handler_leaves_its_stream_open() -> None:
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.close()  # sys.stderr and sys.stdout must outlive any handler writing to them
    assert not stream.closed
