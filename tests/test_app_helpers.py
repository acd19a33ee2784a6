"""The app's non-UI helpers: texts in both languages, choices, estimates, previews, history."""

from __future__ import annotations

import io
import re
import wave
from pathlib import Path

import numpy as np
import pytest

from core.choices import (
    Choices,
    apply_preset,
    choices_from_video,
    load_choices,
    save_choices,
    save_preset,
    with_language,
)
from core.errors import InputError
from core.previews import photo_suffix, sample_sentence, wav_bytes
from ui.i18n import LANGS, TEXTS, translate
from ui.streaming import escape_markdown, stream_call

ROOT = Path(__file__).resolve().parent.parent


def test_every_text_exists_in_english_and_spanish():
    for key, entry in TEXTS.items():
        assert set(entry) == set(LANGS), key
        fields = [set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGS]
        assert fields[0] == fields[1], f"{key}: both languages take the same values"


def test_every_key_used_by_the_pages_is_defined():
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text()))
    assert used and used <= set(TEXTS), used - set(TEXTS)


def test_translate_formats_values():
    assert translate("es", "create.counts", words=3, seconds=2) == "3 palabras · unos 2 s de vídeo"


def test_choices_persist_and_tolerate_bad_data(services):
    library = services.library
    assert load_choices(library) == Choices()
    save_choices(library, Choices(engine="did", voice_did="es-EC-AndreaNeural", rate=1.3))
    assert load_choices(library).voice() == "es-EC-AndreaNeural"
    library.set_pref("choices", {"engine": "nope", "rate": "fast", "extra": 1})
    assert load_choices(library) == Choices()


def test_presets_recall_choices(services):
    library = services.library
    save_preset(library, "Lento", Choices(rate=0.7, avatar="leo"))
    save_choices(library, Choices(rate=1.5))
    assert apply_preset(library, "Lento").rate == 0.7
    assert load_choices(library).avatar == "leo"
    assert apply_preset(library, "missing") is None
    with pytest.raises(InputError):
        save_preset(library, "  ", Choices())


def test_language_change_drops_a_voice_that_does_not_speak_it():
    choices = Choices(voice_local="espeak:es:f3")
    assert with_language(choices, "en", {"piper:en-US:joe"}).voice_local is None
    assert with_language(choices, "es", {"espeak:es:f3"}).voice_local == "espeak:es:f3"


def test_use_again_takes_the_video_settings():
    got = choices_from_video(Choices(), "did", "en", "en-US-JennyNeural", "leo", 1.1)
    assert (got.engine, got.language, got.voice_did, got.avatar, got.rate) == (
        "did", "en", "en-US-JennyNeural", "leo", 1.1,
    )  # fmt: skip


def test_wav_preview_bytes_are_a_playable_wav():
    data = wav_bytes(np.sin(np.linspace(0, 100, 22050)).astype("float32"), 22050)
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1, 2, 22050, 22050,
        )  # fmt: skip
    assert sample_sentence("es-419").startswith("Hola")


def test_photo_type_is_read_from_the_bytes():
    assert photo_suffix(b"\xff\xd8\xff\xe0rest", "a.png") == ".jpg"
    assert photo_suffix(b"\x89PNG\r\n\x1a\nrest", "a.jpg") == ".png"
    with pytest.raises(InputError, match="not a JPEG or PNG"):
        photo_suffix(b"GIF89a", "a.gif")


def test_streamed_text_is_escaped_and_errors_reach_the_page():
    assert escape_markdown("**hola** <b>") == "\\*\\*hola\\*\\* \\<b\\>"
    pieces, outcome = stream_call(lambda emit: [emit("uno "), emit("dos")] and "fin")
    assert "".join(pieces) == "uno dos" and outcome.value == "fin"

    def broken(emit):
        emit("a")
        raise InputError("Write a topic first.")

    pieces, _ = stream_call(broken)
    with pytest.raises(InputError, match="Write a topic"):
        list(pieces)


def test_credits_monitor_never_waits_and_refreshes_once_a_minute(data_dir):
    import threading

    from core.config import Settings
    from core.engines.base import Capabilities
    from core.services import Services
    from core.status import CreditsMonitor

    services = Services.from_settings(
        Settings.from_sources({"APP_DATA_DIR": str(data_dir), "DID_API_KEY": "user:secret"})
    )
    release, calls, second = threading.Event(), [], threading.Event()

    class SlowDid:
        capabilities = Capabilities(credits=True)

        def credits(self):
            calls.append(1)
            if len(calls) == 2:
                second.set()
            release.wait(5)
            return {"remaining": 12, "total": 20}

    services._engines["did"] = SlowDid()
    now = [0.0]
    monitor = CreditsMonitor(services, ttl=60, clock=lambda: now[0])
    assert monitor.current() is None  # D-ID is slow: the page does not wait
    release.set()
    first = monitor.wait()
    assert (first.remaining, first.total, first.error) == (12, 20, "")
    now[0] = 30.0
    assert monitor.current() is first and len(calls) == 1  # cached for a minute
    now[0] = 61.0
    monitor.current()  # stale: a refresh starts in the background
    assert second.wait(10)  # the refresh ran, in the background
