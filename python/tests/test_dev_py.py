"""dev.py, as a newcomer meets it: a fresh copy of the repository (its tracked files only) in a
temporary folder, then `python3 dev.py ...` with the Python that made our venv. One venv serves
the whole module (an install takes about 20 s): the first call's output is kept for its test, and
every later test brings the stamp back to "installed" before it ends.

pip's settings come from the environment (PIP_NO_INDEX and PIP_FIND_LINKS here, offline)."""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest

from parity.common.timing import LONG_TIMEOUT, SHORT_TIMEOUT
from parity.paths import ROOT, dev_py
from tests._sessions import as_terminal, ctrl_c, left_in_session

# What a newcomer types `python3` for: the interpreter behind the venv running these tests.
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
# A venv made, every requirement installed and .NET built from nothing, on a loaded machine.
SETUP_TIMEOUT = 3 * LONG_TIMEOUT
VENV_BIN = "Scripts" if sys.platform == "win32" else "bin"


def _environment(**changes: str | None) -> dict[str, str]:
    """Ours without the venv we run in (dev.py adds its own), with `changes` (None removes)."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "PARITY_VENV", "PARITY_PYTHON", "PYTHONPATH"):
        env.pop(name, None)
    ours = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != ours)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _dev(
    repo: Path, *args: str, timeout: float = LONG_TIMEOUT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASE_PYTHON, str(repo / "dev.py"), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=_environment() if env is None else env,
    )


def _installing(repo: Path, reason: str) -> str:
    """dev.py's line for an install: requirement lines counted (`-e ./python` is one), the
    reason, and where pip looks when the environment says offline."""
    lines = (repo / "requirements.txt").read_text(encoding="utf-8").splitlines()
    count = sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
    source = ""
    if os.environ.get("PIP_NO_INDEX", "").lower() in {"1", "true", "yes", "on"}:
        source = f", offline from {os.environ.get('PIP_FIND_LINKS') or 'PIP_FIND_LINKS'}"
    return f"dev.py: installing {count} packages from requirements.txt ({reason}{source})"


def _steps(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines dev.py printed about what it set up."""
    return [line for line in result.stdout.splitlines() if line.startswith("dev.py: ")]


def _install_state(repo: Path) -> str:
    """The stamp's record of the last install: creating, installing or installed."""
    lines = (repo / ".venv.stamp").read_text(encoding="utf-8").splitlines()
    [state] = [line.removeprefix("install ") for line in lines if line.startswith("install ")]
    return state


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's tracked (and new, not ignored) files, as `git clone` would give them."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=SHORT_TIMEOUT,
    ).stdout.decode()
    repo = tmp_path_factory.mktemp("fresh") / "repo"
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet staged is listed, and absent
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    return repo


RUN_ONE = ("run-all", "--only", "process.basic", "--lang", "py")


@pytest.fixture(scope="module")
def first_call(fresh_copy: Path) -> subprocess.CompletedProcess[str]:
    """`dev.py run-all --only process.basic --lang py` on the fresh copy: dev.py's whole set-up
    (the venv and its packages), once. The Python side only: building .NET from scratch is
    invoke's part, which `.ci/run` does from a fresh clone (and it cost this suite a minute of
    CPU)."""
    assert not (fresh_copy / ".venv").exists()
    return _dev(fresh_copy, *RUN_ONE, timeout=SETUP_TIMEOUT)


@pytest.mark.slow
def test_the_first_call_sets_everything_up_and_the_second_installs_nothing(
    fresh_copy: Path, first_call: subprocess.CompletedProcess[str]
) -> None:
    assert first_call.returncode == 0, first_call.stdout + first_call.stderr
    creating, installing = _steps(first_call)
    assert creating.startswith("dev.py: creating .venv (Python ")
    assert installing == _installing(fresh_copy, "new venv")
    assert "process.basic" in first_call.stdout
    assert _install_state(fresh_copy).startswith("installed ")

    second = _dev(fresh_copy, *RUN_ONE)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _steps(second) == []
    assert "process.basic" in second.stdout


@pytest.mark.slow
@pytest.mark.usefixtures("first_call")
def test_invoke_s_exit_code_and_help_come_through(fresh_copy: Path) -> None:
    unknown = _dev(fresh_copy, "run", "nope")
    assert unknown.returncode == 2
    assert unknown.stderr.strip().startswith("parity: unknown concept 'nope'")
    helped = _dev(fresh_copy, "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("dev.py: set up this repository, then run one of its tasks")
    assert "Core options:" in helped.stdout  # invoke's own help follows dev.py's


@pytest.mark.slow
@pytest.mark.usefixtures("first_call")
def test_changed_requirements_are_installed_again_into_the_same_venv(fresh_copy: Path) -> None:
    requirements = fresh_copy / "requirements.txt"
    listed = requirements.read_text(encoding="utf-8")
    requirements.write_text(listed + "# changed\n", encoding="utf-8")
    changed = _dev(fresh_copy, "--list")
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert _steps(changed) == [_installing(fresh_copy, "requirements.txt changed")]
    again = _dev(fresh_copy, "--list")
    assert (again.returncode, _steps(again)) == (0, [])


@pytest.fixture
def unix_socket() -> Iterator[tuple[socket.socket, str]]:
    """A listening Unix socket with a short path (the limit is about 100 characters)."""
    if sys.platform == "win32":  # the POSIX tests alone come here
        raise NotImplementedError("POSIX only")
    folder = tempfile.mkdtemp(prefix="devpy")
    path = os.path.join(folder, "s")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen(1)
        server.settimeout(SETUP_TIMEOUT)
        yield server, path
    shutil.rmtree(folder)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is pressed as a POSIX terminal does")
@pytest.mark.usefixtures("first_call")
def test_ctrl_c_during_the_install_is_repaired_by_the_next_call(
    fresh_copy: Path, unix_socket: tuple[socket.socket, str]
) -> None:
    server, address = unix_socket
    blocker = fresh_copy / "blocker"
    blocker.mkdir()
    shutil.copy(Path(__file__).with_name("_blocking_backend.py"), blocker / "blocking_backend.py")
    (blocker / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "blocking_backend"\nbackend-path = ["."]\n'
        '[project]\nname = "blocker"\nversion = "0.0.0"\n',
        encoding="utf-8",
    )
    (blocker / "block").write_text(address, encoding="utf-8")
    requirements = fresh_copy / "requirements.txt"
    listed = requirements.read_text(encoding="utf-8")
    requirements.write_text(listed + "-e ./blocker\n", encoding="utf-8")

    command = [BASE_PYTHON, str(fresh_copy / "dev.py"), "--list"]
    with as_terminal(command, cwd=fresh_copy, env=_environment()) as proc:
        conn, _ = server.accept()  # pip is running the blocker's build hook: press Ctrl-C now
        with conn:
            out, err = ctrl_c(proc, timeout=SHORT_TIMEOUT)
    assert proc.returncode == 130, out + err
    assert err.splitlines() == [
        "dev.py: interrupted (Ctrl-C) before the set-up finished: the next call completes it"
    ]
    assert _install_state(fresh_copy).startswith("installing ")  # a cut install never looks done
    assert left_in_session(proc.pid) == []  # pip and its build hook stopped with dev.py

    # requirements.txt as the cut install saw it: only the stamp's "installing" says to redo it.
    (blocker / "block").unlink()
    repaired = _dev(fresh_copy, "--list")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert _steps(repaired) == [_installing(fresh_copy, "the last install did not finish")]
    assert "run-all" in repaired.stdout
    again = _dev(fresh_copy, "--list")
    assert (again.returncode, _steps(again)) == (0, [])


def test_no_dotnet_on_path_is_one_line_and_exit_2(fresh_copy: Path, tmp_path: Path) -> None:
    had_venv = (fresh_copy / ".venv").exists()
    result = _dev(fresh_copy, "--list", env=_environment(PATH=str(tmp_path), DOTNET_ROOT=None))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "dev.py: the .NET SDK is missing (no `dotnet` on PATH): "
        "install the .NET 10 SDK from https://dotnet.microsoft.com/download"
    ]
    assert (fresh_copy / ".venv").exists() == had_venv  # refused before anything was made


def test_a_venv_it_cannot_make_is_one_line_and_exit_2(fresh_copy: Path, tmp_path: Path) -> None:
    blocking = tmp_path / "a-file"
    blocking.write_text("not a folder", encoding="utf-8")
    result = _dev(fresh_copy, "--list", env=_environment(PARITY_VENV=str(blocking / "venv")))
    assert (result.returncode, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"dev.py: cannot set up {blocking / 'venv'}: ")


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in dotnet is a shell script")
def test_an_older_dotnet_sdk_is_refused(fresh_copy: Path, tmp_path: Path) -> None:
    fake = tmp_path / "dotnet"
    fake.write_text("#!/bin/sh\necho 8.0.404\n", encoding="utf-8")
    fake.chmod(0o755)
    result = _dev(fresh_copy, "--list", env=_environment(PATH=str(tmp_path), DOTNET_ROOT=None))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "dev.py: the .NET SDK is 8.0.404, older than 10: "
        "install the .NET 10 SDK from https://dotnet.microsoft.com/download"
    ]


def test_python_older_than_3_11_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = dev_py()
    assert dev.python_problem((3, 11, 0)) is None
    monkeypatch.setattr(sys, "version_info", (3, 10, 12, "final", 0))
    code = dev.main(["run-all"])
    monkeypatch.undo()
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith("dev.py: Python 3.11 or newer is needed, this is 3.10.12: install it")


def test_dev_py_parses_on_old_pythons_so_that_it_can_refuse_them() -> None:
    # Python 3.7's grammar: an older Python gets our one line, not a SyntaxError.
    ast.parse((ROOT / "dev.py").read_text(encoding="utf-8"), feature_version=(3, 7))


def test_a_python_without_venv_support_is_named_with_its_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dev = dev_py()
    assert dev.venv_problem() is None
    real = importlib.util.find_spec

    def without_ensurepip(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "ensurepip" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_ensurepip)
    problem = dev.venv_problem()
    assert problem is not None
    assert ("python.org" if sys.platform == "win32" else "sudo apt install python3-venv") in problem


def test_parity_venv_names_another_venv_with_its_stamp_beside_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dev = dev_py()
    monkeypatch.delenv("PARITY_VENV", raising=False)
    assert dev.Venv.chosen().path == str(ROOT / ".venv")
    monkeypatch.setenv("PARITY_VENV", str(tmp_path / "ci"))
    venv = dev.Venv.chosen()
    assert (venv.path, venv.stamp) == (str(tmp_path / "ci"), str(tmp_path / "ci.stamp"))
