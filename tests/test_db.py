"""core.db and core.migrations: both databases, old SQLite files, bad URLs, the seam."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.config import Settings
from core.db import Database
from core.dburl import normalize_url, redact_url
from core.errors import ConfigError
from core.library import Library
from core.migrations import head
from core.migrations.legacy import MIGRATIONS
from tests.conftest import db_env, open_library

PASSWORD = "FAKE-db-password-000"


def legacy_library(path: Path, version: int) -> sqlite3.Connection:
    """A library file as Parlante made it before Alembic: the numbered scripts up to
    ``version``, applied the way core/db.py applied them then."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN IMMEDIATE")
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        for statement in filter(str.strip, script.split(";")):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("COMMIT")
    return conn


def test_an_existing_library_file_keeps_its_data(data_dir: Path) -> None:
    """A file made by the last numbered migration (user_version 8, with data) is stamped at
    the baseline and upgraded: every record is still there, now under ``owner``."""
    conn = legacy_library(data_dir / "library.sqlite3", len(MIGRATIONS))
    conn.execute(
        "INSERT INTO videos (id, user, created_at, title, script, language, engine, voice,"
        " avatar, size, duration_s, settings_json) VALUES ('v1', 'ana', 5, 'Agua', 'Hola', 'es',"
        " 'local', 'v', 'a', 512, 3.0, '{\"voice_name\": \"Lucía\"}')"
    )
    conn.execute(
        "INSERT INTO jobs (id, user, created_at, updated_at, status, engine, request_json)"
        " VALUES ('job-old', 'ana', 1, 1, 'queued', 'local', '{\"text\": \"Hola.\"}')"
    )
    conn.execute("INSERT INTO prefs (user, key, value_json) VALUES ('ana', 'voice', '\"v9\"')")
    conn.execute(
        "INSERT INTO usage (user, day, kind, amount, ref, created_at)"
        " VALUES ('ana', '2031-05-04', 'did_videos', 1, 'run:tlk_1', 1)"
    )
    conn.execute(
        "INSERT INTO uploads (id, owner, kind, name, bytes, sha256, file, created_at)"
        " VALUES ('up_1', 'ana', 'music', 'm.mp3', 3, 'abc', '/x/m.mp3', 1)"
    )
    conn.close()
    library = Library(data_dir)
    assert library.db.scalar("SELECT owner FROM uploads WHERE id = 'up_1'") == "ana"
    assert [v.title for v in library.list_videos("ana", search="lucía")] == ["Agua"]
    assert library.get_pref("voice", user="ana") == "v9"
    assert library.db.scalar("SELECT version_num FROM alembic_version") == head()
    assert library.db.scalar("SELECT owner FROM usage WHERE ref = 'run:tlk_1'") == "ana"
    from core.jobstore import JobStore

    store = JobStore(library, lambda: 10.0)
    newer = store.insert("local", store.get("job-old").request, user="ana")  # type: ignore[union-attr]
    assert store.claim_next("r").id == "job-old"  # type: ignore[union-attr]
    assert store.claim_next("r").id == newer.id  # type: ignore[union-attr]


def test_an_older_library_file_finishes_its_numbered_migrations_first(tmp_path: Path) -> None:
    """Migration 5 on a file at version 4: D-ID's talk id becomes the resume token and its
    usage row is found by the token (not counted twice)."""
    conn = legacy_library(tmp_path / "library.sqlite3", 4)
    old_column = "talk" + "_id"
    conn.execute(
        f"INSERT INTO jobs (id, user, created_at, updated_at, status, engine, title,"
        f" request_json, {old_column}) VALUES ('job-1', 'ana', 1, 1, 'failed', 'did', '', '{{}}',"
        " 'tlk_7')"
    )
    conn.execute(
        "INSERT INTO usage (user, day, kind, amount, ref, created_at)"
        " VALUES ('ana', '2031-05-04', 'did_videos', 1, 'talk:tlk_7', 1)"
    )
    conn.close()
    database = Library(tmp_path).db
    assert database.scalar("SELECT resume_token FROM jobs WHERE id = 'job-1'") == "tlk_7"
    assert database.scalar("SELECT ref FROM usage") == "run:tlk_7"
    assert database.scalar("PRAGMA user_version") == len(MIGRATIONS)


def test_no_table_has_a_column_named_user(data_dir: Path, backend: str) -> None:
    """``user`` is reserved in PostgreSQL (it means the session's user there)."""
    database = open_library(data_dir).db
    database.ensure_schema()
    inspector = sa.inspect(database.engine)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    assert "jobs" in tables and "videos" in tables
    for table in tables:
        assert "user" not in {c["name"] for c in inspector.get_columns(table)}, table


@pytest.mark.parametrize("commit", [True, False])
def test_our_rows_and_the_driver_connection_share_one_transaction(
    data_dir: Path, backend: str, commit: bool
) -> None:
    """The seam for a task queue: whatever is written on ``tx.driver_connection`` commits or
    rolls back together with our own statements."""
    database = open_library(data_dir).db
    with pytest.raises(RuntimeError) if not commit else _nothing(), database.transaction() as tx:
        tx.execute("INSERT INTO prefs (owner, key, value_json) VALUES ('ana', 'ours', '1')")
        cursor = tx.driver_connection.cursor()
        mark = "%s" if backend == "postgresql" else "?"
        cursor.execute(
            f"INSERT INTO prefs (owner, key, value_json) VALUES ('ana', {mark}, '2')",
            ("theirs",),
        )
        if not commit:
            raise RuntimeError("the enqueue failed")
    keys = {r["key"] for r in database.all("SELECT key FROM prefs WHERE owner = 'ana'")}
    assert keys == ({"ours", "theirs"} if commit else set())


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_urls_are_mapped_to_psycopg_and_shown_without_password() -> None:
    assert normalize_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalize_url("postgresql://u@h:5433/db").startswith("postgresql+psycopg://")
    assert redact_url(f"postgresql://ana:{PASSWORD}@db.example:5432/p") == (
        "postgresql://ana:***@db.example:5432/p"
    )
    for bad in ("mysql://u:x@h/db", "db.example/parlante", f"postgresql://u:{PASSWORD}@h:port/d"):
        with pytest.raises(ConfigError) as caught:
            Settings.from_sources({"DATABASE_URL": bad})
        assert caught.value.message_id == "db.bad_url"
        assert PASSWORD not in caught.value.text("en") and PASSWORD not in caught.value.text("es")
        assert "DATABASE_URL" in caught.value.text("es")


def test_an_unreachable_database_says_what_to_fix_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://parlante:{PASSWORD}@/nowhere?host={tmp_path}&port=1"
    settings = Settings.from_sources({"APP_DATA_DIR": str(tmp_path), "DATABASE_URL": url})
    assert PASSWORD in settings.secrets  # redacted from logs like the other secrets
    library = Library(tmp_path, settings.database_url)
    with pytest.raises(ConfigError) as caught:
        library.list_videos()
    assert caught.value.message_id == "db.unreachable"
    assert "DATABASE_URL" in caught.value.message and PASSWORD not in caught.value.message
    assert "nowhere" in caught.value.message


def test_a_database_is_upgraded_once_and_reports_its_revision(data_dir: Path, backend: str) -> None:
    database = open_library(data_dir).db
    database.ensure_schema()
    again = Database(database.url)
    again.ensure_schema()  # nothing left to do
    assert again.scalar("SELECT COUNT(*) FROM alembic_version") == 1
    assert again.scalar("SELECT version_num FROM alembic_version") == head()


def test_the_cli_upgrades_and_reports_the_revision(
    data_dir: Path, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.cli import main

    env = {**db_env(), "APP_DATA_DIR": str(data_dir)}
    assert main(["db", "upgrade", "--json"], env=env) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["revision"] == head()
    assert answer["database"].startswith("postgresql" if backend == "postgresql" else "sqlite")
    assert main(["db", "upgrade"], env=env) == 0
    assert f"is at revision {head()}" in capsys.readouterr().out


def test_the_cli_names_a_bad_database_url_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.cli import main

    for url, exit_code in (
        (f"postgresql://parlante:{PASSWORD}@/nowhere?host={tmp_path}&port=1", 3),
        (f"mysql://parlante:{PASSWORD}@db/parlante", 3),
    ):
        env = {"APP_DATA_DIR": str(tmp_path), "DATABASE_URL": url}
        assert main(["db", "upgrade"], env=env) == exit_code
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "DATABASE_URL" in err
        assert PASSWORD not in err and "Traceback" not in err


def test_a_library_folder_that_cannot_be_written_names_app_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(ConfigError) as caught:
        Library(blocker / "data").list_videos()
    assert caught.value.message_id == "db.sqlite_unusable"
    assert "APP_DATA_DIR" in caught.value.text("es")


def test_every_revision_can_be_undone_and_redone(data_dir: Path, backend: str) -> None:
    from alembic import command

    from core.migrations import _config

    database = open_library(data_dir).db
    database.ensure_schema()
    with database.connect() as conn, conn.begin():
        command.downgrade(_config(conn), "base")
    assert sa.inspect(database.engine).get_table_names() == ["alembic_version"]
    assert database.upgrade() == head()
    assert "sign_in_failures" in sa.inspect(database.engine).get_table_names()
