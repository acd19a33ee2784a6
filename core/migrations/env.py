"""Alembic's entry point: always run by core.migrations.upgrade on a connection it opened
(inside its transaction and, on PostgreSQL, its advisory lock); never from alembic.ini.
Importing it outside Alembic does nothing."""

from __future__ import annotations

from alembic import context


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=None,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # only while Alembic runs this file
    run()
