"""The numbered SQLite migrations used before Alembic (tracked with PRAGMA user_version).

Never edited again: a library file made by an older Parlante (user_version 1 to 8) is
brought to version 8 with these, then stamped at the Alembic baseline (0001), which is
exactly this schema, and upgraded from there (core.migrations.upgrade).
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: videos, jobs, photos, presets, preferences
    """
    CREATE TABLE videos (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        script TEXT NOT NULL,
        language TEXT NOT NULL,
        engine TEXT NOT NULL,
        voice TEXT NOT NULL,
        avatar TEXT NOT NULL,
        size INTEGER NOT NULL,
        duration_s REAL NOT NULL,
        cache_key TEXT,
        settings_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX videos_user_created ON videos(user, created_at DESC);
    CREATE INDEX videos_cache_key ON videos(cache_key);
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        status TEXT NOT NULL,
        engine TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        request_json TEXT NOT NULL,
        stage TEXT NOT NULL DEFAULT '',
        fraction REAL NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        video_id TEXT,
        talk_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX jobs_status ON jobs(status, created_at);
    CREATE INDEX jobs_user ON jobs(user, created_at DESC);
    CREATE TABLE photos (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        file TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX photos_user_sha ON photos(user, sha256);
    CREATE TABLE presets (
        user TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        data_json TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (user, name)
    );
    CREATE TABLE prefs (
        user TEXT NOT NULL DEFAULT '',
        key TEXT NOT NULL,
        value_json TEXT NOT NULL,
        PRIMARY KEY (user, key)
    );
    """,
    # 2: the job runner's lease and durable notes (journal, heartbeat, cross-process cancel)
    """
    ALTER TABLE jobs ADD COLUMN notes_json TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE jobs ADD COLUMN runner TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN heartbeat_at REAL NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0
    """,
    # 3: what each user spent per UTC day (core.usage): D-ID talks, OpenAI tokens
    """
    CREATE TABLE usage (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user TEXT NOT NULL DEFAULT '',
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        amount INTEGER NOT NULL,
        ref TEXT,
        created_at REAL NOT NULL
    );
    CREATE INDEX usage_user_kind_day ON usage(user, kind, day);
    CREATE UNIQUE INDEX usage_kind_ref ON usage(kind, ref)
    """,
    # 4: a job's error and progress message as message id + parameters (core.messages), so
    # the pages show them in the interface language; ``error``/``message`` keep the English
    """
    ALTER TABLE jobs ADD COLUMN error_json TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN message_json TEXT NOT NULL DEFAULT ''
    """,
    # 5: a job keeps its engine's opaque resume token (core.engines.base.Journal), whatever
    # the provider; the usage of metered renders is referenced by that token
    """
    ALTER TABLE jobs RENAME COLUMN talk_id TO resume_token;
    UPDATE usage SET ref = 'run:' || substr(ref, 6) WHERE ref LIKE 'talk:%'
    """,
    # 6: the HTTP API and batches: API keys (hashed), idempotent submissions, webhooks and
    # their deliveries (retried across restarts), spreadsheet batches and their rows
    """
    CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        webhook_secret TEXT NOT NULL,
        created_at REAL NOT NULL,
        last_used_at REAL,
        revoked_at REAL
    );
    CREATE UNIQUE INDEX api_keys_hash ON api_keys(key_hash);
    CREATE INDEX api_keys_user ON api_keys(user, created_at);
    CREATE TABLE api_idempotency (
        user TEXT NOT NULL DEFAULT '',
        idem_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        job_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (user, idem_key)
    );
    CREATE TABLE webhooks (
        job_id TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        key_id TEXT NOT NULL,
        url TEXT NOT NULL,
        created_at REAL NOT NULL,
        notified INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX webhooks_pending ON webhooks(notified, created_at);
    CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        user TEXT NOT NULL DEFAULT '',
        key_id TEXT NOT NULL,
        event TEXT NOT NULL,
        url TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL,
        last_code INTEGER,
        last_error TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_at);
    CREATE INDEX webhook_deliveries_job ON webhook_deliveries(job_id);
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        source_hash TEXT NOT NULL,
        engine TEXT NOT NULL,
        total INTEGER NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX batches_user ON batches(user, created_at DESC);
    CREATE UNIQUE INDEX batches_source ON batches(user, source_hash);
    CREATE TABLE batch_rows (
        batch_id TEXT NOT NULL,
        row_number INTEGER NOT NULL,
        row_hash TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        job_id TEXT,
        PRIMARY KEY (batch_id, row_number)
    )
    """,
    # 7: the HTTP API's per-key request counts, one row per key and minute, shared by every
    # API process and replica (core.usecases.ratelimits)
    """
    CREATE TABLE api_rate (
        key_id TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        hits INTEGER NOT NULL,
        PRIMARY KEY (key_id, window_start)
    )
    """,
    # 8: files sent through the HTTP API for a video (slides, background image, music, own
    # narration), checked and kept among the owner's uploads (core.usecases.uploads)
    """
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        file TEXT NOT NULL,
        info_json TEXT NOT NULL DEFAULT '{}',
        created_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX uploads_owner_kind_sha ON uploads(owner, kind, sha256);
    CREATE INDEX uploads_owner_created ON uploads(owner, created_at);
    CREATE INDEX uploads_file ON uploads(file)
    """,
)
