"""The Voice & avatar page, through AppTest: choices persist in the library, previews, photos."""

from __future__ import annotations

import pytest

from core.choices import load_choices
from core.errors import InputError
from tests.app_harness import button, fakes, open_app, runtime, texts

__all__ = ["fakes"]
PAGE = "pages/voice_avatar.py"


def choices(at):
    return load_choices(runtime(at).services.library)


def test_engine_language_voice_and_rate_are_saved_in_the_library(fakes):
    at = open_app(PAGE)
    at.segmented_control(key="va_engine").set_value("did").run()
    assert choices(at).engine == "did"
    at.selectbox(key="va_lang").set_value("en-US").run()
    assert choices(at).language == "en-US"
    voice = at.selectbox(key="va_voice")
    assert voice.options == ["Ada (fake) · English (United States)"]
    voice.set_value("fake-en-f").run()
    at.slider(key="va_rate").set_value(1.25).run()
    saved = choices(at)
    assert saved.voice_did == "fake-en-f" and saved.rate == 1.25 and saved.voice_local is None
    fresh = open_app(PAGE)  # a new session (or a restart) sees the same choices
    assert fresh.segmented_control(key="va_engine").value == "did"
    assert fresh.slider(key="va_rate").value == 1.25


def test_gender_filter(fakes):
    at = open_app(PAGE)
    assert len(at.selectbox(key="va_voice").options) == 2  # the two Spanish fake voices
    at.segmented_control(key="va_gender_en").set_value("male").run()
    assert at.selectbox(key="va_voice").options == ["Mateo (fake) · Spanish (Latin America)"]


def test_offline_voice_preview_plays_a_wav(fakes, monkeypatch):
    from core import previews

    heard = []

    def fake_preview(voice_id, language, rate=1.0):
        heard.append((voice_id, language, rate))
        return previews.wav_bytes(__import__("numpy").zeros(2205, "float32"), 22050)

    monkeypatch.setattr(previews, "voice_preview", fake_preview)
    at = open_app(PAGE)
    at.selectbox(key="va_voice").set_value("fake-es-m").run()
    button(at, "Play a sample").click().run()
    assert not at.exception
    assert heard == [("fake-es-m", "es", 1.0)]
    assert at.get("audio"), "the sample plays in the page"


def test_choose_a_presenter(fakes):
    at = open_app(PAGE)
    button(at, "Choose").click().run()  # Leo: Ana is chosen by default
    assert choices(at).avatar == "leo"
    chosen = [b for b in at.button if b.label == "Chosen"]
    assert len(chosen) == 1 and chosen[0].disabled


def test_upload_with_a_face_is_added_and_chosen(fakes):
    from tests.face_images import encode, synthetic_face

    at = open_app(PAGE)
    at.file_uploader[0].upload("maria.png", encode(synthetic_face(400)), "image/png").run()
    assert not at.exception
    assert "Face found" in at.success[0].value
    photos = runtime(at).services.library.list_photos()
    assert [p.name for p in photos] == ["maria"] and choices(at).avatar == photos[0].id
    assert "maria" in texts(at)  # in the gallery
    button(at, "Delete photo").click().run()
    assert runtime(at).services.library.list_photos() == [] and choices(at).avatar is None


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.png", b"just some text", "is not a JPEG or PNG image"),
        ("huge.jpg", b"\xff\xd8\xff" + b"0" * (16 * 1024 * 1024), "photos may be at most 15 MB"),
    ],
)
def test_upload_refusals_say_why(fakes, name, data, reason):
    at = open_app(PAGE)
    at.file_uploader[0].upload(name, data, "image/png").run()
    assert not at.exception
    assert "This photo cannot be used" in at.error[0].value and reason in at.error[0].value
    assert runtime(at).services.library.list_photos() == []


def test_upload_without_a_face_is_refused(fakes, monkeypatch):
    from core.engines.local import photo

    def no_face(*_args, **_kwargs):
        raise InputError("photo.no_face", name="blank.png")

    monkeypatch.setattr(photo, "face_crop", no_face)
    at = open_app(PAGE)
    at.file_uploader[0].upload("blank.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png").run()
    assert "No face was found" in at.error[0].value


def test_presets_save_and_recall(fakes):
    at = open_app(PAGE)
    at.slider(key="va_rate").set_value(0.8).run()
    at.text_input(key="va_preset_name").input("Clase lenta").run()
    button(at, "Save preset").click().run()
    assert "Preset “Clase lenta” saved." in texts(at)
    at.slider(key="va_rate").set_value(1.5).run()
    assert choices(at).rate == 1.5
    at.selectbox(key="va_preset_pick").set_value("Clase lenta").run()
    button(at, "Use preset").click().run()
    assert choices(at).rate == 0.8
    assert at.slider(key="va_rate").value == 0.8  # the widgets show the recalled choices


def test_voices_are_grouped_by_kind_with_what_they_need_and_cost(fakes, monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL")  # no speech server: OpenAI's, with a key, would cost
    at = open_app(PAGE)
    assert at.segmented_control(key="va_kind").options == [
        "Offline voices — free, on this computer",
        "Neural voices from a speech server",
    ]
    assert "free" in texts(at) and len(at.selectbox(key="va_voice").options) == 2
    at.segmented_control(key="va_kind").set_value("server").run()
    assert not at.exception
    assert "No speech server is set: set TTS_API_KEY" in texts(at)
    assert "needs TTS_API_KEY · costs money per character" in texts(at)
    at.segmented_control(key="va_engine").set_value("did").run()
    assert at.segmented_control(key="va_kind").value == "did"
    assert "needs DID_API_KEY · costs D-ID credits" in texts(at)


def test_a_compatible_speech_server_is_marked_as_the_persons_own(fakes):
    at = open_app(PAGE)  # the harness sets OPENAI_BASE_URL, which TTS_BASE_URL defaults to
    at.segmented_control(key="va_kind").set_value("server").run()
    assert "needs your speech server (TTS_BASE_URL)" in texts(at)
    assert "No speech server is set" not in texts(at)
