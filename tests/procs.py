"""Targets for the multi-process tests (spawned processes import this module by name)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def open_library(data_dir: str, barrier: Any, results: Any) -> None:
    """Open a (fresh) library the moment every sibling process is ready, and use it."""
    from core.library import Library

    barrier.wait()
    try:
        library = Library(Path(data_dir))
        library.conn.execute("SELECT COUNT(*) FROM jobs").fetchone()
        library.set_pref(f"opened-by-{os.getpid()}", True)
        results.put("ok")
    except Exception as err:  # reported to the test, which shows it
        results.put(f"{type(err).__name__}: {err}")
