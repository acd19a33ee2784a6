"""Jobs keep the order they were queued in (``seq``), on both databases: SQLite's ``rowid``
broke ties between jobs queued in the same instant, and PostgreSQL has no rowid.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE jobs SET seq = rowid")
    else:
        op.execute(
            "UPDATE jobs SET seq = r.n FROM (SELECT id, ROW_NUMBER() OVER"
            " (ORDER BY created_at, id) AS n FROM jobs) AS r WHERE r.id = jobs.id"
        )
    op.create_index("jobs_queue", "jobs", ["status", "created_at", "seq"])
    op.create_index("jobs_seq", "jobs", ["seq"])  # MAX(seq) at each insert, without a scan


def downgrade() -> None:
    op.drop_index("jobs_seq", "jobs")
    op.drop_index("jobs_queue", "jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("seq")
