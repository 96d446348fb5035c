"""The bridge's start-up: one clear sentence for each way it cannot start; how it starts CoreCLR."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parity.bridge import build_dir
from parity.common.timing import LONG_TIMEOUT
from tests.conftest import RunConcept

from ..conftest import python_c


def _bridge(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parity.bridge", *args],
        capture_output=True,
        text=True,
        timeout=LONG_TIMEOUT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("parity: ")
    return lines[0]


def test_a_missing_build_says_to_run_invoke_build(tmp_path: Path) -> None:
    result = _bridge("run", "plinq.sum", env={"PARITY_DOTNET_BUILD": str(tmp_path)})
    assert result.returncode == 2
    line = _one_clear_line(result)
    assert line == f"parity: the .NET assemblies are not built in {tmp_path}: run `invoke build`"


def _copy_build(tmp_path: Path, version: str) -> Path:
    folder = tmp_path / "build"
    shutil.copytree(build_dir(), folder)
    config = folder / "Parity.Cli.runtimeconfig.json"
    data = json.loads(config.read_text(encoding="utf-8"))
    data["runtimeOptions"]["framework"]["version"] = version
    config.write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_a_runtimeconfig_asking_for_an_absent_runtime_names_the_version_and_the_fix(
    tmp_path: Path,
) -> None:
    folder = _copy_build(tmp_path, "99.0.0")
    result = _bridge("run", "plinq.sum", env={"PARITY_DOTNET_BUILD": str(folder)})
    assert result.returncode == 2
    line = _one_clear_line(result)
    assert "needs the .NET runtime Microsoft.NETCore.App 99.0.0" in line
    assert "install the .NET 99 runtime (or SDK), or rebuild with `invoke build`" in line


def test_a_malformed_runtimeconfig_says_to_rebuild(tmp_path: Path) -> None:
    folder = tmp_path / "build"
    shutil.copytree(build_dir(), folder)
    (folder / "Parity.Cli.runtimeconfig.json").write_text("{not json", encoding="utf-8")
    result = _bridge("run", "plinq.sum", env={"PARITY_DOTNET_BUILD": str(folder)})
    assert result.returncode == 2
    assert "is not a valid runtimeconfig (JSONDecodeError): run `invoke build`" in _one_clear_line(
        result
    )


@pytest.mark.skipif(sys.platform == "win32", reason="the default install path is probed on Windows")
def test_no_dotnet_runtime_says_to_install_the_sdk(tmp_path: Path) -> None:
    python_dir = str(Path(sys.executable).parent)
    env = {"DOTNET_ROOT": str(tmp_path), "PATH": python_dir}
    result = _bridge("run", "plinq.sum", env=env)
    assert result.returncode == 2
    assert "no .NET runtime found" in _one_clear_line(result)
    assert "install the .NET 10 SDK" in result.stderr


def test_an_unknown_concept_is_bad_input_with_a_suggestion() -> None:
    result = _bridge("run", "plinq.su")
    assert result.returncode == 2
    assert _one_clear_line(result) == "parity: unknown concept 'plinq.su'; did you mean: plinq.sum?"


def test_bad_arguments_print_the_usage() -> None:
    result = _bridge("walk")
    assert result.returncode == 2
    assert _one_clear_line(result) == "parity: usage: python -m parity.bridge run ID"


def test_without_a_setting_pythonnet_picks_mono_off_windows_and_netfx_on_windows() -> None:
    code = (
        "import pythonnet\n"
        "try:\n"
        "    pythonnet.set_runtime_from_env()\n"
        "    print(pythonnet.get_runtime_info().kind)\n"
        "except RuntimeError as exc:\n"
        "    print(' '.join(str(exc).split()))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONNET_")}
    result = python_c(code, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.lower()
    expected = ("netfx", ".net framework") if sys.platform == "win32" else ("mono",)
    assert any(name in out for name in expected), result.stdout
    assert "coreclr" not in out


def test_add_reference_by_full_path_works_with_pythonnet_3_2_on_dotnet_10() -> None:
    dll = build_dir() / "Parity.Examples.dll"
    config = build_dir() / "Parity.Cli.runtimeconfig.json"
    code = (
        "import pythonnet, sys\n"
        f"pythonnet.load('coreclr', runtime_config={str(config)!r})\n"
        "import clr\n"
        f"clr.AddReference({str(dll)!r})\n"
        "from Parity.Examples.Plinq import Sum\n"
        "print(Sum.ParallelRange(1000))\n"
        "import pythonnet; print(pythonnet.get_runtime_info().kind)\n"
    )
    result = python_c(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "499500"
    assert "CoreCLR" in result.stdout or "coreclr" in result.stdout.lower()


def test_the_program_loads_coreclr_not_the_default(run_ok: RunConcept) -> None:
    result = run_ok("parity.bridge.startup")
    default = "netfx" if sys.platform == "win32" else "mono"
    assert f"pythonnet's default here would be: {default}" in result.stdout
    assert "loaded: CoreCLR, .NET 10." in result.stdout
    assert "an empty build folder: BridgeError: the .NET assemblies are not built" in result.stdout


def test_a_bad_time_scale_is_bad_input() -> None:
    result = _bridge("run", "plinq.sum", env={"PARITY_TIME_SCALE": "fast"})
    assert result.returncode == 2
    assert (
        _one_clear_line(result) == "parity: PARITY_TIME_SCALE must be a positive number, got 'fast'"
    )


def test_a_failing_dotnet_concept_exits_1_with_its_exception_type_and_message(
    tmp_path: Path,
) -> None:
    # process.basic starts Parity.Cli.dll as its child: without it the concept throws.
    folder = tmp_path / "build"
    shutil.copytree(build_dir(), folder)
    (folder / "Parity.Cli.dll").unlink()
    result = _bridge("run", "process.basic", env={"PARITY_DOTNET_BUILD": str(folder)})
    assert result.returncode == 1
    line = _one_clear_line(result)
    assert line.startswith(
        "parity: process.basic failed: FileNotFoundException: Parity.Cli.dll is not beside"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal")
def test_ctrl_c_cancels_a_dotnet_concept_run_through_the_bridge() -> None:
    import signal
    import time

    env = {**os.environ, "PARITY_TIME_SCALE": "100"}  # each step of bridge.cancellation: 10 s
    child = subprocess.Popen(
        [sys.executable, "-m", "parity.bridge", "run", "bridge.cancellation"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # Press Ctrl-C once the runtime runs in the child (a plain interpreter has one thread,
        # CoreCLR starts several: finalizer, tiered JIT...): the concept is loading or running
        # then, and either way must end cancelled. Not a time bound: at this scale the concept
        # runs for minutes, so exit 130 within LONG_TIMEOUT is the cancel.
        deadline = time.monotonic() + LONG_TIMEOUT
        while _threads(child.pid) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=LONG_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, err
    assert err.strip() == "parity: bridge.cancellation cancelled"


def _threads(pid: int) -> int:
    import psutil

    try:
        return int(psutil.Process(pid).num_threads())
    except psutil.Error:
        return 0


def test_a_failure_to_reference_the_assembly_after_the_runtime_started_is_one_line(
    tmp_path: Path,
) -> None:
    # A damaged Parity.Examples.dll: CoreCLR starts, then AddReference fails. The user gets one
    # BridgeError, and the process still counts as loaded (a CLR is in it), so fork stays refused.
    folder = tmp_path / "build"
    shutil.copytree(build_dir(), folder)
    (folder / "Parity.Examples.dll").write_bytes(b"not an assembly")
    code = (
        "from parity import bridge\n"
        "try:\n"
        "    bridge.load()\n"
        "except bridge.BridgeError as exc:\n"
        "    print('BridgeError:', exc)\n"
        "print('loaded:', bridge.is_loaded())\n"
        "try:\n"
        "    bridge.child_context('fork')\n"
        "except bridge.BridgeError:\n"
        "    print('fork refused')\n"
    )
    result = python_c(code, env={**os.environ, "PARITY_DOTNET_BUILD": str(folder)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"BridgeError: CoreCLR started but could not load Parity.Examples from {folder}"
    )
    assert lines[0].endswith("rebuild with `invoke build`")
    assert lines[1:] == ["loaded: True", "fork refused"]
