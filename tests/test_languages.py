"""Language and voice names in the interface language; titles of typed scripts; progress."""

from __future__ import annotations

from core.choices import video_title
from core.engines.local import speech
from core.jobstore import Job
from core.languages import COMMON, language_name, language_options, voice_label
from core.messages import msg
from core.models import RenderRequest, Voice


def test_offline_voice_names_in_spanish_and_english():
    voice = speech.get_voice("espeak:es-419:f3")
    assert voice.name == "Spanish (Latin America) · female 1"  # espeak's English, as stored
    assert voice_label(voice, "es") == "Español (Latinoamérica) · femenina 1"
    assert voice_label(voice, "en") == "Spanish (Latin America) · female 1"
    rp = speech.get_voice("espeak:en-GB-x-rp:m3")
    assert voice_label(rp, "es") == "Inglés (pronunciación estándar) · masculina"
    joe = speech.get_voice("piper:en-US:joe")
    assert voice_label(joe, "es") == "Joe · Inglés (Estados Unidos) · neuronal"
    did = Voice("es-MX-DaliaNeural", "Dalia", "es-MX", "female", "did")
    assert voice_label(did, "es") == "Dalia · Español (México)"


def test_every_language_the_voices_speak_is_offered_common_first():
    tags = {v.language for v in speech.list_voices()}
    assert len(tags) > 100
    for lang in ("es", "en"):
        options = language_options(tags, lang)
        assert sorted(options) == sorted(tags)
        assert options[: len([t for t in COMMON if t in tags])] == [t for t in COMMON if t in tags]
        rest = [language_name(t, lang).casefold() for t in options[len(COMMON) :]]
        assert rest == sorted(rest)  # then by name, so typing finds them in order
    assert language_name("yue", "es").startswith("Cantonés")
    assert language_name("pt-BR", "es") == "Portugués (Brasil)"
    assert language_name("qu", "es") == "Quechua"
    assert language_name("xx-nothing", "es") == "xx-nothing"  # unknown: the tag, not a crash


def test_a_typed_script_is_titled_by_its_first_words_not_by_the_topic():
    written = {"title": "Las abejas", "text": "Las abejas polinizan las flores. Sin ellas no."}
    assert video_title(written, written["text"]) == "Las abejas"
    assert video_title(written, written["text"] + " Una frase más.") == "Las abejas"  # edited
    assert video_title(written, "Los volcanes expulsan lava y ceniza.") == ""  # typed anew
    assert video_title(None, "Hola") == ""


def test_progress_messages_render_in_the_viewers_language():
    job = Job(id="j", engine="local", request=RenderRequest(text="x"), message="Frame 3 of 10",
              message_data=msg("progress.frame", i=3, n=10).to_data())  # fmt: skip
    assert job.message_text("en") == "Frame 3 of 10"
    assert job.message_text("es") == "Imagen 3 de 10"
    old = Job(id="k", engine="local", request=RenderRequest(text="x"), message="Working")
    assert old.message_text("es") == "Working"  # rows from before message ids


def test_every_built_in_presenter_has_its_role_in_both_languages():
    """A new presenter needs "presenter.<id>" in ui/texts_history.py (Spanish gives the role
    the presenter's gender), or the Spanish page shows its English role."""
    from core.avatars import builtin_avatars
    from ui.i18n import TEXTS

    missing = [a.id for a in builtin_avatars() if f"presenter.{a.id}" not in TEXTS]
    assert not missing, missing
    for avatar in builtin_avatars():
        entry = TEXTS[f"presenter.{avatar.id}"]
        assert (
            entry["en"].split(" — ")[0]
            == entry["es"].split(" — ")[0]
            == avatar.name.split(" — ")[0]
        )
