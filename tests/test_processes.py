"""Real processes sharing one APP_DATA_DIR: the library, the job queue, a killed worker."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from core.library import Library
from tests import procs

SPAWN = multiprocessing.get_context("spawn")


def test_many_processes_open_a_fresh_library_at_once(tmp_path: Path) -> None:
    for trial in range(3):  # before the fix, 3 tries nearly always hit "already exists"
        data_dir = tmp_path / f"fresh-{trial}"
        n = 6
        barrier, results = SPAWN.Barrier(n), SPAWN.Queue()
        children = [
            SPAWN.Process(target=procs.open_library, args=(str(data_dir), barrier, results))
            for _ in range(n)
        ]
        for child in children:
            child.start()
        answers = [results.get(timeout=120) for _ in children]
        for child in children:
            child.join(30)
        assert answers == ["ok"] * n
        library = Library(data_dir)
        opened = library.conn.execute("SELECT COUNT(*) FROM prefs").fetchone()[0]
        assert opened == n
        assert library.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
