"""The schema, kept by Alembic on SQLite and PostgreSQL alike (revisions in ./versions).

:func:`upgrade` brings a database to the newest revision. It runs on first use of a
:class:`core.db.Database` and from ``python -m core db upgrade``. Many processes starting at
once are safe: on PostgreSQL the upgrade holds ``pg_advisory_xact_lock`` inside one
transaction (DDL is transactional there), on SQLite it runs inside ``BEGIN IMMEDIATE``; the
others wait, then find nothing left to do.

A SQLite library made before Alembic (``PRAGMA user_version`` 1-8, no ``alembic_version``
table) is first brought to version 8 with the old numbered scripts (legacy.py), stamped at
the baseline revision 0001 (exactly that schema) and then upgraded: its data is kept.

A new revision: copy script.py.mako's shape into versions/NNNN_what.py, ``down_revision``
the previous one, plain ``op`` calls (batch mode on SQLite); never edit a shipped one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from core.migrations.legacy import MIGRATIONS

BASELINE = "0001"
_HERE = Path(__file__).parent


def _config(conn: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def head() -> str:
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


def current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


def upgrade(connect: Callable[[], AbstractContextManager[Connection]]) -> str:
    """Apply pending revisions on connections from ``connect`` (core.db.Database.connect);
    returns the revision the database is at."""
    newest = head()
    with connect() as conn:
        if current(conn) == newest:
            return newest
    with connect() as conn:
        conn.execution_options(parlante_immediate=True)  # SQLite: BEGIN IMMEDIATE
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:k)"),
                    {"k": lock_key("parlante:migrations")},
                )
            else:
                _adopt_legacy_sqlite(conn)
            command.upgrade(_config(conn), "head")
    return newest


def _adopt_legacy_sqlite(conn: Connection) -> None:
    """A library file from before Alembic: finish its numbered migrations, stamp the baseline."""
    if conn.dialect.has_table(conn, "alembic_version"):
        return
    version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    if version == 0:
        return  # a new, empty file: the revisions create everything
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        for statement in filter(str.strip, script.split(";")):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(f"PRAGMA user_version = {number}")
    command.stamp(_config(conn), BASELINE)
