"""Wrong sign-in tries live in the database, so every app replica throttles the same
guesser (before, each process counted its own).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("key_hash", sa.Text, primary_key=True),  # sha256 of "ip:…" / "session:…"
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.Float, nullable=False),
    )
    op.create_index("sign_in_failures_last", "sign_in_failures", ["last_at"])


def downgrade() -> None:
    op.drop_table("sign_in_failures")
