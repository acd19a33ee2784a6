"""Expression beyond the mouth: nods at sentence ends, smiles in pauses, brows on stressed words."""

from __future__ import annotations

import numpy as np

from core.engines.local.lipsync import timeline
from core.engines.local.types import Phone, WordTiming

FPS = 25


def _speech(words: list[tuple[str, float, float]]) -> tuple[list[Phone], list[WordTiming]]:
    """Each word spoken as a run of 'a' phones over its time."""
    phones, timings = [], []
    for text, start, end in words:
        timings.append(WordTiming(text, start, end))
        t = start
        while t < end - 1e-6:
            phones.append(Phone("a", t, min(end, t + 0.08)))
            t += 0.08
    return phones, timings


WORDS = [
    ("Hola", 0.3, 0.6),
    ("a", 0.62, 0.7),
    ("todos.", 0.72, 1.2),
    ("Hoy", 2.2, 2.45),
    ("estudiaremos", 2.5, 3.3),
    ("fotosíntesis", 3.35, 4.2),
    ("juntos.", 4.25, 4.8),
]


def _frame(t: float) -> int:
    return round(t * FPS)


def test_the_head_nods_just_after_each_sentence_ends() -> None:
    phones, words = _speech(WORDS)
    states = timeline(phones, 6.5, fps=FPS, seed=1, words=words)
    nod = np.array([s.nod for s in states])
    for end in (1.2, 4.8):
        window = nod[_frame(end - 0.1) : _frame(end + 0.4)]
        assert window.max() > 0.5
    assert nod[: _frame(0.9)].max() == 0.0  # not in the middle of the first sentence
    assert nod[_frame(2.4) : _frame(4.3)].max() == 0.0
    # smooth: no jump of more than a third of a nod from one frame to the next
    assert np.abs(np.diff(nod)).max() < 0.34


def test_a_small_smile_in_pauses_none_while_talking() -> None:
    phones, words = _speech(WORDS)
    states = timeline(phones, 6.5, fps=FPS, seed=1, words=words)
    smile = np.array([s.smile for s in states])
    assert smile[_frame(1.7)] > 0.5  # the pause between the sentences
    assert smile[_frame(6.2)] > 0.5  # after the last word
    assert smile[_frame(3.0)] < 0.1  # mid-sentence


def test_brows_rise_on_some_long_words_and_the_choice_is_seeded() -> None:
    phones, words = _speech(WORDS)
    raised = []
    for seed in range(6):
        states = timeline(phones, 6.5, fps=FPS, seed=seed, words=words)
        brows = np.array([s.brows for s in states])
        assert brows.min() >= 0.0 and brows.max() <= 1.0
        raised.append(tuple(np.flatnonzero(brows > 0.3)))
        again = timeline(phones, 6.5, fps=FPS, seed=seed, words=words)
        assert [s.brows for s in again] == list(brows)
    assert any(raised) and len(set(raised)) > 1  # some seeds raise them, not all alike


def test_a_question_raises_the_brows_on_its_last_word() -> None:
    phones, words = _speech([("¿Vienes", 0.3, 0.8), ("mañana?", 0.85, 1.5)])
    for seed in range(4):
        states = timeline(phones, 2.5, fps=FPS, seed=seed, words=words)
        assert max(s.brows for s in states[_frame(0.8) : _frame(1.6)]) > 0.4


def test_without_words_long_pauses_still_bring_nods() -> None:
    phones, _ = _speech(WORDS)
    states = timeline(phones, 6.5, fps=FPS, seed=2)
    nod = np.array([s.nod for s in states])
    assert nod[_frame(1.1) : _frame(1.7)].max() > 0.5  # the pause after "todos"
    assert all(s.brows == 0.0 for s in states)
