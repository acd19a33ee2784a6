"""Daily caps as the pages show them: in the interface language, before any job is queued."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from core.choices import load_choices, save_choices
from core.engines import registry
from core.messages import MESSAGES
from core.usage import METERED_VIDEOS, OPENAI_TOKENS
from tests.app_harness import button, fakes, open_app, runtime, texts
from tests.test_usage import MeteredFake
from ui import state
from ui.i18n import TEXTS

__all__ = ["fakes"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def metered_did(fakes: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(registry.ENGINES, "did", MeteredFake)
    return fakes


def write(at: Any, topic: str) -> None:
    next(t for t in at.text_area if t.label in ("Topic", "Tema")).input(topic)
    button(at, "Write script" if state.lang() == "en" else "Escribir guion").click()
    at.run()


def test_the_token_cap_stops_script_writing_with_a_clear_message(
    fakes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_DAILY_TOKENS", "1")
    at = open_app()
    assert "Script tokens today: 0 of 1" in "\n".join(c.value for c in at.sidebar.caption)
    write(at, "Las abejas")
    assert at.text_area(key=state.SCRIPT_WIDGET).value  # the first script is written
    used = runtime(at).services.usage.used("", OPENAI_TOKENS)
    assert used > 1
    write(at, "Los volcanes")
    assert not at.exception
    assert at.error[0].value.startswith("Today's allowance of 1 tokens for writing scripts")
    assert "00:00 UTC" in at.error[0].value
    at.session_state[state.LANG] = "es"
    at.run()
    next(t for t in at.text_area if t.label == "Tema").input("Los ríos")
    button(at, "Escribir guion").click()
    at.run()
    assert at.error[0].value.startswith("Se agotó la asignación diaria de 1 tokens")


def test_the_d_id_cap_is_a_message_and_no_job(
    metered_did: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DID_DAILY_VIDEOS", "1")
    monkeypatch.setenv("DID_API_KEY", "fake-key-for-readiness")
    at = open_app()
    rt = runtime(at)
    save_choices(rt.services.library, load_choices(rt.services.library).with_(engine="did"))
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos, bienvenidos al curso.")
    button(at, "Generate video").click()
    at.run()
    [job] = rt.runner.jobs()
    assert rt.runner.wait(job.id, timeout=20).status == "done"
    assert rt.services.usage.used("", METERED_VIDEOS) == 1
    sidebar = open_app().sidebar.caption  # a new session: app.py draws the sidebar
    assert "D-ID videos today: 1 of 1" in "\n".join(c.value for c in sidebar)
    at.run()
    button(at, "Start another video").click()
    at.run()
    at.text_area(key=state.SCRIPT_WIDGET).input("Otro texto distinto para otro vídeo.")
    button(at, "Generate video").click()
    at.run()
    assert "You have reached today's limit of 1 D-ID videos" in texts(at)
    assert len(rt.runner.jobs()) == 1  # no job was queued


def test_every_sign_in_and_limit_text_exists() -> None:
    used = set(re.findall(r'_t\(\s*"([a-z_]+\.[a-z_]+)"', (ROOT / "ui" / "auth.py").read_text()))
    assert used <= set(TEXTS), used - set(TEXTS)
    errors = {f"signin.{reason}" for reason in ("no_email", "unverified", "not_allowed")}
    errors |= {f"limit.{kind}" for kind in (METERED_VIDEOS, OPENAI_TOKENS)}
    assert errors <= set(MESSAGES), errors - set(MESSAGES)
