"""The person's column is ``owner``: ``user`` is reserved in PostgreSQL (an unquoted
``user`` in a query silently means the session's user there).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "videos", "jobs", "photos", "presets", "prefs", "usage", "api_keys", "api_idempotency",
    "webhooks", "webhook_deliveries", "batches",
)  # fmt: skip


def upgrade() -> None:
    for table in TABLES:  # RENAME COLUMN: SQLite >= 3.25 and PostgreSQL; indexes follow
        op.execute(f'ALTER TABLE {table} RENAME COLUMN "user" TO owner')


def downgrade() -> None:
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} RENAME COLUMN owner TO "user"')
