"""The VideoEngine seam: what every engine (offline, D-ID, test fakes) provides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# The files an engine writes into the work folder it is given (defined with the models).
from core.models import SRT_FILE as SRT_FILE
from core.models import THUMB_FILE as THUMB_FILE
from core.models import VIDEO_FILE as VIDEO_FILE
from core.models import VTT_FILE as VTT_FILE
from core.models import Avatar, ProgressFn, RenderRequest, Voice


@dataclass(frozen=True)
class RenderPlan:
    """A validated request: the voice and avatar are resolved, defaults filled in."""

    request: RenderRequest
    voice: Voice
    avatar: Avatar
    avatar_digest: str  # identifies the avatar's pixels (hash of photo bytes, or builtin+version)


@dataclass
class RenderOutput:
    duration_s: float
    extra: dict[str, Any] = field(default_factory=dict)


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
    ) -> RenderOutput:
        """Write VIDEO_FILE, SRT_FILE, VTT_FILE and THUMB_FILE into ``workdir``."""
        ...
