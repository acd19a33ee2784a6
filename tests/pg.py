"""A throwaway PostgreSQL for the tests: one cluster per test session, one database per test.

The cluster lives in a temporary folder and listens only on a unix socket there (no TCP
port to collide with). Debian's server binaries (``apt-get install postgresql``) are found
under /usr/lib/postgresql/*/bin (or PG_BIN); the server refuses to run as root, so as root
it runs as the ``postgres`` user. With ``PARLANTE_TEST_DATABASE_URL`` set, that server is
used instead (its user must be allowed to CREATE DATABASE).

Every test gets a fresh database copied from a migrated template (CREATE DATABASE ...
TEMPLATE ...), so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

from core.db import Database
from core.dburl import normalize_url

TEMPLATE = "parlante_template"


def server_bin() -> Path | None:
    """The folder of initdb/pg_ctl, or None when no PostgreSQL server is installed."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgServer:
    """A running PostgreSQL; ``database()`` hands out fresh databases by URL."""

    def __init__(self) -> None:
        self._names = itertools.count(1)
        self._folder: Path | None = None
        self._bin: Path | None = None
        self._base = os.environ.get("PARLANTE_TEST_DATABASE_URL", "")
        self._prefix = f"t{os.getpid()}_"
        self._made: list[str] = []  # databases made on an outside server, dropped at the end

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> PgServer:
        if not self._base:
            self._start_cluster()
        self._make_template()
        return self

    def _as_server_user(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def _start_cluster(self) -> None:
        self._bin = server_bin()
        if self._bin is None:
            raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
        folder = Path(tempfile.mkdtemp(prefix="parlante-pg-"))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        self._folder = folder
        data, log = folder / "data", folder / "server.log"
        subprocess.run(
            self._as_server_user(
                [str(self._bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C", "--no-sync"]
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=300"
        )
        subprocess.run(
            self._as_server_user(
                [str(self._bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                 "-w", "-t", "60", "start"]
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        self._base = f"postgresql://postgres@/postgres?host={folder}&port=5432"

    def stop(self) -> None:
        if self._folder is not None and self._bin is not None:
            subprocess.run(
                self._as_server_user(
                    [str(self._bin / "pg_ctl"), "-D", str(self._folder / "data"), "-m",
                     "immediate", "-w", "stop"]
                ),
                capture_output=True,
            )  # fmt: skip
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        elif self._base:  # an outside server (PARLANTE_TEST_DATABASE_URL): leave it clean
            for name in reversed(self._made):
                self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            self._made.clear()

    # -- databases ---------------------------------------------------------------------------
    def url(self, name: str) -> str:
        return (
            make_url(normalize_url(self._base))
            .set(database=name)
            .render_as_string(hide_password=False)
        )

    def _admin(self, sql: str) -> None:
        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()

    def _make_template(self) -> None:
        self._template = self._prefix + TEMPLATE
        self._admin(f"DROP DATABASE IF EXISTS {self._template}")
        self._admin(f"CREATE DATABASE {self._template}")
        self._made.append(self._template)
        database = Database(self.url(self._template))
        database.ensure_schema()
        database.dispose()

    def database(self, migrated: bool = True) -> str:
        """A new empty database (with the schema when ``migrated``); its URL."""
        name = f"{self._prefix}{next(self._names)}"
        template = self._template if migrated else "template0"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        self._made.append(name)
        return self.url(name)
