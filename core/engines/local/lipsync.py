"""Phone timings → one ``FrameState`` per video frame: mouth, blinks and head motion.

Why it works this way:

* Mouths coarticulate: the lips are already on their way to the next sound. So each
  phone sets a *target* pose at its centre (held for long phones), the targets are
  joined linearly on a fine time grid and low-passed with a short Gaussian. A low-pass
  cannot flicker between two shapes from frame to frame, however fast the phones come.
* Smoothing would round off short closures, and a /m/ whose lips never meet looks
  wrong at once. So after smoothing, m/b/p (and, a little less, f/v) are pulled back to
  their pose on the frame nearest their centre, with eased neighbours.
* Pauses longer than ``PAUSE_GAP`` relax to the closed mouth; so do the lead-in and
  tail.
* Faces that never blink or move look dead. Blinks come every 2–6 s (irregular but
  seeded, so renders are reproducible), close faster than they open and always reach
  full closure on one frame. The head drifts on a few slow sines with random phases,
  with a little extra nodding while speaking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from core.engines.local import expressions
from core.engines.local.types import FrameState, MouthPose, Phone, WordTiming
from core.engines.local.visemes import VISEME_POSES, Viseme, viseme_for

POSE_FIELDS = ("open", "wide", "round", "press", "teeth_on_lip")
PAUSE_GAP = 0.15  # s: longer silences between phones relax the mouth to REST
BLINK_INTERVAL = (2.0, 6.0)  # s between the starts of two blinks
BLINK_DURATION = (0.15, 0.25)  # s, closing + opening

_GRID_HZ = 200.0  # fine time grid for the mouth curve
_SMOOTH_SIGMA = 0.03  # s: Gaussian that joins the targets (coarticulation)
_RELEASE = 0.07  # s: time the lips take to settle into REST around a pause
_HOLD_FROM = 0.12  # s: phones longer than this hold their target instead of peaking


@dataclass(frozen=True)
class _Reach:
    """A viseme that must be visibly reached: peak weight on its frame, then neighbours."""

    weights: tuple[float, ...]  # centre, ±1 frame, ±2 frames


_MUST_REACH: dict[Viseme, _Reach] = {
    Viseme.PRESS: _Reach((1.0, 0.55, 0.15)),
    Viseme.LIP_TEETH: _Reach((0.9, 0.45, 0.1)),
}


@dataclass(frozen=True)
class _Blink:
    peak: float  # s, always on a frame time
    close: float  # s from open to closed
    reopen: float  # s from closed to open


def timeline(
    phones: list[Phone],
    duration: float,
    fps: int = 25,
    seed: int = 0,
    words: list[WordTiming] | None = None,
) -> list[FrameState]:
    """One ``FrameState`` per frame, ``ceil(duration * fps)`` of them, deterministic.

    ``seed`` varies everything that is not the speech (blinks, head motion, which words
    raise the brows, how deep a nod is): the engine passes one derived from the render's
    cache key. ``words`` (with their punctuation) place the nods at sentence ends.
    """
    n = max(0, math.ceil(duration * fps))
    if n == 0:
        return []
    times = np.arange(n, dtype=np.float64) / fps
    ordered = _clean(phones)
    mouth = _mouth_track(ordered, times, duration, fps)
    blink_rng, head_rng, brow_rng, nod_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    blink = _blink_track(times, duration, fps, blink_rng)
    speaking = _speaking(ordered, times, fps)
    head = _head_track(times, speaking, head_rng)
    words = sorted(words or [], key=lambda w: w.start)
    brows = expressions.brow_track(times, words, brow_rng)
    smile = expressions.smile_track(speaking)
    nod = expressions.nod_track(
        times, expressions.sentence_ends(words, _long_pauses(ordered)), nod_rng
    )
    return [
        FrameState(
            mouth=MouthPose(*(float(v) for v in mouth[i])),
            blink=float(blink[i]),
            head_dx=float(head[i, 0]),
            head_dy=float(head[i, 1]),
            head_angle=float(head[i, 2]),
            brows=float(brows[i]),
            smile=float(smile[i]),
            nod=float(nod[i]),
        )
        for i in range(n)
    ]


def _long_pauses(phones: list[Phone], gap: float = 0.45) -> list[float]:
    """Ends of speech followed by a pause of ``gap`` s or more (and the very last phone)."""
    ends = [a.end for a, b in pairwise(phones) if b.start - a.end >= gap]
    return ends + ([phones[-1].end] if phones else [])


def _clean(phones: list[Phone]) -> list[Phone]:
    """Phones sorted by start, each at least 10 ms long (timings from engines can be 0)."""
    out = []
    for p in sorted(phones, key=lambda p: p.start):
        start = max(0.0, p.start)
        out.append(Phone(p.symbol, start, max(p.end, start + 0.01)))
    return out


def _vec(pose: MouthPose) -> np.ndarray:
    return np.array([getattr(pose, f) for f in POSE_FIELDS], dtype=np.float64)


def _keyframes(phones: list[Phone], duration: float) -> tuple[np.ndarray, np.ndarray]:
    """Target (time, pose) pairs: phone targets plus REST around pauses and the ends."""
    rest = _vec(VISEME_POSES[Viseme.REST])
    kt: list[float] = [0.0]
    kv: list[np.ndarray] = [rest]
    prev_end: float | None = None
    for p in phones:
        if prev_end is None:
            kt.append(p.start - _RELEASE)
            kv.append(rest)
        elif p.start - prev_end > PAUSE_GAP:
            kt += [prev_end + _RELEASE, p.start - _RELEASE]
            kv += [rest, rest]
        target = _vec(VISEME_POSES[viseme_for(p.symbol)])
        dur = p.end - p.start
        if dur > _HOLD_FROM:
            edge = min(0.35 * dur, 0.06)
            kt += [p.start + edge, p.end - edge]
            kv += [target, target]
        else:
            kt.append(0.5 * (p.start + p.end))
            kv.append(target)
        prev_end = p.end
    if prev_end is not None:
        kt.append(prev_end + _RELEASE)
        kv.append(rest)
    kt.append(max(duration, kt[-1]) + 1.0)
    kv.append(rest)
    t = np.array(kt)
    # np.interp needs increasing times; overlapping phones are nudged apart.
    t = np.maximum.accumulate(t) + np.arange(len(t)) * 1e-6
    return t, np.stack(kv)


def _gaussian(sigma_samples: float) -> np.ndarray:
    radius = max(1, math.ceil(3 * sigma_samples))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    k = np.exp(-0.5 * (x / sigma_samples) ** 2)
    return k / k.sum()


def _mouth_track(phones: list[Phone], times: np.ndarray, duration: float, fps: int) -> np.ndarray:
    """(frames, 5) pose values: smoothed targets, then must-reach closures."""
    n = len(times)
    if not phones:
        return np.zeros((n, len(POSE_FIELDS)))
    kt, kv = _keyframes(phones, duration)
    kernel = _gaussian(_SMOOTH_SIGMA * _GRID_HZ)
    pad = len(kernel)
    grid = (np.arange(int(duration * _GRID_HZ) + 2 * pad) - pad) / _GRID_HZ
    out = np.empty((n, len(POSE_FIELDS)))
    for c in range(len(POSE_FIELDS)):
        curve = np.interp(grid, kt, kv[:, c])
        smooth = np.convolve(curve, kernel, mode="same")
        out[:, c] = np.interp(times, grid, smooth)
    for vis, reach in _MUST_REACH.items():
        weight = np.zeros(n)
        for p in phones:
            if viseme_for(p.symbol) is not vis:
                continue
            k = min(n - 1, max(0, round(0.5 * (p.start + p.end) * fps)))
            for d, w in enumerate(reach.weights):
                for j in {k - d, k + d}:
                    if 0 <= j < n:
                        weight[j] = max(weight[j], w)
        target = _vec(VISEME_POSES[vis])
        out += weight[:, None] * (target[None, :] - out)
    out[out < 0.01] = 0.0
    return np.clip(out, 0.0, 1.0)


def _blink_events(duration: float, fps: int, rng: np.random.Generator) -> list[_Blink]:
    """Irregular blinks: first within 0.6–2.5 s, then every 2–6 s, skewed to shorter gaps."""
    events: list[_Blink] = []
    start = float(rng.uniform(0.6, 2.5))
    low, high = BLINK_INTERVAL
    while start < duration:
        total = float(rng.uniform(*BLINK_DURATION))
        close = total * float(rng.uniform(0.3, 0.4))
        peak = round((start + close) * fps) / fps
        events.append(_Blink(peak=peak, close=close, reopen=total - close))
        start += low + (high - low) * float(rng.beta(1.6, 2.0))
    return events


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def _blink_track(
    times: np.ndarray, duration: float, fps: int, rng: np.random.Generator
) -> np.ndarray:
    out = np.zeros(len(times))
    for b in _blink_events(duration, fps, rng):
        closing = _smoothstep((times - (b.peak - b.close)) / b.close)
        opening = _smoothstep(1.0 - (times - b.peak) / b.reopen)
        value = np.where(times <= b.peak, closing, opening)
        value[np.abs(times - b.peak) < 0.5 / fps] = 1.0
        out = np.maximum(out, value)
    out[out < 0.02] = 0.0
    return out


def _speaking(phones: list[Phone], times: np.ndarray, fps: int) -> np.ndarray:
    """0..1 envelope of 'is talking', smoothed over ~0.25 s, for livelier head motion."""
    on = np.zeros(len(times))
    for p in phones:
        on[(times >= p.start - PAUSE_GAP / 2) & (times <= p.end + PAUSE_GAP / 2)] = 1.0
    kernel = _gaussian(0.25 * fps)
    padded = np.pad(on, len(kernel), mode="edge")
    return np.convolve(padded, kernel, mode="same")[len(kernel) : -len(kernel)]


def _sines(
    times: np.ndarray, rng: np.random.Generator, amp: float, freqs: tuple[float, float], count: int
) -> np.ndarray:
    """Smooth noise: ``count`` sines of random frequency and phase, peak sum ``amp``."""
    f = rng.uniform(*freqs, size=count)
    phase = rng.uniform(0, 2 * math.pi, size=count)
    weights = rng.uniform(0.5, 1.0, size=count)
    weights *= amp / weights.sum()
    return (weights[None, :] * np.sin(2 * math.pi * f[None, :] * times[:, None] + phase)).sum(1)


def _head_track(times: np.ndarray, speaking: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(frames, 3): dx, dy in px at 512, angle in degrees; small, smooth, never frozen."""
    idle = ((2.5, 3), (1.5, 3), (1.0, 3))  # (amplitude, number of sines) for dx, dy, angle
    talk = (1.0, 1.3, 0.6)  # extra nodding / turning while speaking
    out = np.empty((len(times), 3))
    for c, (amp, count) in enumerate(idle):
        drift = _sines(times, rng, amp, (0.06, 0.35), count)
        nod = _sines(times, rng, talk[c], (0.5, 1.3), 2)
        out[:, c] = drift + speaking * nod
    out[:, 2] = np.clip(out[:, 2], -2.0, 2.0)
    return out
