"""A PEP 517 build backend that holds pip in its first hook, so a test can press Ctrl-C mid-install.

test_dev_py copies this file into a package of its own and lists that package in requirements.txt.
While a file `block` lies beside this one, the first hook pip calls connects to the Unix socket it
names (telling the test that pip is now busy) and waits on it until a signal ends the process.
Without `block` it builds an ordinary, empty wheel.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAME, VERSION = "blocker", "0.0.0"


def _hold_if_asked() -> None:
    block = HERE / "block"
    if block.is_file():
        if sys.platform == "win32":  # the POSIX tests alone come here
            raise NotImplementedError("POSIX only")
        with socket.socket(socket.AF_UNIX) as conn:
            conn.connect(block.read_text(encoding="utf-8").strip())
            conn.recv(1)  # the test never sends: this waits for Ctrl-C


def _wheel(directory: str) -> str:
    info = f"{NAME}-{VERSION}.dist-info"
    wheel = "Wheel-Version: 1.0\nGenerator: blocker\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode(),
        f"{info}/WHEEL": wheel.encode(),
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(Path(directory) / name, "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return name


def get_requires_for_build_wheel(config_settings: object = None) -> list[str]:
    _hold_if_asked()
    return []


get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(
    wheel_directory: str, config_settings: object = None, metadata_directory: object = None
) -> str:
    _hold_if_asked()
    return _wheel(wheel_directory)


build_editable = build_wheel
