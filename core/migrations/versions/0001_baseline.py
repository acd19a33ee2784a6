"""Baseline: the schema of the numbered SQLite migrations 1-8 (core/migrations/legacy.py).

A library file made before Alembic (PRAGMA user_version 8) is stamped at this revision.
The person's column is still called ``user`` here (quoted by SQLAlchemy on PostgreSQL);
0002 renames it.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT, REAL, INT = sa.Text, sa.Float, sa.Integer


def _user() -> sa.Column:
    return sa.Column("user", TEXT, nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "videos",
        sa.Column("id", TEXT, primary_key=True),
        _user(),
        sa.Column("created_at", REAL, nullable=False),
        sa.Column("title", TEXT, nullable=False, server_default=""),
        sa.Column("script", TEXT, nullable=False),
        sa.Column("language", TEXT, nullable=False),
        sa.Column("engine", TEXT, nullable=False),
        sa.Column("voice", TEXT, nullable=False),
        sa.Column("avatar", TEXT, nullable=False),
        sa.Column("size", INT, nullable=False),
        sa.Column("duration_s", REAL, nullable=False),
        sa.Column("cache_key", TEXT),
        sa.Column("settings_json", TEXT, nullable=False, server_default="{}"),
    )
    op.create_index("videos_user_created", "videos", ["user", sa.text("created_at DESC")])
    op.create_index("videos_cache_key", "videos", ["cache_key"])
    op.create_table(
        "jobs",
        sa.Column("id", TEXT, primary_key=True),
        _user(),
        sa.Column("created_at", REAL, nullable=False),
        sa.Column("updated_at", REAL, nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("engine", TEXT, nullable=False),
        sa.Column("title", TEXT, nullable=False, server_default=""),
        sa.Column("request_json", TEXT, nullable=False),
        sa.Column("stage", TEXT, nullable=False, server_default=""),
        sa.Column("fraction", REAL, nullable=False, server_default="0"),
        sa.Column("message", TEXT, nullable=False, server_default=""),
        sa.Column("error", TEXT, nullable=False, server_default=""),
        sa.Column("video_id", TEXT),
        sa.Column("resume_token", TEXT),
        sa.Column("attempts", INT, nullable=False, server_default="0"),
        sa.Column("notes_json", TEXT, nullable=False, server_default="{}"),
        sa.Column("runner", TEXT, nullable=False, server_default=""),
        sa.Column("heartbeat_at", REAL, nullable=False, server_default="0"),
        sa.Column("cancel_requested", INT, nullable=False, server_default="0"),
        sa.Column("error_json", TEXT, nullable=False, server_default=""),
        sa.Column("message_json", TEXT, nullable=False, server_default=""),
    )
    op.create_index("jobs_status", "jobs", ["status", "created_at"])
    op.create_index("jobs_user", "jobs", ["user", sa.text("created_at DESC")])
    op.create_table(
        "photos",
        sa.Column("id", TEXT, primary_key=True),
        _user(),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("sha256", TEXT, nullable=False),
        sa.Column("file", TEXT, nullable=False),
        sa.Column("created_at", REAL, nullable=False),
    )
    op.create_index("photos_user_sha", "photos", ["user", "sha256"], unique=True)
    op.create_table(
        "presets",
        _user(),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("data_json", TEXT, nullable=False),
        sa.Column("created_at", REAL, nullable=False),
        sa.PrimaryKeyConstraint("user", "name"),
    )
    op.create_table(
        "prefs",
        _user(),
        sa.Column("key", TEXT, nullable=False),
        sa.Column("value_json", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("user", "key"),
    )
    op.create_table(
        "usage",
        sa.Column("id", INT, primary_key=True, autoincrement=True),
        _user(),
        sa.Column("day", TEXT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("amount", INT, nullable=False),
        sa.Column("ref", TEXT),
        sa.Column("created_at", REAL, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("usage_user_kind_day", "usage", ["user", "kind", "day"])
    op.create_index("usage_kind_ref", "usage", ["kind", "ref"], unique=True)
    op.create_table(
        "api_keys",
        sa.Column("id", TEXT, primary_key=True),
        _user(),
        sa.Column("name", TEXT, nullable=False, server_default=""),
        sa.Column("prefix", TEXT, nullable=False),
        sa.Column("key_hash", TEXT, nullable=False),
        sa.Column("webhook_secret", TEXT, nullable=False),
        sa.Column("created_at", REAL, nullable=False),
        sa.Column("last_used_at", REAL),
        sa.Column("revoked_at", REAL),
    )
    op.create_index("api_keys_hash", "api_keys", ["key_hash"], unique=True)
    op.create_index("api_keys_user", "api_keys", ["user", "created_at"])
    op.create_table(
        "api_idempotency",
        _user(),
        sa.Column("idem_key", TEXT, nullable=False),
        sa.Column("body_hash", TEXT, nullable=False),
        sa.Column("job_id", TEXT, nullable=False),
        sa.Column("created_at", REAL, nullable=False),
        sa.PrimaryKeyConstraint("user", "idem_key"),
    )
    op.create_table(
        "webhooks",
        sa.Column("job_id", TEXT, primary_key=True),
        _user(),
        sa.Column("key_id", TEXT, nullable=False),
        sa.Column("url", TEXT, nullable=False),
        sa.Column("created_at", REAL, nullable=False),
        sa.Column("notified", INT, nullable=False, server_default="0"),
    )
    op.create_index("webhooks_pending", "webhooks", ["notified", "created_at"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("job_id", TEXT, nullable=False),
        _user(),
        sa.Column("key_id", TEXT, nullable=False),
        sa.Column("event", TEXT, nullable=False),
        sa.Column("url", TEXT, nullable=False),
        sa.Column("body", TEXT, nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("attempts", INT, nullable=False, server_default="0"),
        sa.Column("next_at", REAL, nullable=False),
        sa.Column("last_code", INT),
        sa.Column("last_error", TEXT, nullable=False, server_default=""),
        sa.Column("created_at", REAL, nullable=False),
        sa.Column("updated_at", REAL, nullable=False),
    )
    op.create_index("webhook_deliveries_due", "webhook_deliveries", ["status", "next_at"])
    op.create_index("webhook_deliveries_job", "webhook_deliveries", ["job_id"])
    op.create_table(
        "batches",
        sa.Column("id", TEXT, primary_key=True),
        _user(),
        sa.Column("name", TEXT, nullable=False, server_default=""),
        sa.Column("source_hash", TEXT, nullable=False),
        sa.Column("engine", TEXT, nullable=False),
        sa.Column("total", INT, nullable=False),
        sa.Column("created_at", REAL, nullable=False),
    )
    op.create_index("batches_user", "batches", ["user", sa.text("created_at DESC")])
    op.create_index("batches_source", "batches", ["user", "source_hash"], unique=True)
    op.create_table(
        "batch_rows",
        sa.Column("batch_id", TEXT, nullable=False),
        sa.Column("row_number", INT, nullable=False),
        sa.Column("row_hash", TEXT, nullable=False),
        sa.Column("title", TEXT, nullable=False, server_default=""),
        sa.Column("job_id", TEXT),
        sa.PrimaryKeyConstraint("batch_id", "row_number"),
    )
    op.create_table(
        "api_rate",
        sa.Column("key_id", TEXT, nullable=False),
        sa.Column("window_start", sa.BigInteger, nullable=False),
        sa.Column("hits", INT, nullable=False),
        sa.PrimaryKeyConstraint("key_id", "window_start"),
    )
    op.create_table(
        "uploads",
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("owner", TEXT, nullable=False, server_default=""),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("bytes", INT, nullable=False),
        sa.Column("sha256", TEXT, nullable=False),
        sa.Column("file", TEXT, nullable=False),
        sa.Column("info_json", TEXT, nullable=False, server_default="{}"),
        sa.Column("created_at", REAL, nullable=False),
    )
    op.create_index("uploads_owner_kind_sha", "uploads", ["owner", "kind", "sha256"], unique=True)
    op.create_index("uploads_owner_created", "uploads", ["owner", "created_at"])
    op.create_index("uploads_file", "uploads", ["file"])


TABLES = (
    "uploads", "api_rate", "batch_rows", "batches", "webhook_deliveries", "webhooks",
    "api_idempotency", "api_keys", "usage", "prefs", "presets", "photos", "jobs", "videos",
)  # fmt: skip


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
