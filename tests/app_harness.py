"""AppTest helpers: the real app.py with fake engines and a fake script writer from the registries.

No network and no codecs: the fake engine writes tiny files, the fake writer streams a
fixed script, presenter stills are flat images.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import avatars, previews
from core.models import Avatar, Brief, Script
from core.writers import base as writers
from core.writers.base import ScriptStream
from core.writers.timing import count_words, estimate_seconds
from tests import fake_engine
from ui import common as ui_common
from ui import state

APP = Path(__file__).resolve().parent.parent / "app.py"
TRANSLATED = "Bees pollinate the flowers. Without them there would be no fruit at the market."
FAKE_SCRIPT = "Las abejas polinizan las flores. Sin ellas no habría frutas en el mercado."
AVATARS = [Avatar("ana", "Ana", "illustrated"), Avatar("leo", "Leo", "illustrated")]


class FakeWriter:
    id = "openai"
    version = "fake-writer-1"
    calls: list[Brief] = []  # noqa: RUF012 — shared on purpose: tests read it
    translations: list[tuple[str, str]] = []  # noqa: RUF012

    def __init__(self, _settings: Any) -> None:
        pass

    def cache_parts(self) -> dict[str, Any]:
        return {"model": "fake"}

    def _script(self, brief: Brief) -> Script:
        return Script(
            text=FAKE_SCRIPT,
            words=count_words(FAKE_SCRIPT),
            estimated_s=estimate_seconds(FAKE_SCRIPT, brief.language),
            model="fake",
            language=brief.language,
        )

    def write(self, brief: Brief) -> Script:
        FakeWriter.calls.append(brief)
        return self._script(brief)

    def translate(self, text: str, language: str) -> Script:
        FakeWriter.translations.append((text, language))
        return Script(
            text=TRANSLATED, words=count_words(TRANSLATED), model="fake", language=language,
            estimated_s=estimate_seconds(TRANSLATED, language),
        )  # fmt: skip

    def stream(self, brief: Brief) -> ScriptStream:
        FakeWriter.calls.append(brief)

        def pieces() -> Generator[str, None, Script]:
            for word in FAKE_SCRIPT.split(" "):
                yield word + " "
            return self._script(brief)

        return ScriptStream(pieces())


def _clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()  # stops the job runners of earlier tests (on_release)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[fake_engine.FakeControl]:
    """Fake engines as "local" and "did", the fake writer as "openai", flat stills."""
    control = fake_engine.install(monkeypatch, "local", "did")
    monkeypatch.setattr(ui_common, "STRICT", True)  # an error without a message id fails
    monkeypatch.setitem(writers.WRITERS, "openai", FakeWriter)
    FakeWriter.calls = []
    FakeWriter.translations = []
    monkeypatch.setattr(avatars, "builtin_avatars", lambda: list(AVATARS))
    monkeypatch.setattr(
        previews, "still", lambda avatar, size: np.full((size, size, 3), 180, np.uint8)
    )
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never contacted
    _clear_caches()
    yield control
    _clear_caches()


def open_app(page: str | None = None, lang: str = "en") -> AppTest:
    """The app (on ``page``), in the interface language ``lang``."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state[state.LANG] = lang
    return run_on(at, page)


def run_on(at: AppTest, page: str | None = None) -> AppTest:
    """Run the app (then switch to ``page`` and run it again); nothing may raise."""
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def runtime(at: AppTest) -> Any:
    """What the app's use cases work with (settings, services, runner), for assertions."""
    return at.session_state[state.RUNTIME].app.ctx


def button(at: AppTest, label: str) -> Any:
    for b in at.button:
        if b.label == label:
            return b
    raise AssertionError(f"no button {label!r}: {[b.label for b in at.button]}")


def texts(at: AppTest) -> str:
    """Everything readable on the page, for assertions about messages."""
    parts = []
    for kind in ("markdown", "text", "caption", "success", "info", "warning", "error", "toast"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)
