"""ui.runtime: one job runner per process, even when the settings change."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from core.config import Settings
from tests import fake_engine
from ui.runtime import open_runtime


@pytest.fixture(autouse=True)
def clean_cache(monkeypatch: pytest.MonkeyPatch):
    fake_engine.install(monkeypatch, "local")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_changing_settings_stops_the_old_runner_at_once(tmp_path: Path) -> None:
    first = open_runtime(Settings.from_sources({"APP_DATA_DIR": str(tmp_path), "MAX_JOBS": "1"}))
    assert first.app.jobs_running
    second = open_runtime(Settings.from_sources({"APP_DATA_DIR": str(tmp_path), "MAX_JOBS": "2"}))
    assert second is not first and second.app.jobs_running
    assert not first.app.jobs_running  # was left claiming jobs until the cache evicted it
    assert not any(t.is_alive() for t in first.app.ctx.runner._threads)
    again = open_runtime(Settings.from_sources({"APP_DATA_DIR": str(tmp_path), "MAX_JOBS": "1"}))
    assert again.app.jobs_running and not second.app.jobs_running  # exactly one claims jobs
    assert open_runtime(again.settings) is again  # the same settings: the same runtime
