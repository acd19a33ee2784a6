"""``script --translate-to``: a faithful translation by the script writer, cached, metered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.config import Settings
from core.pipeline import translate_script
from core.services import Services
from tests.conftest import FAKE_OPENAI_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.test_script_cli import run

SCRIPT = "Hola a todos. Hoy hablamos del ciclo del agua.\n\nEl sol calienta los océanos."
ENGLISH = "Sure, here is the translation:\n\nHello everyone. Today we talk about the water cycle."


@pytest.fixture
def fake():
    with FakeOpenAI(default=Reply.ok(ENGLISH)) as server:
        yield server


def test_translation_asks_for_a_faithful_speakable_text_and_is_cached(fake, data_dir) -> None:
    env = {"APP_DATA_DIR": str(data_dir), "OPENAI_API_KEY": FAKE_OPENAI_KEY}
    settings = Settings.from_sources({**env, "OPENAI_BASE_URL": fake.base_url})
    services = Services.from_settings(settings)
    script = translate_script(services, SCRIPT, "en", user="ana")
    assert script.text == "Hello everyone. Today we talk about the water cycle."
    assert script.language == "en" and not script.cached
    system, user = fake.requests[0].body["messages"]
    assert "English" in system["content"] and "faithful" in system["content"].lower()
    assert user["content"] == SCRIPT
    again = translate_script(services, SCRIPT, "en", user="ana")
    assert again.cached and len(fake.requests) == 1
    assert services.usage.used("ana", "openai_tokens") > 0


def test_cli_translates_and_names_a_voice_of_that_language(fake, data_dir: Path) -> None:
    result = run("script", "--translate-to", "en", "--text", SCRIPT, "--json",
                 fake=fake, data_dir=data_dir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["script"].startswith("Hello everyone") and data["language"] == "en"
    assert data["voice"] == "piper:en-US:joe"


def test_cli_translation_bad_input(fake, data_dir: Path) -> None:
    result = run("script", "--translate-to", "xx", "--text", SCRIPT, fake=fake, data_dir=data_dir)
    assert result.returncode == 2 and "xx" in result.stderr
    result = run("script", "--translate-to", "en", fake=fake, data_dir=data_dir)
    assert result.returncode == 2 and "--text" in result.stderr
    result = run("script", fake=fake, data_dir=data_dir)
    assert result.returncode == 2 and "--prompt" in result.stderr
    assert not fake.requests
