"""Data shared by the offline engine's parts: speech timings, mouth poses, frame states.

speech.py produces ``Speech``; lipsync.py turns its phones into a ``FrameState`` per
video frame; a ``Presenter`` (illustrated.py or photo.py) draws each state as pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Phone:
    """One phoneme, in IPA (as espeak-ng / Piper print it), spoken from ``start`` to ``end`` s."""

    symbol: str
    start: float
    end: float


@dataclass(frozen=True)
class WordTiming:
    text: str  # the word as written in the script (with its punctuation)
    start: float
    end: float


@dataclass
class Speech:
    """Synthesised speech. Silences are gaps: no Phone covers a pause."""

    audio: np.ndarray  # float32, mono, -1..1
    sample_rate: int
    phones: list[Phone] = field(default_factory=list)
    words: list[WordTiming] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.audio) / float(self.sample_rate)


@dataclass(frozen=True)
class MouthPose:
    """How the mouth looks, each value 0..1. All zeros is the closed, relaxed mouth at rest."""

    open: float = 0.0  # jaw / lips apart vertically ("a")
    wide: float = 0.0  # lips stretched sideways ("i", "e")
    round: float = 0.0  # lips rounded and pushed forward ("o", "u", "w")
    press: float = 0.0  # lips pressed together (m, b, p)
    teeth_on_lip: float = 0.0  # upper teeth on the lower lip (f, v)


@dataclass(frozen=True)
class FrameState:
    """Everything that moves in one frame."""

    mouth: MouthPose = MouthPose()
    blink: float = 0.0  # 0 eyes open .. 1 closed
    head_dx: float = 0.0  # 1/512 of the presenter's head-and-shoulders height, + = right
    head_dy: float = 0.0  # same unit, + = down
    head_angle: float = 0.0  # degrees, positive = counter-clockwise
    brows: float = 0.0  # -1 knitted .. 0 relaxed .. 1 raised (a stressed word)
    smile: float = 0.0  # 0..1 a small closed-mouth smile (pauses)
    nod: float = 0.0  # 0..1 the head dips forward (the end of a sentence)


REST = FrameState()


class Presenter(Protocol):
    """Draws a presenter, framed head-and-shoulders in a ``width``×``height`` canvas.

    Any canvas shape works (square, 16:9, 9:16, a narrow column, a bubble's square): the
    presenter frames itself in it. ``render`` must be fast (a few ms): it runs per frame.
    """

    width: int
    height: int
    has_alpha: bool  # True: render() gives straight RGBA with a clean mask; False: opaque RGB
    face_box: tuple[int, int, int, int]  # x, y, w, h of the face (brow to chin) at rest, px
    # x, y, w, h: outside this box every frame equals render(REST), so a compositor can put
    # the rest on its background once and redo only this box per frame.
    moving_box: tuple[int, int, int, int]

    def render(self, state: FrameState) -> np.ndarray:
        """Shape (height, width, 4 if has_alpha else 3), dtype uint8, C-contiguous."""
        ...
