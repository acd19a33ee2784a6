"""The person's durable choices (engine, language, voice, presenter, rate) and named presets.

Stored in the library's preferences, so they survive restarts and follow the user; the
pages only keep what is being typed in session state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from difflib import SequenceMatcher
from typing import Any

from core.library import Library
from core.models import Look, RenderRequest

PREF_KEY = "choices"
ENGINE_IDS = ("local", "did")


@dataclass(frozen=True)
class Choices:
    engine: str = "local"
    language: str = "es"
    voice_local: str | None = None  # None: the engine's default voice for the language
    voice_did: str | None = None
    avatar: str | None = None  # a built-in id or a stored photo id; None: the first built-in
    rate: float = 1.0
    size: int = 512  # kept for old stored preferences; videos now take their shape from the look
    # The look that carries over between videos (slides, music and title are per video).
    format: str = "16:9"
    resolution: int = 720
    layout: str = ""  # "": corner with slides, else full
    background: str = ""  # a theme id, "blur", or an uploaded image's path; "": default
    captions: bool = False

    def voice(self) -> str | None:
        return self.voice_did if self.engine == "did" else self.voice_local

    def with_voice(self, voice_id: str | None) -> Choices:
        field_name = "voice_did" if self.engine == "did" else "voice_local"
        return replace(self, **{field_name: voice_id})

    def with_(self, **changes: Any) -> Choices:
        return replace(self, **changes)

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Any) -> Choices:
        """Tolerant: unknown keys are ignored, wrong values fall back to the defaults."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        choices = cls(**{k: v for k, v in data.items() if k in known})
        if choices.engine not in ENGINE_IDS:
            choices = replace(choices, engine="local")
        try:
            rate = min(2.0, max(0.5, float(choices.rate)))
            size = int(choices.size)
        except (TypeError, ValueError):
            rate, size = 1.0, 512
        try:
            resolution = int(choices.resolution)
        except (TypeError, ValueError):
            resolution = 720
        return replace(choices, rate=rate, size=size, resolution=resolution)

    def look(self, slides: tuple[str, ...] = (), music: str = "", title_card: str = "") -> Look:
        return Look(
            format=self.format,
            resolution=self.resolution,
            layout=self.layout,
            background=self.background,
            slides=tuple(slides),
            captions="burn" if self.captions else "none",
            music=music,
            title=title_card,
        )

    def with_look(self, look: Mapping[str, Any] | None) -> Choices:
        """These choices with the durable parts of a video's look ("Use again")."""
        if not look:
            return self
        data = Look.from_json(dict(look))
        return replace(
            self,
            format=data.format,
            resolution=data.resolution,
            layout=data.layout,
            background=data.background,
            captions=data.captions == "burn",
        )

    def request(self, text: str, title: str = "", look: Look | None = None) -> RenderRequest:
        return RenderRequest(
            text=text,
            language=self.language,
            voice_id=self.voice(),
            avatar=self.avatar,
            rate=self.rate,
            title=title,
            look=look if look is not None else self.look(),
        )


def load_choices(library: Library, user: str = "") -> Choices:
    return Choices.from_data(library.get_pref(PREF_KEY, None, user))


def save_choices(library: Library, choices: Choices, user: str = "") -> Choices:
    library.set_pref(PREF_KEY, choices.to_data(), user)
    return choices


def save_preset(library: Library, name: str, choices: Choices, user: str = "") -> None:
    library.save_preset(name, choices.to_data(), user)


def preset_names(library: Library, user: str = "") -> list[str]:
    return list(library.presets(user))


def apply_preset(library: Library, name: str, user: str = "") -> Choices | None:
    """Make the preset the current choices; None if it no longer exists."""
    data = library.presets(user).get(name)
    if data is None:
        return None
    return save_choices(library, Choices.from_data(data), user)


@dataclass(frozen=True)
class Estimate:
    words: int
    seconds: float
    credits: int | None  # what the engine bills (capabilities.seconds_per_credit), if it does


def video_title(source: Mapping[str, str] | None, text: str) -> str:
    """The title of a video made from ``text``.

    ``source`` is what the script box was filled from: ``{"title": topic or the reused
    video's title, "text": the script as it arrived}``. While the box still holds mostly
    that script (edits are fine), the video takes that title; a script the person typed or
    pasted instead gets "" and the pipeline titles it from its first words.
    """
    if not source or not source.get("title") or not text.strip():
        return ""
    before, now = source.get("text", "")[:4000], text[:4000]
    same = before == now or SequenceMatcher(None, before, now, autojunk=False).ratio() >= 0.6
    return source["title"].strip()[:80] if same else ""


def with_language(choices: Choices, language: str, voice_ids: set[str]) -> Choices:
    """Switch language; a voice that does not speak it falls back to the default voice."""
    changed = choices.with_(language=language)
    if changed.voice() and changed.voice() not in voice_ids:
        changed = changed.with_voice(None)
    return changed


def choices_from_video(
    current: Choices, engine: str, language: str, voice: str, avatar: str, rate: Any
) -> Choices:
    """The choices a finished video was made with ("Use again")."""
    data = {**current.to_data(), "engine": engine, "language": language, "avatar": avatar}
    data["voice_did" if engine == "did" else "voice_local"] = voice
    if rate is not None:
        data["rate"] = rate
    return Choices.from_data(data)
