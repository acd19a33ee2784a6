"""The VideoEngine seam: what every engine (offline, D-ID, test fakes) provides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from core.models import Avatar, ProgressFn, RenderRequest, Voice

# The files an engine writes into the work folder it is given.
VIDEO_FILE = "video.mp4"
SRT_FILE = "subtitles.srt"
VTT_FILE = "subtitles.vtt"
THUMB_FILE = "thumbnail.jpg"


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


class Journal(Protocol):
    """Durable notes for one render (e.g. D-ID's talk id), kept across process restarts."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


class MemoryJournal:
    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.notes.get(name)

    def set(self, name: str, value: str) -> None:
        self.notes[name] = value


class VideoEngine(Protocol):
    id: str
    version: str  # part of every cache key: bump when the output changes

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
