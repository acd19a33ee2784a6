"""Create page: own narration (upload, recording) and Translate, through AppTest."""

from __future__ import annotations

import numpy as np

from core.choices import load_choices
from tests.app_harness import TRANSLATED, FakeWriter, button, fakes, open_app, runtime, texts
from tests.narration_samples import SR, to_wav
from ui import state

__all__ = ["fakes"]


def _speech_like(seconds: float = 1.5) -> bytes:
    t = np.arange(int(seconds * SR)) / SR
    tone = 0.4 * np.sin(2 * np.pi * 180 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return to_wav(tone.astype(np.float32))


def test_an_uploaded_narration_is_kept_and_spoken_without_a_script(fakes):
    at = open_app()
    at.file_uploader(key="narration_file").upload("mi voz.wav", _speech_like(), "audio/wav")
    at.run()
    assert not at.exception
    assert "The presenter will speak your recording “mi voz\\.wav”." in texts(at)
    assert "No script: the video will have no subtitles." in texts(at)
    assert "Voice: Your recording" in texts(at)
    button(at, "Generate video").click()
    at.run()
    assert not at.exception and not at.error
    (job,) = runtime(at).runner.jobs()
    assert job.request.audio and job.request.text == "" and job.request.title == "mi voz.wav"
    stored = runtime(at).settings.data_dir / "narration"
    assert [p.name for p in stored.iterdir()] == [job.request.audio.rsplit("/", 1)[-1]]


def test_a_recording_from_the_browser_is_used_with_the_script(fakes):
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos, bienvenidos a la clase.")
    at.audio_input(key="narration_mic").set_value(("rec.wav", _speech_like(), "audio/wav"))
    at.run()
    assert not at.exception
    keep = next(c for c in at.checkbox if c.label.startswith("If the script does not match"))
    keep.check()
    at.run()
    button(at, "Generate video").click()
    at.run()
    (job,) = runtime(at).runner.jobs()
    assert job.request.audio.endswith(".wav") and job.request.keep_unaligned
    assert job.request.text == "Hola a todos, bienvenidos a la clase."
    button(at, "Use a voice instead").click()
    at.run()
    assert "Voice: Your recording" not in texts(at)


def test_a_silent_recording_is_a_message_not_a_job(fakes):
    at = open_app()
    silence = to_wav(np.zeros(SR, np.float32))
    at.audio_input(key="narration_mic").set_value(("rec.wav", silence, "audio/wav"))
    at.run()
    button(at, "Generate video").click()
    at.run()
    assert "is silent" in at.error[0].value
    assert runtime(at).runner.jobs() == []


def test_translate_replaces_the_script_and_switches_the_voice_language(fakes):
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Las abejas polinizan las flores.")
    at.run()
    at.selectbox(key="translate_target").set_value("en")
    button(at, "Translate").click()
    at.run()
    assert not at.exception
    assert at.text_area(key=state.SCRIPT_WIDGET).value == TRANSLATED
    assert FakeWriter.translations == [("Las abejas polinizan las flores.", "en")]
    choices = load_choices(runtime(at).services.library, "")
    assert choices.language == "en"
    assert "Translated into English" in texts(at)


def test_narration_texts_in_spanish(fakes):
    at = open_app()
    at.session_state[state.LANG] = "es"
    at.run()
    assert "Su propia voz (opcional)" in texts(at)
    assert button(at, "Traducir")
