"""The task queue's tables on PostgreSQL: Procrastinate's schema (core.taskqueue), applied
here so that it comes with the same upgrade — in its transaction and advisory lock — as ours.
SQLite has no task queue (the jobs table is the queue): nothing to do there.

The schema is the one shipped with the pinned Procrastinate (requirements.txt). Upgrading
Procrastinate to a release that changes its schema means a new revision that runs its
migration scripts (``procrastinate.schema.SchemaManager.get_migrations_path()``).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = (
    "procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs",
    "procrastinate_workers",
)  # fmt: skip
TYPES = (
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar():
        return  # applied by hand (procrastinate schema --apply) before this revision existed
    from procrastinate.schema import SchemaManager

    # the raw psycopg connection of this same transaction: the schema holds '%' and ':'
    # that SQLAlchemy's text() and parameter styles would misread
    bind.connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    functions = bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n"
        " ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
        " AND p.proname LIKE 'procrastinate%%'"
    ).scalars()
    for function in list(functions):
        op.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    for kind in TYPES:
        op.execute(f"DROP TYPE IF EXISTS {kind} CASCADE")
