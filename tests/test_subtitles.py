from __future__ import annotations

import itertools
import re

from core.subtitles import (
    MAX_LINE,
    TimedWord,
    cues_from_words,
    to_srt,
    to_vtt,
    words_by_length,
    wrap,
)


def timed(text: str, start: float = 0.0, per_word: float = 0.3) -> list[TimedWord]:
    words = []
    t = start
    for token in text.split():
        words.append(TimedWord(token, t, t + per_word * 0.8))
        t += per_word
    return words


SPANISH = (
    "Hola a todos, bienvenidos a esta clase sobre el ciclo del agua. "
    "Hoy veremos cómo el agua se evapora, se condensa en las nubes y vuelve a caer como lluvia "
    "sobre los ríos, los lagos y los océanos de todo el planeta. ¿Listos? ¡Empecemos!"
)


def test_every_cue_has_at_most_two_lines_of_42_characters() -> None:
    cues = cues_from_words(timed(SPANISH))
    assert cues
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(len(line) <= MAX_LINE for line in cue.lines)


def test_cues_keep_every_word_in_order() -> None:
    cues = cues_from_words(timed(SPANISH))
    rebuilt = " ".join(" ".join(c.lines) for c in cues)
    assert rebuilt.split() == SPANISH.split()


def test_a_cue_never_spans_two_sentences() -> None:
    for cue in cues_from_words(timed(SPANISH)):
        text = " ".join(cue.lines)
        # sentence-ending punctuation may only appear at the very end of a cue
        assert not re.search(r"[.!?]\s+\S", text), text


def test_long_sentence_is_cut_at_a_phrase_boundary() -> None:
    cues = cues_from_words(timed(SPANISH))
    second = " ".join(cues[1].lines)
    assert second.endswith(","), second  # "Hoy veremos cómo el agua se evapora,"


def test_cue_times_follow_the_words_and_never_overlap() -> None:
    words = timed(SPANISH, start=0.5)
    cues = cues_from_words(words)
    assert cues[0].start == words[0].start
    for a, b in itertools.pairwise(cues):
        assert a.start < a.end <= b.start
    assert cues[-1].end >= words[-1].end


def test_a_single_very_long_phrase_is_split_between_words() -> None:
    text = " ".join(["palabra"] * 40)
    cues = cues_from_words(timed(text))
    assert len(cues) >= 3
    assert all(len(line) <= MAX_LINE for c in cues for line in c.lines)


def test_wrap_balances_two_lines_and_refuses_what_does_not_fit() -> None:
    lines = wrap(
        ["uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"]
    )
    assert lines is not None and len(lines) == 2
    assert abs(len(lines[0]) - len(lines[1])) <= 8
    assert wrap(["x" * 50]) is None


def test_srt_and_vtt_formats() -> None:
    cues = cues_from_words(timed("Hola. Adiós.", start=61.25))
    srt = to_srt(cues)
    assert srt.startswith("1\n00:01:01,250 --> ")
    assert "\n\n2\n" in srt
    vtt = to_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n00:01:01.250 --> ")
    assert "Adiós." in vtt


def test_words_by_length_spans_the_interval_with_pauses_at_punctuation() -> None:
    words = words_by_length("Uno dos. Tres cuatro cinco.", 1.0, 6.0)
    assert [w.text for w in words] == ["Uno", "dos.", "Tres", "cuatro", "cinco."]
    assert words[0].start == 1.0 and words[-1].end <= 6.0
    assert all(a.end <= b.start for a, b in itertools.pairwise(words))
    assert words_by_length("", 0, 5) == [] and words_by_length("hola", 3, 3) == []
