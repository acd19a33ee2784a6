"""The VideoEngine seam: what every engine (offline, D-ID, test fakes) provides.

An engine turns a plan into a ``Clip``: the talking presenter (frames streamed on demand)
and the speech with its word timings. It never writes the final video: the composer
(core.compose) lays the clip out in the chosen format and layout, adds the background,
slides, captions and music, and encodes the MP4, subtitles and thumbnail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

# The files the composer writes into a video's folder (defined with the models).
from core.models import SRT_FILE as SRT_FILE
from core.models import THUMB_FILE as THUMB_FILE
from core.models import VIDEO_FILE as VIDEO_FILE
from core.models import VTT_FILE as VTT_FILE
from core.models import Avatar, ProgressFn, RenderRequest, Voice
from core.subtitles import TimedWord

MEDIA_FILES = (VIDEO_FILE, SRT_FILE, VTT_FILE, THUMB_FILE)


@dataclass(frozen=True)
class RenderPlan:
    """A validated request: the voice and avatar are resolved, defaults filled in."""

    request: RenderRequest
    voice: Voice
    avatar: Avatar
    avatar_digest: str  # identifies the avatar's pixels (hash of photo bytes, or builtin+version)
    # The presenter's canvas (width, height) the composer asks for: the engine draws (or
    # asks for) the presenter at this size. None: no presenter is shown (the "voice" layout).
    canvas: tuple[int, int] | None = (512, 512)


@dataclass
class Clip:
    """A talking presenter: what an engine hands to the composer.

    ``frames()`` starts a fresh stream of ``n_frames`` arrays (height, width, 4) RGBA when
    ``has_alpha`` else (height, width, 3) RGB, uint8, C-contiguous; call it once per pass,
    never keep the frames. With no picture (``frames`` is None: the voice layout) only the
    audio and words are used. ``face_box`` is (x, y, w, h) of the face at rest in the clip's
    pixels (brow to chin); the composer frames and crops by it. ``still`` is a frame at rest
    (for a ``blur`` background and previews).
    """

    fps: int
    n_frames: int
    width: int
    height: int
    audio: np.ndarray  # float32 mono, -1..1
    sample_rate: int
    words: list[TimedWord]  # each word as written in the script, in seconds
    frames: Callable[[], Iterator[np.ndarray]] | None = None
    face_box: tuple[int, int, int, int] = (0, 0, 0, 0)
    # Outside this (x, y, w, h) every frame equals ``still``; None: anything may move.
    moving_box: tuple[int, int, int, int] | None = None
    has_alpha: bool = False
    still: np.ndarray | None = None
    # The presenter's own background at a (width, height), for a plain video (no background
    # chosen, full layout), e.g. an illustrated presenter's room; None: use the theme.
    backdrop: Callable[[int, int], np.ndarray | None] | None = None
    progress_done: float = 0.1  # how far the overall progress got before composing
    reused: bool = False  # made from provider work paid for before: no new charge, not metered
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared by the engine itself (callers never probe it)."""

    credits: bool = False  # ``credits()`` reports the provider account's balance
    metered: bool = False  # every render spends money: daily-capped per user (core.usage)
    seconds_per_credit: float = 0.0  # billing: one credit per started block of this many s
    pitch: bool = False  # RenderRequest.pitch changes the voice
    network_voices: bool = False  # listing voices asks the provider (slow, may fail)
    voice_previews: bool = False  # a voice can be heard before rendering (offline samples)
    resumable: bool = False  # a render interrupted by a restart resumes from its journal
    sizes: tuple[int, ...] = (512,)  # frame sizes it renders best, the first one by default
    cutouts: bool = False  # clips of illustrated presenters carry alpha (cut-outs, any canvas)

    def shows_cutout(self, avatar_kind: str) -> bool:
        """Whether a presenter of this kind comes as a cut-out (alpha) from this engine."""
        return self.cutouts and avatar_kind == "illustrated"


class Journal(Protocol):
    """Durable notes for one render, kept across process restarts.

    The resume token is the engine's opaque handle on work it started at its provider (and
    paid for): saved as soon as that work exists, read back after a restart to resume it
    instead of starting (and paying) again, and dropped by an explicit ``refund`` when the
    provider failed the work and gave its cost back. Core keeps and meters the token but
    never looks inside it. ``get``/``set`` keep any other note the engine needs.
    """

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def resume_token(self) -> str | None: ...

    def save_resume_token(self, token: str) -> None: ...

    def refund(self) -> None: ...


class MemoryJournal:
    def __init__(self) -> None:
        self.notes: dict[str, str] = {}
        self.token: str | None = None

    def get(self, name: str) -> str | None:
        return self.notes.get(name)

    def set(self, name: str, value: str) -> None:
        self.notes[name] = value

    def resume_token(self) -> str | None:
        return self.token

    def save_resume_token(self, token: str) -> None:
        self.token = token

    def refund(self) -> None:
        self.token = None


class VideoEngine(Protocol):
    id: str
    version: str  # part of every cache key: bump when the output changes
    capabilities: Capabilities

    def credits(self) -> dict[str, Any]:
        """The provider's balance (``remaining``, ``total``); only when ``capabilities.credits``
        (otherwise ConfigError)."""
        ...

    def voices(self, language: str | None = None) -> list[Voice]: ...

    def plan(self, request: RenderRequest, avatar: Avatar, avatar_digest: str) -> RenderPlan:
        """Validate and resolve (voice exists and speaks the language…); raise InputError."""
        ...

    def cache_parts(self, plan: RenderPlan) -> dict[str, Any]:
        """Everything besides the engine version that changes the output. Never a secret."""
        ...

    def render(
        self, plan: RenderPlan, workdir: Path, on_progress: ProgressFn, journal: Journal
    ) -> Clip:
        """The talking presenter at ``plan.canvas`` and its speech. ``workdir`` is scratch
        space (it becomes the video's folder: leave nothing there but what is asked)."""
        ...
