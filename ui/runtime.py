"""The process-wide objects every session shares: the application (core.usecases: every
use case, and ONE job runner).

Held by ``st.cache_resource`` keyed by a fingerprint of the settings (secrets hashed, never
stored), so a settings change opens a new runtime. The old runtime's runner is stopped at
that moment (not whenever the cache gets round to evicting it): one process never has two
runners claiming from one queue, and no render starts with old keys.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import streamlit as st

from core.config import Settings
from core.usecases import Parlante


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    app: Parlante  # the application layer: every use case (and the one job runner)


def streamlit_secrets() -> Mapping[str, Any]:
    """st.secrets as a plain mapping; empty when there is no secrets.toml."""
    try:
        return {k: v for k, v in st.secrets.items()}
    except Exception:  # no secrets file: Streamlit raises on first access
        return {}


def build_settings(env: Mapping[str, str] | None = None) -> Settings:
    """The one frozen Settings, from the environment and st.secrets (secrets win)."""
    return Settings.from_sources(os.environ if env is None else env, streamlit_secrets())


def _fingerprint(settings: Settings) -> str:
    parts = [f"{f.name}={getattr(settings, f.name)!s}" for f in fields(settings)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _release(runtime: Runtime) -> None:
    runtime.app.close(timeout=2.0)


@st.cache_resource(show_spinner=False, on_release=_release, max_entries=1)
def _open(_settings: Settings, fingerprint: str) -> Runtime:
    # the job runner recovers jobs a previous process left unfinished
    return Runtime(settings=_settings, app=Parlante.open(_settings))


_active_lock = threading.Lock()
_active: list[Runtime] = []  # the runtime whose runner may claim jobs in this process


def open_runtime(settings: Settings) -> Runtime:
    runtime = _open(settings, _fingerprint(settings))
    with _active_lock:
        previous = _active[0] if _active else None
        if previous is not runtime:
            if previous is not None:
                previous.app.close(timeout=2.0)  # its running jobs go back to the queue
            _active[:] = [runtime]
        if not runtime.app.jobs_running:
            runtime.app.start_jobs()  # settings changed back to ones seen before
    return runtime
