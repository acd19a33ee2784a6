"""Plain dataclasses shared by every layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from core.messages import Msg, known, render

AvatarKind = Literal["illustrated", "photo"]

# The files of one video: what an engine writes into its work folder, what the library keeps.
VIDEO_FILE = "video.mp4"
SRT_FILE = "subtitles.srt"
VTT_FILE = "subtitles.vtt"
THUMB_FILE = "thumbnail.jpg"


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    language: str  # BCP-47-ish code: "es", "es-419", "en-US"
    gender: str  # "female" | "male" | "neutral"
    engine: str  # "local" | "did"

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Avatar:
    id: str
    name: str
    kind: AvatarKind
    path: Path | None = None  # the photo on disk, for kind == "photo"
    role: str = ""  # built-ins: a key the interface translates ("teacher"), not a sentence

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class Look:
    """How the final picture is laid out: everything the composer (core.compose) needs.

    Checked by ``core.compose.check_look``; ``format``/``resolution`` give the frame
    ("16:9" at 720 is 1280×720). Paths name files on this machine (uploads are saved first).
    """

    format: str = "16:9"  # "16:9" | "9:16" | "1:1"
    resolution: int = 720  # the short side: 720 | 1080 (any even 256–1080 for the old --size)
    layout: str = ""  # "full" | "side" | "corner" | "voice"; "": corner with slides, else full
    background: str = ""  # a theme id, "blur", or an image path; "": the default theme
    slides: tuple[str, ...] = ()  # one PDF, or images, one per scene
    captions: str = "none"  # "none" | "burn"
    caption_style: str = "box"  # "box" (translucent box) | "outline"
    music: str = ""  # an audio file, ducked under the voice
    title: str = ""  # a title card shown for the first 2 s

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["slides"] = list(self.slides)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Look:
        data = dict(data or {})
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "slides" in known:
            known["slides"] = tuple(known["slides"] or ())
        if "resolution" in known:
            known["resolution"] = int(known["resolution"])
        return cls(**known)


@dataclass(frozen=True)
class RenderRequest:
    """What to render. ``text`` may be empty only when ``audio`` is given (then the video
    has no subtitles: there is nothing to show)."""

    text: str
    language: str = "es"
    voice_id: str | None = None  # None: the engine's default voice for the language
    avatar: str | None = None  # a built-in avatar id or a path to a photo; None: first built-in
    size: int | None = None  # the old --size: a 1:1 video of this many px (overrides look)
    rate: float = 1.0  # speaking rate, 0.5–2.0
    pitch: float = 1.0  # 0.5–2.0
    title: str = ""
    use_cache: bool = True
    job_id: str | None = None  # identifies the job (D-ID user_data, resume)
    audio: str | None = None  # the person's own narration (a path): spoken instead of a voice
    keep_unaligned: bool = False  # narration whose script does not match: keep, no subtitles
    look: Look = Look()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenderRequest:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["look"] = Look.from_json(known.get("look"))
        return cls(**known)


def short_title(text: str, words: int = 8) -> str:
    """A title for a video nobody named: its script's first words."""
    head = text.split()
    return " ".join(head[:words]) + ("…" if len(head) > words else "")


@dataclass
class Video:
    video: Path
    subtitles: Path  # SRT
    vtt: Path
    thumbnail: Path
    duration_s: float
    engine: str
    voice: str
    avatar: str
    cached: bool = False
    render_s: float = 0.0
    id: str = ""
    has_subtitles: bool = True  # False: narration without (a matching) script
    note: str = ""  # a message id: what to know about this video ("audio.note_no_script")
    width: int = 0
    height: int = 0
    format: str = ""
    layout: str = ""
    scenes: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "video": str(self.video),
            "subtitles": str(self.subtitles),
            "thumbnail": str(self.thumbnail),
            "duration_s": round(self.duration_s, 3),
            "engine": self.engine,
            "voice": self.voice,
            "avatar": self.avatar,
            "cached": self.cached,
            "render_s": round(self.render_s, 3),
            **({"subtitles": None} if not self.has_subtitles else {}),
            **({"note": render(self.note) if known(self.note) else self.note} if self.note else {}),
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "layout": self.layout,
            "scenes": self.scenes,
        }


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: up to two lines of text shown from ``start`` to ``end`` seconds."""

    start: float
    end: float
    lines: tuple[str, ...]


class ProgressFn(Protocol):
    """``message`` is best a core.messages.Msg (shown in the interface language)."""

    def __call__(self, stage: str, fraction: float, message: str | Msg = "") -> None: ...


def no_progress(stage: str, fraction: float, message: str | Msg = "") -> None:
    """A progress callback that ignores everything."""


@dataclass(frozen=True)
class Brief:
    """What the person asks a ScriptWriter for. Validated by ``core.writers.check_brief``."""

    prompt: str
    language: str = "es"  # "es", "en", or with a region: "es-419", "en-US"
    tone: str = "informative"  # informative | friendly | formal | enthusiastic
    audience: str = ""  # optional: who is watching
    duration_s: float = 30.0  # target speaking time, 10–300 s


@dataclass(frozen=True)
class Usage:
    """Tokens one model call spent, as the server reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Script:
    """Speakable text from a ScriptWriter, with what it cost and how long it takes to say.

    ``usage`` is what writing it cost (None when the server did not say); a cached script
    keeps the usage of the call that wrote it and has ``cached=True`` (nothing spent now).
    ``truncated`` says the model's text was longer than the budget (or stopped early) and
    was cut at a sentence boundary.
    """

    text: str
    words: int
    estimated_s: float
    model: str
    language: str = ""
    budget_words: int = 0
    usage: Usage | None = None
    cached: bool = False
    truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "script": self.text,
            "words": self.words,
            "estimated_s": round(self.estimated_s, 1),
            "model": self.model,
            "cached": self.cached,
            "usage": self.usage.to_json() if self.usage else None,
            "truncated": self.truncated,
        }

    def to_data(self) -> dict[str, Any]:
        """Plain data for the cache (never SDK objects)."""
        data = asdict(self)
        data.pop("cached")
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any], cached: bool = False) -> Script:
        usage = data.get("usage")
        return cls(**{**data, "usage": Usage(**usage) if usage else None, "cached": cached})
