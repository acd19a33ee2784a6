"""Atomic file writes: a temp file in the same folder, then a rename.

A crash never leaves a half-written file at the final path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(final: Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``final``; rename it over ``final`` only if the block succeeds."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{final.name}.",
        suffix=suffix if suffix is not None else final.suffix + ".part",
        dir=final.parent,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes(final: Path, data: bytes) -> Path:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)
    return final


def write_text(final: Path, text: str) -> Path:
    return write_bytes(final, text.encode("utf-8"))


def copy(src: Path, final: Path) -> Path:
    with atomic_path(final) as tmp:
        shutil.copyfile(src, tmp)
    return final


def check_writable(path: Path, what: str = "--out") -> Path:
    """Fail early, before any work, when ``path`` cannot be written (raises InputError)."""
    from core.errors import InputError

    path = Path(path).expanduser()
    if path.exists() and path.is_dir():
        raise InputError("file.is_folder", what=what, path=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError("file.no_folder", what=what, path=str(path), parent=str(parent))
    if not os.access(parent, os.W_OK):
        raise InputError("file.folder_read_only", what=what, path=str(path), parent=str(parent))
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError("file.read_only", what=what, path=str(path))
    return path
