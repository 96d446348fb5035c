#!/usr/bin/env python3
"""Set up Concurrency Parity and run one of its tasks, with nothing to activate.

    python3 dev.py run-all            # Windows: py dev.py run-all
    python3 dev.py test               # Windows: py dev.py test

dev.py makes a virtual environment (.venv, or the folder PARITY_VENV names) when there is none,
installs requirements.txt into it when the venv is new, the requirements changed since the last
install, or the last install did not finish, then runs `invoke` from that venv with the rest of
the command line. A stamp beside the venv (.venv.stamp) records the requirements' hash once pip
has succeeded (and "installing" before it starts), and the last .NET SDK check that passed.
pip's own settings (PIP_NO_INDEX, PIP_FIND_LINKS, ...) apply.

Standard library only; it parses on Python 3.7 and later, so an old Python gets one line saying
so instead of a SyntaxError.
"""

from __future__ import annotations

import os
import sys
from typing import IO

MINIMUM_PYTHON = (3, 11)
MINIMUM_DOTNET = 10
SETUP_FAILED = 2  # what dev.py cannot set up: one line naming the fix, then this exit code
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a program stopped by Ctrl-C
PIP_STOP_TIMEOUT = 30.0  # seconds pip gets to stop after Ctrl-C before it is killed
DOTNET_TIMEOUT = 60.0  # seconds for `dotnet --version` (its first run sets up a user profile)
WINDOWS_CTRL_C_EXIT = 0xC000013A  # STATUS_CONTROL_C_EXIT: a Windows program ended by Ctrl-C

ROOT = os.path.dirname(os.path.abspath(__file__))
REQUIREMENTS = os.path.join(ROOT, "requirements.txt")
VENV_VARIABLE = "PARITY_VENV"
WINDOWS = sys.platform == "win32"

HELP = """\
dev.py: set up this repository, then run one of its tasks with invoke.

  python3 dev.py run-all          every concept in both languages (Windows: py dev.py ...)
  python3 dev.py test             linters, dotnet test and pytest
  python3 dev.py run ID           one concept, both languages side by side
  python3 dev.py --list           every task

The first call creates .venv and installs requirements.txt into it; later calls reinstall only
when requirements.txt changed or an install was interrupted. PARITY_VENV=DIR uses DIR instead of
.venv; pip's variables (PIP_NO_INDEX, PIP_FIND_LINKS) apply to the install. Needs Python 3.11+
and the .NET 10 SDK. Everything after `dev.py` goes to invoke, whose help follows.
"""


class SetupError(Exception):
    """Something dev.py cannot set up; the message is one line that names the fix."""


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def python_problem(version: tuple[int, ...]) -> str | None:
    """One line when this Python is too old to run the project, or None."""
    if tuple(version[:2]) >= MINIMUM_PYTHON:
        return None
    found = ".".join(str(part) for part in version[:3])
    wanted = "{}.{}".format(*MINIMUM_PYTHON)
    hint = "py -3.11 dev.py" if WINDOWS else "python3.11 dev.py"
    return (
        f"Python {wanted} or newer is needed, this is {found}: install it from "
        f"https://www.python.org/downloads/ (or your package manager) and run `{hint}`"
    )


DOTNET_FIX = "install the .NET 10 SDK from https://dotnet.microsoft.com/download"


def find_dotnet() -> str | None:
    """`dotnet` on PATH, else in DOTNET_ROOT (where a user install puts it), else None."""
    import shutil

    exe = shutil.which("dotnet")
    if exe is None:
        root = os.environ.get("DOTNET_ROOT", "")
        candidate = os.path.join(root, "dotnet.exe" if WINDOWS else "dotnet") if root else ""
        exe = candidate if candidate and os.path.isfile(candidate) else None
    return exe


def dotnet_fingerprint(exe: str) -> str:
    """What `dotnet --version` depends on: which dotnet, the SDKs installed beside it, and
    dotnet/global.json. While it is what a passed check recorded, the check (a tenth of a
    second) is not run again."""
    real = os.path.realpath(exe)
    changed = []
    sdks = os.path.join(os.path.dirname(real), "sdk")
    for path in (sdks, os.path.join(ROOT, "dotnet", "global.json")):
        try:
            changed.append(str(os.stat(path).st_mtime_ns))
        except OSError:
            changed.append("-")
    return " ".join([real, *changed])


def dotnet_problem(exe: str) -> str | None:
    """One line when the .NET SDK is older than 10 or refuses to run, or None. Runs
    `dotnet --version` in dotnet/, so that the SDK its global.json asks for is the one checked."""
    import subprocess

    try:
        done = subprocess.run(
            [exe, "--version"],
            cwd=os.path.join(ROOT, "dotnet"),
            capture_output=True,
            text=True,
            timeout=DOTNET_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`dotnet --version` did not answer ({exc}): {DOTNET_FIX}"
    version = done.stdout.strip()
    major = version.split(".", 1)[0]
    if done.returncode != 0 or not major.isdigit():
        return f"`dotnet --version` failed (no SDK that dotnet/global.json accepts): {DOTNET_FIX}"
    if int(major) < MINIMUM_DOTNET:
        return f"the .NET SDK is {version}, older than {MINIMUM_DOTNET}: {DOTNET_FIX}"
    return None


def venv_problem() -> str | None:
    """One line when this Python cannot make a venv (Debian splits that into python3-venv)."""
    import importlib.util

    if importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None:
        if WINDOWS:
            return "this Python has no `venv` module: reinstall it from https://www.python.org/"
        version = "{}.{}".format(*sys.version_info[:2])
        return (
            "this Python cannot create a venv (no `venv`/`ensurepip`): on Debian or Ubuntu "
            f"`sudo apt install python3-venv` (or python{version}-venv); elsewhere reinstall Python"
        )
    return None


class Venv:
    """The venv dev.py manages, its stamp beside it, and the programs inside it."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.stamp = self.path + ".stamp"
        scripts = os.path.join(self.path, "Scripts" if WINDOWS else "bin")
        self.scripts = scripts
        self.python = os.path.join(scripts, "python.exe" if WINDOWS else "python")
        self.invoke = os.path.join(scripts, "invoke.exe" if WINDOWS else "invoke")
        self.config = os.path.join(self.path, "pyvenv.cfg")

    @classmethod
    def chosen(cls) -> Venv:
        return cls(os.environ.get(VENV_VARIABLE) or os.path.join(ROOT, ".venv"))

    def shown(self) -> str:
        """The venv's path as a user would type it: relative when it is inside the cwd."""
        relative = os.path.relpath(self.path) if _same_drive(self.path) else self.path
        return self.path if relative.startswith("..") else relative

    def recorded(self, key: str) -> str:
        """The stamp's line for `key` ("install" or "dotnet"), without the key; "" if none."""
        for line in self._stamp_lines():
            name, _, value = line.partition(" ")
            if name == key:
                return value
        return ""

    def record(self, key: str, value: str) -> None:
        lines = [line for line in self._stamp_lines() if line.partition(" ")[0] != key]
        # Written whole, then renamed over the stamp: an interrupted write leaves the old one.
        os.makedirs(os.path.dirname(self.stamp), exist_ok=True)
        partial = self.stamp + ".partial"
        with open(partial, "w", encoding="utf-8") as f:
            f.write("".join(f"{line}\n" for line in [*lines, f"{key} {value}"]))
        os.replace(partial, self.stamp)

    def _stamp_lines(self) -> list[str]:
        try:
            with open(self.stamp, encoding="utf-8") as f:
                return [line.strip() for line in f if line.strip()]
        except OSError:
            return []

    def installed_stamp(self, digest: str) -> str:
        """What the stamp says after a complete install: the requirements' hash, and which venv
        (pyvenv.cfg's mtime changes when the venv is made again by hand)."""
        return f"installed {digest} {os.stat(self.config).st_mtime_ns}"


def _same_drive(path: str) -> bool:
    return os.path.splitdrive(path)[0].lower() == os.path.splitdrive(os.getcwd())[0].lower()


def requirements() -> tuple[bytes, str]:
    """requirements.txt and its SHA-256."""
    import hashlib

    with open(REQUIREMENTS, "rb") as f:
        data = f.read()
    return data, hashlib.sha256(data).hexdigest()


def count_packages(data: bytes) -> int:
    """Requirement lines: not blank, not comments, not pip options (an `-e PATH` is a package)."""
    count = 0
    for raw in data.decode("utf-8", "replace").splitlines():
        line = raw.split(" #", 1)[0].strip()
        option = line.startswith("-") and not line.startswith(("-e", "--editable"))
        if line and not line.startswith("#") and not option:
            count += 1
    return count


def install_reason(venv: Venv, digest: str) -> str | None:
    """Why requirements.txt must be installed (again), or None when the last install stands."""
    stamp = venv.recorded("install")
    if stamp.startswith("installing"):
        return "the last install did not finish"
    if not os.path.isfile(venv.invoke) or not os.path.isfile(venv.config):
        return "invoke is missing from the venv"
    if stamp == venv.installed_stamp(digest):
        return None
    if stamp.startswith(f"installed {digest} "):
        return "the venv was made again"
    if stamp.startswith("installed"):
        return "requirements.txt changed"
    return "no install by dev.py recorded"


def create(venv: Venv) -> None:
    problem = venv_problem()
    if problem is not None:
        raise SetupError(problem)
    version = ".".join(str(part) for part in sys.version_info[:3])
    say(f"creating {venv.shown()} (Python {version})")
    venv.record("install", "creating")  # an interrupted creation is started over, never trusted
    import subprocess
    import venv as venvlib

    try:
        venvlib.EnvBuilder(with_pip=True, clear=True, upgrade_deps=False).create(venv.path)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SetupError(f"could not create {venv.shown()} ({exc}): remove it, run again") from None
    if not os.path.isfile(venv.python):
        raise SetupError(f"{venv.shown()} has no Python after creation: remove it, run again")


def install(venv: Venv, data: bytes, digest: str, reason: str) -> None:
    source = ""
    if os.environ.get("PIP_NO_INDEX", "").lower() in {"1", "true", "yes", "on"}:
        source = f", offline from {os.environ.get('PIP_FIND_LINKS') or 'PIP_FIND_LINKS'}"
    say(f"installing {count_packages(data)} packages from requirements.txt ({reason}{source})")
    # Marked before pip starts and replaced only after it succeeds: an interrupted install can
    # never look complete, so the next call installs again.
    venv.record("install", f"installing {digest}")
    command = [
        venv.python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "-r",
        REQUIREMENTS,
    ]
    code = run_pip(command)
    if code != 0:
        raise SetupError(
            f"pip could not install requirements.txt (exit {code}): fix what pip says above, "
            "then run dev.py again"
        )
    venv.record("install", venv.installed_stamp(digest))


def run_pip(command: list[str]) -> int:
    """pip, its messages held back until it ends: shown when it fails or warns, dropped when
    Ctrl-C stopped it (its "Operation cancelled by user" would only repeat dev.py's line)."""
    import tempfile

    with tempfile.TemporaryFile() as messages:
        code = _pip(command, messages)
        messages.seek(0)
        said = messages.read()
    if said:
        sys.stderr.flush()
        sys.stderr.buffer.write(said)
        sys.stderr.flush()
    return code


def _pip(command: list[str], messages: IO[bytes]) -> int:
    """pip, stopped with everything it started (a build backend) when Ctrl-C stops dev.py."""
    import subprocess

    if sys.platform == "win32":  # the console sends Ctrl-C to pip as well: wait, then kill
        pip = subprocess.Popen(command, cwd=ROOT, stderr=messages)
        try:
            return pip.wait()
        except KeyboardInterrupt:
            try:
                pip.wait(timeout=PIP_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pip.kill()
                pip.wait(timeout=PIP_STOP_TIMEOUT)
            raise
    else:
        import signal

        # A process group of its own: Ctrl-C reaches dev.py alone, which then stops pip's whole
        # group and waits for it, so nothing of the install outlives dev.py's last line.
        pip = subprocess.Popen(command, cwd=ROOT, stderr=messages, process_group=0)
        try:
            return pip.wait()
        except KeyboardInterrupt:
            _signal_group(pip.pid, signal.SIGINT)
            try:
                pip.wait(timeout=PIP_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _signal_group(pip.pid, signal.SIGKILL)
                pip.wait(timeout=PIP_STOP_TIMEOUT)
            _signal_group(pip.pid, signal.SIGKILL)  # what pip's children left running
            raise


def _signal_group(pgid: int, signum: int) -> None:
    if sys.platform != "win32":
        try:
            os.killpg(pgid, signum)
        except ProcessLookupError:  # the whole group has ended already
            return


def set_up(venv: Venv) -> None:
    """Everything that must be true before invoke runs; quiet when it already is."""
    exe = find_dotnet()
    if exe is None:
        raise SetupError(f"the .NET SDK is missing (no `dotnet` on PATH): {DOTNET_FIX}")
    fingerprint = dotnet_fingerprint(exe)
    if venv.recorded("dotnet") != fingerprint:
        problem = dotnet_problem(exe)
        if problem is not None:
            raise SetupError(problem)
        venv.record("dotnet", fingerprint)
    data, digest = requirements()
    if not os.path.isfile(venv.python) or venv.recorded("install") == "creating":
        create(venv)
        install(venv, data, digest, "new venv")
        return
    reason = install_reason(venv, digest)
    if reason is not None:
        install(venv, data, digest, reason)


def run_invoke(venv: Venv, args: list[str]) -> int:
    """invoke from the venv, as if the venv were activated; its exit code is ours."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = venv.path
    env["PATH"] = venv.scripts + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    # The .NET side starts Python workers (scale.task-queue): the venv's Python has parity.
    env.setdefault("PARITY_PYTHON", venv.python)
    command = [venv.invoke, "--search-root", ROOT, *args]
    if sys.platform != "win32":
        os.execve(venv.invoke, command, env)  # invoke takes this process over: signals, exit code
    import subprocess

    child = subprocess.Popen(command, env=env)
    while True:
        try:
            code = child.wait()
            break
        except KeyboardInterrupt:
            continue  # the console sent Ctrl-C to invoke too: its exit code tells the outcome
    return INTERRUPTED if code == WINDOWS_CTRL_C_EXIT else code


def main(argv: list[str]) -> int:
    problem = python_problem(sys.version_info[:3])
    if problem is not None:
        print(f"dev.py: {problem}", file=sys.stderr, flush=True)
        return SETUP_FAILED
    args = list(argv)
    if args in ([], ["-h"], ["--help"]):
        print(HELP, flush=True)
        args = ["--help"]
    venv = Venv.chosen()
    try:
        set_up(venv)
    except SetupError as exc:
        print(f"dev.py: {exc}", file=sys.stderr, flush=True)
        return SETUP_FAILED
    except OSError as exc:  # a folder it cannot write, a file that is missing
        print(f"dev.py: cannot set up {venv.shown()}: {exc}", file=sys.stderr, flush=True)
        return SETUP_FAILED
    except KeyboardInterrupt:
        print(
            "dev.py: interrupted (Ctrl-C) before the set-up finished: the next call completes it",
            file=sys.stderr,
            flush=True,
        )
        return INTERRUPTED
    return run_invoke(venv, args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
