"""Checking a Look before any slow work: every option, every file, scene and slide counts.

``check_look`` returns a ``LookPlan``: the resolved look (defaults filled in), the frame
size, the scenes of the script, the opened slides and the digests of every file that
changes the picture or the sound (so the cache key covers their bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.cache import digest_bytes
from core.compose.captions import check_captions
from core.compose.formats import check_format, frame_size
from core.compose.layouts import Stage, check_layout, stage
from core.compose.slides import Slides, check_counts, open_slides, split_scenes, spoken_text
from core.compose.themes import DEFAULT_THEME, THEMES
from core.errors import InputError
from core.models import Look

MAX_TITLE = 120
BLUR = "blur"
TITLE_S = 2.0


@dataclass(frozen=True)
class LookPlan:
    look: Look  # resolved: layout and background filled in
    width: int
    height: int
    scenes: tuple[str, ...]
    slides: Slides | None
    background_kind: str  # "theme" | "blur" | "image" | "presenter" (its own, by default)
    digests: dict[str, Any]
    cutout: bool = False  # the presenter comes with alpha: in "full" it gets the whole frame

    @property
    def spoken(self) -> str:
        """The script as the presenter says it (no scene markers)."""
        return spoken_text(list(self.scenes))

    @property
    def theme(self) -> str:
        return self.look.background if self.background_kind == "theme" else DEFAULT_THEME

    def stage(self, corner: str = "bottom-right") -> Stage:
        return stage(self.width, self.height, self.look.layout, corner, cutout=self.cutout)

    def cache_parts(self) -> dict[str, Any]:
        data = self.look.to_json()
        for name in ("slides", "music"):
            data.pop(name)
        if self.background_kind == "image":
            data.pop("background")
        return {
            **data,
            "background_kind": self.background_kind,
            "cutout": self.cutout,
            **self.digests,
        }


def _background(spec: str) -> tuple[str, str, str | None]:
    """(kind, normalised spec, digest) for a theme id, ``blur`` or an image path."""
    spec = (spec or "").strip()
    if not spec:
        return "theme", DEFAULT_THEME, None
    if spec in THEMES:
        return "theme", spec, None
    if spec == BLUR:
        return "blur", BLUR, None
    path = Path(spec).expanduser()
    if path.is_file():
        from core.engines.local.images import load_image

        data = path.read_bytes()
        load_image(data, name=f"Background {path.name}")  # not an image, too big: InputError
        return "image", str(path), digest_bytes(data)
    if path.suffix or "/" in spec or "\\" in spec:
        raise InputError("look.background_missing", path=spec)
    raise InputError("look.unknown_background", value=spec, choices=", ".join(THEMES))


def check_look(look: Look, text: str, size: int | None = None) -> LookPlan:
    """Validate ``look`` for the script ``text``; raise InputError saying what to fix.

    ``size`` is the old ``--size``: a square video of that many pixels.
    """
    if size is not None:
        look = replace(look, format="1:1", resolution=int(size))
    check_format(look.format, look.resolution)
    width, height = frame_size(look.format, look.resolution)
    check_captions(look.captions, look.caption_style)
    scenes = tuple(split_scenes(text))
    slides = open_slides(look.slides) if look.slides else None
    layout = look.layout or ("corner" if slides else "full")
    check_layout(layout)
    if slides is not None:
        if layout == "full":
            raise InputError("look.full_with_slides")
        check_counts(len(scenes), slides.count)
    kind, background, bg_digest = _background(look.background)
    if not look.background and layout == "full":
        kind = "presenter"  # the presenter's own backdrop when it has one, else the theme
    if layout != "full" and slides is None and not look.background:
        raise InputError("look.needs_content", layout=layout)
    digests: dict[str, Any] = {}
    if bg_digest:
        digests["background_image"] = bg_digest
    if slides is not None:
        digests["slides"] = [slides.kind, *slides.digests]
    music = (look.music or "").strip()
    if music:
        from core.compose.music import check_music

        path = Path(music).expanduser()
        check_music(path)
        digests["music"] = digest_bytes(path.read_bytes())
        music = str(path)
    title = " ".join((look.title or "").split())
    if len(title) > MAX_TITLE:
        raise InputError("look.title_too_long", chars=len(title), limit=MAX_TITLE)
    resolved = replace(
        look,
        layout=layout,
        background=background,
        music=music,
        title=title,
        slides=tuple(str(p) for p in slides.paths) if slides else (),
    )
    return LookPlan(resolved, width, height, scenes, slides, kind, digests)
