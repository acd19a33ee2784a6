"""Issue 12 in both interface languages, through AppTest: every message the person sees
is in the language they chose, and nothing they typed is lost."""

from __future__ import annotations

import pytest

from core.errors import ConfigError, InputError
from core.models import RenderRequest
from tests import fake_engine
from tests.app_harness import button, fakes, open_app, runtime, texts
from ui import state

__all__ = ["fakes"]
LANGS = ("en", "es")

T = {  # what each language must show
    "en": {
        "title": "Create a video",
        "tones": ["Informative", "Friendly", "Formal", "Enthusiastic"],
        "tone_label": "Tone",
        "presenter": "Presenter: Ana — teacher",
        "write": "Write script",
        "no_writer": "Script writing is not configured",
        "generate": "Generate video",
        "empty": "The script is empty",
        "over": "This script has 20000 characters, 15000 more than the limit of 5000",
        "failed": "The video failed: No face was found in coffee.jpg",
        "new": "Start another video",
        "emptied": "The box was emptied for a new video.",
        "undo": "Undo: bring back the previous script",
        "did_key": "D-ID's voices need a D-ID key",
        "voice": "Lucía (fake) · Spanish (Spain)",
        "languages": ["Spanish (Spain)", "Spanish (Latin America)", "English (United States)"],
        "nothing": "Nothing here yet",
        "no_match": "No video matches “volcanes”",
        "filters": "No video with these filters",
        "details": "**Presenter:** Ana — teacher",
        "voice_field": "**Voice:** Mateo (fake) · Spanish (Spain)",
        "open": "Open",
        "settings": "Settings",
    },
    "es": {
        "title": "Crear un vídeo",
        "tones": ["Informativo", "Cercano", "Formal", "Entusiasta"],
        "tone_label": "Tono",
        "presenter": "Presentador: Ana — profesora",
        "write": "Escribir guion",
        "no_writer": "La escritura de guiones no está configurada",
        "generate": "Generar vídeo",
        "empty": "El guion está vacío",
        "over": "Este guion tiene 20000 caracteres, 15000 más que el límite de 5000",
        "failed": "El vídeo falló: No se encontró ninguna cara en coffee.jpg",
        "new": "Empezar otro vídeo",
        "emptied": "Se vació el cuadro para un vídeo nuevo.",
        "undo": "Deshacer: recuperar el guion anterior",
        "did_key": "Las voces de D-ID necesitan una clave de D-ID",
        "voice": "Lucía (fake) · Español (España)",
        "languages": ["Español (España)", "Español (Latinoamérica)", "Inglés (Estados Unidos)"],
        "nothing": "Aún no hay nada",
        "no_match": "Ningún vídeo coincide con «volcanes»",
        "filters": "Ningún vídeo con estos filtros",
        "details": "**Presentador:** Ana — profesora",
        "voice_field": "**Voz:** Mateo (fake) · Español (España)",
        "open": "Abrir",
        "settings": "Ajustes",
    },
}


def plain(text: str) -> str:
    """Page text without Markdown's escapes."""
    return text.replace("\\", "")


def finish(at, job_id: str):
    job = runtime(at).runner.wait(job_id, timeout=20)
    at.run()
    assert not at.exception
    return job


@pytest.mark.parametrize("lang", LANGS)
def test_create_page_tones_presenter_and_no_writer(fakes, monkeypatch, lang):
    from core.writers import base as writers

    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.setitem(writers.WRITERS, "openai", writers._openai)
    at = open_app(lang=lang)
    t = T[lang]
    assert at.title[0].value == t["title"]
    tone = next(s for s in at.selectbox if s.label == t["tone_label"])
    assert tone.options == t["tones"]
    assert t["presenter"] in texts(at)
    assert button(at, t["write"]).disabled
    assert any(c.value.startswith(t["no_writer"]) for c in at.caption)


@pytest.mark.parametrize("lang", LANGS)
def test_errors_from_core_reach_the_page_in_its_language(fakes, lang):
    t = T[lang]
    at = open_app(lang=lang)
    button(at, t["generate"]).click()
    at.run()
    assert at.error[0].value.startswith(t["empty"])
    fakes.fail_with = InputError("photo.no_face", name="coffee.jpg")
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos.")
    button(at, t["generate"]).click()
    at.run()
    finish(at, at.session_state[state.JOB])
    assert plain(at.error[0].value).startswith(t["failed"])
    at.switch_page("pages/history.py")
    at.run()
    assert t["failed"].split(": ", 1)[1] in plain(texts(at))  # the failed job's card, same language


@pytest.mark.parametrize("lang", LANGS)
def test_a_long_script_is_kept_and_its_excess_explained(fakes, lang):
    t = T[lang]
    at = open_app(lang=lang)
    long_script = ("Las abejas polinizan las flores. " * 700)[:20000]
    at.text_area(key=state.SCRIPT_WIDGET).input(long_script).run()
    assert at.text_area(key=state.SCRIPT_WIDGET).value == long_script
    assert t["over"] in at.warning[0].value
    assert button(at, t["generate"]).disabled
    at.switch_page("pages/history.py").run()
    at.switch_page("pages/create.py").run()
    assert at.text_area(key=state.SCRIPT_WIDGET).value == long_script  # still there


@pytest.mark.parametrize("lang", LANGS)
def test_start_another_video_empties_the_box_with_undo(fakes, lang):
    t = T[lang]
    at = open_app(lang=lang)
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos, esto es una prueba.")
    button(at, t["generate"]).click()
    at.run()
    finish(at, at.session_state[state.JOB])
    button(at, t["new"]).click()
    at.run()
    assert at.text_area(key=state.SCRIPT_WIDGET).value == ""
    assert t["emptied"] in texts(at)
    button(at, t["undo"]).click()
    at.run()
    assert at.text_area(key=state.SCRIPT_WIDGET).value == "Hola a todos, esto es una prueba."
    assert t["emptied"] not in texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_voice_page_names_voices_and_says_d_id_needs_a_key(fakes, monkeypatch, lang):
    t = T[lang]
    at = open_app("pages/voice_avatar.py", lang=lang)
    assert t["voice"] in at.selectbox(key="va_voice").options
    assert at.selectbox(key="va_lang").options == t["languages"]  # common ones first

    def no_key(self, language=None):
        raise ConfigError("did.no_key", variable="DID_API_KEY")

    monkeypatch.setattr(fake_engine.FakeEngine, "voices", no_key)
    at.segmented_control(key="va_engine").set_value("did").run()
    assert not at.exception
    assert t["did_key"] in texts(at)
    assert "--engine" not in texts(at) and "No voice matches" not in texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_history_search_titles_and_readable_details(fakes, lang):
    t = T[lang]
    at = open_app("pages/history.py", lang=lang)
    assert t["nothing"] in texts(at)
    runner = runtime(at).runner
    for text in ("Las abejas polinizan las flores.", "Los ríos llevan agua al mar."):
        request = RenderRequest(text=text, language="es", voice_id="fake-es-m", avatar="ana")
        assert runner.wait(runner.submit(request, "local").id, timeout=20).status == "done"
    at.run()
    shown = texts(at)
    assert "Las abejas polinizan las flores." in shown and "Los ríos llevan agua al mar." in shown
    at.text_input(key="hist_search").input("volcanes").run()
    assert t["no_match"] in texts(at) and t["nothing"] not in texts(at)
    at.text_input(key="hist_search").input("").run()
    at.selectbox(key=f"hist_engine_{lang}").set_value("did").run()
    assert t["filters"] in texts(at) and t["nothing"] not in texts(at)
    at.selectbox(key=f"hist_engine_{lang}").set_value(None).run()
    at.text_input(key="hist_search").input("Mateo").run()  # a voice's name
    assert "Los ríos llevan agua al mar." in texts(at)
    button(at, t["open"]).click()
    at.run()
    assert not at.json  # no raw JSON
    details = plain("\n".join(str(m.value) for m in at.markdown))
    assert t["details"] in details and t["voice_field"] in details, details
