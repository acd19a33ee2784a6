"""The database: SQLite under APP_DATA_DIR by default, PostgreSQL when DATABASE_URL is set.

One object, :class:`Database`, over a SQLAlchemy 2 engine (pool, both dialects; PostgreSQL
through psycopg 3). Every query is plain SQL with *named* binds (``:user``), written once for
both databases; a list or tuple value binds an ``IN :ids`` list. The schema is kept by Alembic
(core/migrations), applied on first use and safe when many processes start at once.

Use it like this (``library.db`` is the application's one Database)::

    db.execute("DELETE FROM presets WHERE owner = :owner", {"owner": user})   # -> rowcount
    db.one("SELECT * FROM videos WHERE id = :id", {"id": vid})    # -> row mapping or None
    db.all("SELECT ...", {...})                                   # -> list of row mappings
    db.scalar("SELECT COUNT(*) FROM jobs")                        # -> first column or None

Each call above is one statement in its own transaction. Several statements that must
happen together go in :meth:`Database.transaction`::

    with db.transaction() as tx:            # SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN
        tx.lock(f"usage:{user}")            # PostgreSQL: pg_advisory_xact_lock (SQLite: no-op,
        used = tx.scalar("SELECT ...")      #   the write lock is already held)
        tx.execute("INSERT ...", {...})
        tx.connection                       # the SQLAlchemy Connection of this transaction
        tx.driver_connection                # psycopg.Connection (PostgreSQL) or sqlite3's

The seam for a task queue: on PostgreSQL, ``tx.driver_connection`` is the psycopg connection
inside the SAME transaction, so e.g. Procrastinate can defer its job on it (a
``procrastinate.PsycopgConnector`` given that connection) together with inserting our jobs
row: both commit or neither does. A queue's own tables belong in an Alembic revision
(core/migrations/versions), so ``python -m core db upgrade`` creates everything.

Rules for SQL written here: the column that holds a person's id is ``owner`` (``user`` is a
reserved word in PostgreSQL: ``SELECT user`` returns the session user). Use
``INSERT ... ON CONFLICT ... DO NOTHING/DO UPDATE`` (both databases), never
``INSERT OR IGNORE``/``REPLACE``, ``rowid`` or PRAGMAs; dialect-specific bits (JSON functions,
row locks) branch on :attr:`Database.dialect`. New schema changes are Alembic revisions in
core/migrations/versions (``render_as_batch`` on SQLite).

A bad or unreachable DATABASE_URL is a ConfigError (``db.bad_url``/``db.unreachable``) that
names the variable and shows the URL without its password; a SQLite file that cannot be
opened is ``db.sqlite_unusable`` (names APP_DATA_DIR). ``Database.for_data_dir`` hands out
one Database (one pool: 5 connections, 10 more under load) per URL per process.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.engine.url import URL, make_url

from core.dburl import normalize_url, redact_url
from core.errors import ConfigError
from core.migrations import lock_key, upgrade

BUSY_TIMEOUT_MS = 30_000  # how long a SQLite statement waits for another process's write lock
_WAL_TRIES = 50
SQLITE_FILE = "library.sqlite3"
Params = Mapping[str, Any] | None


# -- SQLite connection set-up -------------------------------------------------------------------
def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL mode (persistent in the file). Changing it does not always go through the busy
    handler, so a "locked" answer is retried a bounded number of times."""
    for attempt in range(_WAL_TRIES):
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() == "wal":
                return
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) and "busy" not in str(err):
                raise
            time.sleep(min(0.5, 0.01 * 2**attempt))
    conn.execute("PRAGMA journal_mode=WAL")  # the last try raises what SQLite says


def _sqlite_events(engine: Engine) -> None:
    """Driver-level autocommit, then our own BEGIN (IMMEDIATE for :meth:`transaction`), the
    busy timeout set before anything else, WAL, foreign keys."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(dbapi_conn)
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("parlante_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _statement(sql: str, params: Params) -> tuple[sa.TextClause, dict[str, Any]]:
    stmt = sa.text(sql)
    values = dict(params or {})
    lists = [k for k, v in values.items() if isinstance(v, list | tuple)]
    if lists:
        stmt = stmt.bindparams(*(sa.bindparam(k, expanding=True) for k in lists))
    return stmt, values


# -- queries --------------------------------------------------------------------------------------
class Queries:
    """What both a Database and an open transaction (Tx) answer."""

    dialect: str

    def _run(self, sql: str, params: Params, fetch: str) -> Any:
        raise NotImplementedError

    def execute(self, sql: str, params: Params = None) -> int:
        """Run one statement; the number of rows it changed."""
        return int(self._run(sql, params, "rowcount"))

    def one(self, sql: str, params: Params = None) -> RowMapping | None:
        return self._run(sql, params, "one")

    def all(self, sql: str, params: Params = None) -> list[RowMapping]:
        return self._run(sql, params, "all")

    def scalar(self, sql: str, params: Params = None) -> Any:
        return self._run(sql, params, "scalar")


def _fetch(conn: Connection, sql: str, params: Params, fetch: str) -> Any:
    stmt, values = _statement(sql, params)
    result = conn.execute(stmt, values)
    if fetch == "rowcount":
        return result.rowcount
    if fetch == "scalar":
        return result.scalar()
    rows = result.mappings().all() if result.returns_rows else []
    if fetch == "one":
        return rows[0] if rows else None
    return list(rows)


class Tx(Queries):
    """One open transaction (see the module docstring)."""

    def __init__(self, connection: Connection, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect

    @property
    def driver_connection(self) -> Any:
        """The DB-API connection of this transaction (psycopg.Connection on PostgreSQL)."""
        return self.connection.connection.driver_connection

    def lock(self, name: str) -> None:
        """Serialize with other transactions taking the same ``name`` until this one ends."""
        if self.dialect == "postgresql":
            self.connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(name)}
            )

    def _run(self, sql: str, params: Params, fetch: str) -> Any:
        return _fetch(self.connection, sql, params, fetch)


class Database(Queries):
    """The application's database; thread-safe, one pool per process."""

    def __init__(self, url: str | URL) -> None:
        self.url = url if isinstance(url, URL) else _parse(url)
        self.dialect = "postgresql" if self.url.drivername.startswith("postgresql") else "sqlite"
        self._engine: Engine | None = None
        self._pid = 0
        self._ready = False
        self._lock = threading.Lock()

    @classmethod
    def for_data_dir(cls, data_dir: Path, database_url: str | None = None) -> Database:
        """DATABASE_URL when given, else the SQLite file under ``data_dir``. One Database
        (one pool) per URL per process while anything holds it: the library and the sign-in
        throttle share it."""
        if database_url:
            url = _parse(database_url)
        else:
            url = URL.create("sqlite", database=str(Path(data_dir) / SQLITE_FILE))
        key = url.render_as_string(hide_password=False)
        with _shared_lock:
            found = _shared.get(key)
            if found is None:
                found = _shared[key] = cls(url)
            return found

    @property
    def shown_url(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)

    @property
    def engine(self) -> Engine:
        """The engine of this process (a child process builds its own, never shares a pool)."""
        if self._engine is None or self._pid != os.getpid():
            with self._lock:
                if self._engine is None or self._pid != os.getpid():
                    if self._engine is not None:
                        self._engine.dispose(close=False)
                    self._engine = self._create_engine()
                    self._pid = os.getpid()
        return self._engine

    def _create_engine(self) -> Engine:
        if self.dialect == "sqlite":
            assert self.url.database
            engine = sa.create_engine(
                self.url,
                connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            )
            _sqlite_events(engine)
            return engine
        return sa.create_engine(
            self.url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=10,
            connect_args={"connect_timeout": 10, "application_name": "parlante"},
        )

    def connect(self) -> Connection:
        """A pooled connection; an unreachable server is a ConfigError (password hidden)."""
        try:
            if self.dialect == "sqlite":
                Path(str(self.url.database)).parent.mkdir(parents=True, exist_ok=True)
            return self.engine.connect()
        except (sa.exc.OperationalError, sa.exc.InterfaceError, OSError) as err:
            reason = str(getattr(err, "orig", err) or err).strip().splitlines()
            if self.dialect == "sqlite":  # no DATABASE_URL: the file under APP_DATA_DIR
                raise ConfigError(
                    "db.sqlite_unusable",
                    variable="APP_DATA_DIR",
                    path=str(self.url.database),
                    reason=reason[0] if reason else type(err).__name__,
                ) from None
            raise ConfigError(
                "db.unreachable",
                variable="DATABASE_URL",
                url=self.shown_url,
                reason=_hide(reason[0] if reason else type(err).__name__, self.url.password),
            ) from None

    def ensure_schema(self) -> None:
        """Apply pending migrations once per process (core.migrations; many processes at once
        are safe)."""
        if self._ready and self._pid == os.getpid():
            return
        self.upgrade()

    def upgrade(self) -> str:
        """Apply pending migrations now; the revision the database is at."""
        revision = upgrade(self.connect)
        self._ready = True
        return revision

    def _run(self, sql: str, params: Params, fetch: str) -> Any:
        self.ensure_schema()
        with self.connect() as conn, conn.begin():
            return _fetch(conn, sql, params, fetch)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Statements that commit together (SQLite: BEGIN IMMEDIATE, so writers queue up
        instead of failing; PostgreSQL: READ COMMITTED, use :meth:`Tx.lock` or row locks
        where a read decides a write)."""
        self.ensure_schema()
        with self.connect() as conn:
            conn.execution_options(parlante_immediate=True)
            with conn.begin():
                yield Tx(conn, self.dialect)

    def dispose(self) -> None:
        """Close the pool's connections (tests, shutdown)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


_shared: weakref.WeakValueDictionary[str, Database] = weakref.WeakValueDictionary()
_shared_lock = threading.Lock()


def _parse(raw: str) -> URL:
    try:
        return make_url(normalize_url(raw))
    except sa.exc.ArgumentError:
        raise ConfigError("db.bad_url", variable="DATABASE_URL", url=redact_url(raw)) from None


def _hide(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text
