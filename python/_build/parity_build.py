"""A minimal PEP 517 / PEP 660 build backend for the pure-Python `parity` package.

Why not setuptools: this project must install offline from a wheelhouse that has neither
setuptools nor `wheel`, and build isolation would try to download them. A pure-Python package
needs nothing more than a zip with the right metadata, so we write that zip ourselves.
"""

from __future__ import annotations

import base64
import hashlib
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def _project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _metadata() -> str:
    p = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {p['name']}",
        f"Version: {p['version']}",
        f"Summary: {p.get('description', '')}",
        f"Requires-Python: {p.get('requires-python', '>=3')}",
    ]
    lines += [f"Requires-Dist: {d}" for d in p.get("dependencies", [])]
    for extra, deps in p.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in deps]
    return "\n".join(lines) + "\n"


def _dist_info() -> str:
    p = _project()
    return f"{p['name']}-{p['version']}.dist-info"


def _write_wheel(directory: str, files: dict[str, bytes]) -> str:
    p = _project()
    name = f"{p['name']}-{p['version']}-py3-none-any.whl"
    di = _dist_info()
    files = dict(files)
    files[f"{di}/METADATA"] = _metadata().encode()
    files[f"{di}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: parity_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{di}/RECORD,,")
    files[f"{di}/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(Path(directory) / name, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return name


def _package_files() -> dict[str, bytes]:
    return {
        f.relative_to(SRC).as_posix(): f.read_bytes()
        for f in sorted(SRC.rglob("*"))
        if f.is_file() and "__pycache__" not in f.parts
    }


def get_requires_for_build_wheel(config_settings: object = None) -> list[str]:
    return []


get_requires_for_build_editable = get_requires_for_build_sdist = get_requires_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: object = None,
                metadata_directory: object = None) -> str:
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory: str, config_settings: object = None,
                   metadata_directory: object = None) -> str:
    # A .pth file puts the source folder on sys.path: edits are live without reinstalling.
    return _write_wheel(wheel_directory, {"parity_src.pth": f"{SRC}\n".encode()})


def build_sdist(sdist_directory: str, config_settings: object = None) -> str:
    p = _project()
    base = f"{p['name']}-{p['version']}"
    name = f"{base}.tar.gz"
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as tf:
        for item in ("pyproject.toml", "_build", "src"):
            tf.add(ROOT / item, arcname=f"{base}/{item}",
                   filter=lambda t: None if "__pycache__" in t.name else t)
    return name
