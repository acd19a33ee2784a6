"""Clean-up of messy model replies, in Spanish and English, and the budget cut."""

from __future__ import annotations

import pytest

from core.writers.cleanup import LiveCleaner, clean_script, drop_unfinished, fit_to_budget
from core.writers.timing import count_words

MESSY_ES = """¡Claro! Aquí tienes un guion de 30 segundos sobre las abejas:

# Las abejas: pequeñas heroínas 🐝

**Narrador:** ¿Sabías que una de cada tres cucharadas de comida depende de las abejas? \
[Música suave de fondo]

(Pausa dramática)

- Polinizan cultivos
- Producen miel
- Mantienen los ecosistemas

*sonríe a la cámara* Cuidarlas es cuidarnos. 🌻✨

---
¿Quieres que ajuste el tono o la duración? ¡Avísame!"""

CLEAN_ES = (
    "¿Sabías que una de cada tres cucharadas de comida depende de las abejas?\n\n"
    "Polinizan cultivos. Producen miel. Mantienen los ecosistemas.\n\n"
    "Cuidarlas es cuidarnos."
)

MESSY_EN = """Sure! Here's a 45-second script about remote work:

**Title: The Future of Work**

[Upbeat music]

HOST: Remote work isn't a trend — it's a *revolution*. (pause)

1. Flexibility
2. No commute

*laughs* And yes, pajamas count as business casual!

Word count: 40

I hope this helps! Let me know if you'd like any changes."""

CLEAN_EN = (
    "Remote work isn't a trend — it's a revolution.\n\n"
    "Flexibility. No commute.\n\n"
    "And yes, pajamas count as business casual!"
)


def test_messy_spanish_reply_becomes_speakable() -> None:
    assert clean_script(MESSY_ES) == CLEAN_ES


def test_messy_english_reply_becomes_speakable() -> None:
    assert clean_script(MESSY_EN) == CLEAN_EN


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Sure, here is the script:\nBees matter.", "Bees matter."),
        ("Certainly! Bees matter.", "Bees matter."),
        ("Of course.\n\nHere's your voiceover:\n\nBees matter.", "Bees matter."),
        ("¡Claro! Aquí tienes el guion: Las abejas importan.", "Las abejas importan."),
        ("Por supuesto. Aquí está tu guión de 60 segundos:\n\nHola.", "Hola."),
        ("¡Con gusto! Las abejas importan.", "Las abejas importan."),
        ("Guion para un vídeo de 30 segundos:\n\nHola a todos.", "Hola a todos."),
    ],
)
def test_preambles_are_dropped(raw: str, clean: str) -> None:
    assert clean_script(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Bees matter.\n\nLet me know if you want a different tone!", "Bees matter."),
        ("Bees matter. I hope this helps.", "Bees matter."),
        ("Bees matter.\n\nWould you like me to make it shorter?", "Bees matter."),
        ("Bees matter.\n\nNote: this script runs about 30 seconds.", "Bees matter."),
        ("Las abejas importan.\n\n¿Quieres que lo haga más corto?", "Las abejas importan."),
        ("Las abejas importan. Espero que te sirva.", "Las abejas importan."),
        ("Las abejas importan.\n\nSi necesitas cambios, avísame.", "Las abejas importan."),
        ("Las abejas importan.\n\n(Duración estimada: 30 segundos)", "Las abejas importan."),
        ("Las abejas importan.\n\nPuedo ajustar el tono si lo prefieres.", "Las abejas importan."),
    ],
)
def test_trailing_offers_are_dropped(raw: str, clean: str) -> None:
    assert clean_script(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("[music] Hello there. [applause]", "Hello there."),
        ("Hello (pause) there.", "Hello there."),
        ("*clears throat* Hello.", "Hello."),
        ("Hola. (PAUSA LARGA) Adiós.", "Hola. Adiós."),
        ("Hola. *ríe* Adiós.", "Hola. Adiós."),
        ("[0:00] Hola.\n(0:05 - 0:10) Adiós.", "Hola. Adiós."),
        ("*Mira a la cámara*\nHola.", "Hola."),
        ("Narrator: Hello.\nNARRADORA: Hola.", "Hello. Hola."),
        ("**Presentador (voz en off):** Bienvenidos.", "Bienvenidos."),
        ("Speaker 1: Hi.\nVoz en off: Hola.", "Hi. Hola."),
        ("Intro: Bees matter.\nConclusión: Cuidémoslas.", "Bees matter. Cuidémoslas."),
    ],
)
def test_stage_directions_and_speaker_labels_are_removed(raw: str, clean: str) -> None:
    assert clean_script(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("## Intro\nHello **world**.", "Hello world."),
        ("Hello __big__ _world_.", "Hello big world."),
        ("> Quoted line.", "Quoted line."),
        ("Visit [our site](https://example.com).", "Visit our site."),
        ("Use `pip` daily.", "Use pip daily."),
        ("```\nHola.\n```", "Hola."),
        ("Hola 👋 mundo 🌍!", "Hola mundo!"),
        ("¡Hola! ✅ Listo ⭐️", "¡Hola! Listo"),
        ("Bees matter.\n\n#bees #nature", "Bees matter."),
        ("Love #bees today.", "Love bees today."),
        ("Hola<br>mundo.", "Hola mundo."),
        ("**Las abejas y tú**\n\nHola.", "Hola."),
        ("Title: Bees\nDuración: 30 segundos\n\nHola.", "Hola."),
        ('"Bees are amazing. They make honey."', "Bees are amazing. They make honey."),
        ("«Las abejas importan.»", "Las abejas importan."),
        ('"Hola", dijo. Adiós.', '"Hola", dijo. Adiós.'),
        ("a) Uno\nb) Dos", "Uno. Dos."),
        ("Hola ,  mundo .", "Hola, mundo."),
        ("Line one\nline two.\n\n\n\nNew paragraph.", "Line one line two.\n\nNew paragraph."),
    ],
)
def test_markdown_emojis_and_whitespace(raw: str, clean: str) -> None:
    assert clean_script(raw) == clean


@pytest.mark.parametrize(
    "text",
    [
        "Here is why bees matter. They pollinate (about 75%) of crops.",
        "Okay, let's talk about bees. They matter.",
        "Would you like to help? Plant flowers.",
        "¿Te gustaría saber más? Sigue mirando.",
        "La ONU (Naciones Unidas) lo confirma.",
        "Dato curioso: las abejas bailan.",
        "I hope you enjoyed this video.",
        "Son las 10:30 y hace 25 °C.",
    ],
)
def test_speech_that_looks_like_noise_is_kept(text: str) -> None:
    assert clean_script(text) == text


def test_reply_with_nothing_speakable_cleans_to_empty() -> None:
    assert clean_script("Sure! 🎉\n\n[music]\n\n---") == ""


def test_fit_to_budget_cuts_at_a_sentence_boundary_and_says_so() -> None:
    text = "Uno dos tres. Cuatro cinco seis siete.\n\nOcho nueve."
    assert fit_to_budget(text, 9) == (text, False)
    assert fit_to_budget(text, 8) == ("Uno dos tres. Cuatro cinco seis siete.", True)
    assert fit_to_budget(text, 5) == ("Uno dos tres.", True)


def test_fit_to_budget_cuts_a_single_long_sentence_at_a_word() -> None:
    text, cut = fit_to_budget("Uno, dos, tres, cuatro, cinco, seis.", 3)
    assert (text, cut) == ("Uno, dos, tres…", True)


def test_fit_to_budget_never_exceeds_the_limit_on_long_english_text() -> None:
    sentence = "Bees carry pollen from flower to flower every single day."
    text = " ".join([sentence] * 30)
    cut, truncated = fit_to_budget(text, 50)
    assert truncated
    assert count_words(cut) <= 50
    assert cut.endswith("day.")


def test_drop_unfinished_removes_a_half_sentence() -> None:
    assert drop_unfinished("Hola. Las abejas son") == ("Hola.", True)
    assert drop_unfinished("Hola.\n\nLas abejas son") == ("Hola.", True)
    assert drop_unfinished("Las abejas son") == ("Las abejas son…", True)
    assert drop_unfinished("Hola. Adiós.") == ("Hola. Adiós.", False)


QUOTED = '"Bees are amazing. They make honey."'


@pytest.mark.parametrize("size", [1, 3, 7, 20, 1000])
@pytest.mark.parametrize(
    ("raw", "clean"),
    [(MESSY_ES, CLEAN_ES), (MESSY_EN, CLEAN_EN), (QUOTED, "Bees are amazing. They make honey.")],
)
def test_live_view_shows_only_what_the_final_script_keeps(raw: str, clean: str, size: int) -> None:
    live = LiveCleaner(max_words=500)
    shown = "".join(live.feed(raw[i : i + size]) for i in range(0, len(raw), size))
    assert clean.startswith(shown)
    assert "Sure" not in shown and "Claro" not in shown and "**" not in shown
    rest = live.finish(clean)
    assert rest is not None
    assert shown + rest == clean


def test_live_view_respects_the_budget() -> None:
    raw = " ".join(f"Frase número {i}." for i in range(40))
    live = LiveCleaner(max_words=9)
    shown = "".join(live.feed(raw[i : i + 5]) for i in range(0, len(raw), 5))
    final, _ = fit_to_budget(clean_script(raw), 9)
    assert shown == final == "Frase número 0. Frase número 1. Frase número 2."


def test_live_view_reports_divergence() -> None:
    live = LiveCleaner(max_words=100)
    live.feed("Hola. ")
    assert live.finish("Otra cosa.") is None
    assert live.diverged
