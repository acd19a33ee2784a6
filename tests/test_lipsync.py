"""Lip-sync timelines: length, rest in pauses, closures, smoothness, blinks, head motion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.engines.local.lipsync import timeline
from core.engines.local.types import FrameState, Phone


def _word(symbols: str, start: float, each: float = 0.08) -> list[Phone]:
    return [
        Phone(s, start + i * each, start + (i + 1) * each) for i, s in enumerate(symbols.split())
    ]


def _open(states: list[FrameState]) -> np.ndarray:
    return np.array([s.mouth.open for s in states])


def _at_rest(state: FrameState) -> bool:
    m = state.mouth
    return max(m.open, m.wide, m.round, m.press, m.teeth_on_lip) < 0.02


@pytest.mark.parametrize(("duration", "fps"), [(1.0, 25), (2.03, 30), (0.01, 25), (3.999, 24)])
def test_one_state_per_frame(duration: float, fps: int) -> None:
    states = timeline(_word("o l a", 0.1), duration, fps=fps)
    assert len(states) == math.ceil(duration * fps)
    assert all(isinstance(s, FrameState) for s in states)


def test_zero_duration_is_empty() -> None:
    assert timeline([], 0.0) == []


def test_rest_before_after_and_in_long_pauses() -> None:
    phones = _word("o l a", 0.6) + _word("m u n d o", 2.0)  # pause 0.84 → 2.0
    states = timeline(phones, 3.5, fps=25)
    assert all(_at_rest(s) for s in states[: int(0.45 * 25)])
    assert all(_at_rest(s) for s in states[int(1.2 * 25) : int(1.8 * 25)])
    assert all(_at_rest(s) for s in states[int(2.6 * 25) :])
    assert not all(_at_rest(s) for s in states[int(0.6 * 25) : int(0.84 * 25)])


def test_no_phones_means_a_closed_mouth() -> None:
    assert all(_at_rest(s) for s in timeline([], 2.0))


@pytest.mark.parametrize("offset", [0.0, 0.013, 0.021, 0.033])
@pytest.mark.parametrize("fps", [25, 30])
def test_short_m_closes_the_lips(offset: float, fps: int) -> None:
    start = 0.5 + offset
    phones = [
        Phone("a", start, start + 0.12),
        Phone("m", start + 0.12, start + 0.15),
        Phone("a", start + 0.15, start + 0.3),
    ]
    states = timeline(phones, 1.0, fps=fps)
    closed = [s for s in states if s.mouth.press >= 0.99 and s.mouth.open <= 0.01]
    assert closed, "the lips never met for /m/"


def test_long_vowel_is_open() -> None:
    states = timeline([Phone("ˈaː", 0.5, 0.9)], 1.5, fps=25)
    assert max(s.mouth.open for s in states) > 0.9


def test_no_flicker_even_with_very_fast_phones() -> None:
    phones = [Phone("a" if i % 2 else "i", 0.3 + i * 0.04, 0.34 + i * 0.04) for i in range(40)]
    for fps in (25, 30):
        values = _open(timeline(phones, 2.5, fps=fps))
        steps = np.diff(values)
        assert np.abs(steps).max() < 0.35
        # A-B-A flicker: up then straight down again (or the reverse) by a visible amount
        flips = (steps[:-1] * steps[1:] < 0) & (np.minimum(abs(steps[:-1]), abs(steps[1:])) > 0.1)
        assert not flips.any()


def test_ordinary_speech_changes_smoothly() -> None:
    phones = _word("ˈo l a ˈm u n d o e s t o ˈe s u n a p ɾ u e β a", 0.4, each=0.075)
    values = _open(timeline(phones, 3.0, fps=25))
    assert np.abs(np.diff(values)).max() <= 0.7


def _blink_peaks(states: list[FrameState]) -> list[int]:
    b = np.array([s.blink for s in states])
    return [i for i in range(len(b)) if b[i] == 1.0 and (i == 0 or b[i - 1] < 1.0)]


def test_blinks_are_irregular_natural_and_seeded() -> None:
    fps = 25
    states = timeline(_word("o l a", 1.0), 60.0, fps=fps, seed=3)
    peaks = _blink_peaks(states)
    gaps = np.diff(peaks) / fps
    assert 9 <= len(peaks) <= 31
    assert gaps.min() >= 1.9 and gaps.max() <= 6.3
    assert gaps.std() > 0.3  # irregular, not a metronome
    blink = np.array([s.blink for s in states])
    for p in peaks[:-1]:
        before = sum(1 for i in range(p - 10, p) if blink[i] > 0)
        after = sum(1 for i in range(p + 1, p + 11) if blink[i] > 0)
        assert 1 <= before < after  # closing faster than opening
        assert (before + after + 1) / fps <= 0.33
    again = timeline(_word("o l a", 1.0), 60.0, fps=fps, seed=3)
    assert _blink_peaks(again) == peaks
    assert _blink_peaks(timeline(_word("o l a", 1.0), 60.0, fps=fps, seed=4)) != peaks


def test_same_inputs_same_timeline() -> None:
    phones = _word("o l a m u n d o", 0.5)
    assert timeline(phones, 4.0, seed=7) == timeline(phones, 4.0, seed=7)


def test_head_moves_a_little_and_smoothly() -> None:
    states = timeline(_word("o l a m u n d o", 0.5), 20.0, fps=25, seed=1)
    dx = np.array([s.head_dx for s in states])
    dy = np.array([s.head_dy for s in states])
    angle = np.array([s.head_angle for s in states])
    for track, limit in ((dx, 6.0), (dy, 6.0), (angle, 2.0)):
        assert np.abs(track).max() <= limit
        assert track.std() > 0.1  # never frozen
        assert np.abs(np.diff(track)).max() < 0.6  # no jumps
