"""Expression beyond the mouth, per frame: brows on stressed words, a smile in pauses, nods.

Why: a face that only moves its lips reads as a puppet. Speakers raise their brows on
the words they stress, relax into a small smile when they stop, and dip the head as a
sentence lands. All of it is seeded (which words get a brow raise, how deep each nod
is), so two videos differ while one request always gives the same frames.
"""

from __future__ import annotations

import numpy as np

from core.engines.local.types import WordTiming

SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
NOD_RISE, NOD_FALL = 0.22, 0.5  # s: the dip, then the slower return
BROW_MIN_GAP = 1.6  # s between two brow raises
SMILE_LEVEL = 0.8  # how far the smile goes in a pause


def _bump(times: np.ndarray, start: float, peak: float, end: float) -> np.ndarray:
    """0 → 1 → 0, smooth at both ends, peaking at ``peak``."""
    up = np.clip((times - start) / max(1e-3, peak - start), 0.0, 1.0)
    down = np.clip((end - times) / max(1e-3, end - peak), 0.0, 1.0)
    ramp = np.minimum(up, down)
    return ramp * ramp * (3.0 - 2.0 * ramp)


def sentence_ends(words: list[WordTiming], pauses: list[float]) -> list[float]:
    """When sentences end: words ending in . ! ? (or, without words, long pauses)."""
    if words:
        return [w.end for w in words if w.text.rstrip("\"'»”)").endswith(SENTENCE_END)]
    return pauses


def nod_track(times: np.ndarray, ends: list[float], rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(len(times))
    for end in ends:
        depth = float(rng.uniform(0.55, 1.0))
        peak = end + float(rng.uniform(0.0, 0.08))
        out = np.maximum(out, depth * _bump(times, peak - NOD_RISE, peak, peak + NOD_FALL))
    out[out < 0.01] = 0.0
    return out


def brow_track(times: np.ndarray, words: list[WordTiming], rng: np.random.Generator) -> np.ndarray:
    """Brows rise on some long (content) words and on the last word of a question."""
    out = np.zeros(len(times))
    last = -BROW_MIN_GAP
    for w in words:
        letters = sum(ch.isalpha() for ch in w.text)
        question = w.text.rstrip("\"'»”)").endswith(("?", "？"))
        chance = 0.55 if letters >= 7 else 0.18 if letters >= 4 else 0.0
        if not question and (w.start - last < BROW_MIN_GAP or rng.random() >= chance):
            continue
        height = float(rng.uniform(0.5, 1.0))
        end = max(w.end, w.start + 0.25)
        out = np.maximum(out, height * _bump(times, w.start - 0.12, w.start + 0.06, end + 0.25))
        last = w.start
    out[out < 0.01] = 0.0
    return out


def smile_track(speaking: np.ndarray) -> np.ndarray:
    """A small closed-mouth smile whenever the presenter is not talking."""
    out = SMILE_LEVEL * np.clip(1.0 - speaking, 0.0, 1.0)
    out[out < 0.02] = 0.0
    return out
