import os
import subprocess
import sys
import time
import warnings
from typing import Any

import psutil
import pytest

from parity.common.timing import CLOCK_TICK, SHORT_TIMEOUT
from parity.subprocess import run

from ..conftest import RunConcept


def _python(code: str) -> list[str]:
    return [*run.PYTHON, code]


def test_completed_process_holds_args_exit_code_and_captured_text() -> None:
    done = run.run_captured(_python(run.GREET))
    assert isinstance(done, subprocess.CompletedProcess)
    assert done.args == [sys.executable, "-c", run.GREET]
    assert done.returncode == 0
    words = done.stdout.split()
    assert words[:2] == ["hello", "from"]
    # A new process ran the command and the caller carried on: run() is not os.exec*.
    assert int(words[2]) != os.getpid()
    assert done.stderr == "a warning\n"
    assert repr(done).startswith("CompletedProcess(args=[")


def test_without_capture_output_the_streams_are_not_kept() -> None:
    done = subprocess.run(_python("pass"), timeout=SHORT_TIMEOUT, check=False)
    assert done.returncode == 0
    assert done.stdout is None
    assert done.stderr is None


def test_check_true_raises_called_process_error_with_exit_code_and_stderr() -> None:
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run.run_checked(_python(run.FAIL))
    error = caught.value
    assert error.returncode == 3
    assert error.stderr == "bad input\n"
    assert error.cmd == _python(run.FAIL)
    assert str(error) == f"Command '{_python(run.FAIL)}' returned non-zero exit status 3."
    # Without check=True the same child is just a CompletedProcess with a non-zero code.
    done = run.run_captured(_python(run.FAIL))
    assert done.returncode == 3
    with pytest.raises(subprocess.CalledProcessError):
        done.check_returncode()


def _hanging_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if run.HANG in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def test_timeout_kills_the_child_and_raises_timeout_expired() -> None:
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        run.run_with_timeout(_python(run.HANG), timeout=2.5)
    elapsed = time.monotonic() - started
    error = caught.value
    assert elapsed >= 2.5 - CLOCK_TICK  # not before the limit; the child itself would sleep 600 s
    assert error.timeout == 2.5
    assert str(error) == f"Command '{_python(run.HANG)}' timed out after 2.5 seconds"
    assert not _hanging_children(), "run() must kill the child on timeout"
    assert not isinstance(error, TimeoutError)
    # What the child printed before the deadline rides on the exception. On POSIX run() only
    # waits after the kill (since bpo-37424), and the partial output is bytes even with
    # text=True; on Windows run() still calls communicate() after the kill, which decodes it.
    if sys.platform == "win32":
        assert isinstance(error.stdout, str)
        pid = int(error.stdout)
    else:
        assert isinstance(error.stdout, bytes)
        pid = int(error.stdout.decode())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_os_popen_is_built_on_subprocess_not_the_other_way_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[subprocess.Popen[str]] = []

    class RecordingPopen(subprocess.Popen[str]):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(subprocess, "Popen", RecordingPopen)
    with os.popen(f'"{sys.executable}" -c "print(42)"') as stream:
        assert stream.read().strip() == "42"
    assert len(made) == 1  # os.popen went through subprocess.Popen

    def no_popen(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("subprocess.run must not use os.popen")

    monkeypatch.undo()
    monkeypatch.setattr(os, "popen", no_popen)
    assert run.run_captured(_python("print('still fine')")).stdout == "still fine\n"


def test_the_older_api_still_works_without_deprecation_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (
            subprocess.check_output(_python("print('old')"), text=True, timeout=SHORT_TIMEOUT)
            == "old\n"
        )
        assert subprocess.call(_python("raise SystemExit(4)"), timeout=SHORT_TIMEOUT) == 4
        with pytest.raises(subprocess.CalledProcessError, match="exit status 3"):
            subprocess.check_call(
                _python(run.FAIL), timeout=SHORT_TIMEOUT, stderr=subprocess.DEVNULL
            )


def test_main_runs_every_part(run_ok: RunConcept) -> None:
    result = run_ok("parity.subprocess.run")
    assert "returncode=0" in result.stdout
    assert "CalledProcessError: exit status 3, stderr='bad input'" in result.stdout
    assert "TimeoutExpired after" in result.stdout


def test_run_refuses_input_together_with_stdin() -> None:
    with pytest.raises(ValueError, match="stdin and input arguments may not both be used"):
        subprocess.run(
            _python("pass"),
            check=False,
            input=b"x",
            stdin=subprocess.PIPE,
            timeout=SHORT_TIMEOUT,
        )


def test_run_refuses_capture_output_together_with_stdout_or_stderr() -> None:
    for stream in ("stdout", "stderr"):
        with pytest.raises(ValueError, match="may not be used with capture_output"):
            subprocess.run(  # type: ignore[call-overload]  # the combination run() refuses
                _python("pass"),
                check=False,
                capture_output=True,
                timeout=SHORT_TIMEOUT,
                **{stream: subprocess.PIPE},
            )


def test_leaving_a_popen_with_block_waits_for_the_child() -> None:
    with subprocess.Popen(_python("import time; time.sleep(0.2); raise SystemExit(5)")) as child:
        pass  # __exit__ closes the pipes and waits: no wait() of our own
    assert child.returncode == 5


def test_check_returncode_raises_only_for_a_non_zero_exit() -> None:
    ok = subprocess.run(_python("pass"), check=False, timeout=SHORT_TIMEOUT)
    ok.check_returncode()  # zero: nothing happens
    failed = subprocess.run(
        _python("raise SystemExit(2)"), check=False, capture_output=True, timeout=SHORT_TIMEOUT
    )
    with pytest.raises(subprocess.CalledProcessError) as raised:
        failed.check_returncode()
    assert raised.value.returncode == 2


def test_completed_process_repr_shows_only_the_captured_streams() -> None:
    plain = subprocess.run(_python("pass"), check=False, timeout=SHORT_TIMEOUT)
    captured = subprocess.run(
        _python("print('hi')"),
        check=False,
        capture_output=True,
        text=True,
        timeout=SHORT_TIMEOUT,
    )
    assert "stdout" not in repr(plain)
    assert repr(plain).startswith("CompletedProcess(args=")
    assert "stdout='hi\\n'" in repr(captured).replace("\\r", "")
    assert "stderr=''" in repr(captured)


def test_getoutput_and_getstatusoutput_run_the_command_in_the_shell() -> None:
    # `;`/`&` and `exit` are shell syntax: a plain exec of the first word would not understand them.
    command = "echo hi& exit 3" if sys.platform == "win32" else "echo hi; exit 3"
    assert subprocess.getstatusoutput(command) == (3, "hi")
    assert subprocess.getoutput(command) == "hi"


def test_stderr_to_stdout_merges_and_devnull_discards() -> None:
    both = _python(
        "import sys; print('out', flush=True); print('err', file=sys.stderr, flush=True)"
    )

    def run_with(stdout: int, stderr: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            both, check=False, stdout=stdout, stderr=stderr, text=True, timeout=SHORT_TIMEOUT
        )

    merged = run_with(subprocess.PIPE, subprocess.STDOUT)
    assert merged.stdout.split() == ["out", "err"]
    assert merged.stderr is None
    dropped = run_with(subprocess.DEVNULL, subprocess.PIPE)
    assert dropped.stdout is None
    assert dropped.stderr.strip() == "err"
    assert subprocess.DEVNULL != subprocess.PIPE != subprocess.STDOUT  # three distinct markers


def test_any_other_error_while_communicating_kills_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[subprocess.Popen[bytes]] = []

    class Recorded(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    # An int is no input: communicate() raises TypeError, and run() kills the child before
    # re-raising. Without the kill, closing stdin would let this child end normally, with 0.
    with pytest.raises(TypeError):
        subprocess.run(
            _python("import sys; sys.stdin.read()"),
            input=12345,
            timeout=SHORT_TIMEOUT,
            check=False,
        )  # type: ignore[call-overload]
    killed = 1 if sys.platform == "win32" else -9  # TerminateProcess(1) / SIGKILL
    assert made[0].returncode == killed
