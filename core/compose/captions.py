"""Burned-in captions and titles: Noto Sans from a PyPI package, drawn once per cue.

Each cue becomes an RGBA patch (text plus a translucent box, or an outline) that the
compositor lays over every frame the cue is shown in; cues are the subtitle file's, so the
burned captions are cut where the subtitles are cut.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.errors import InputError

CAPTION_STYLES = ("box", "outline")
CAPTION_MODES = ("none", "burn")
_FONT_FILE = "NotoSans[wdth,wght].ttf"


def font_path() -> Path:
    return Path(str(resources.files("fontpkg_noto_sans") / "files" / _FONT_FILE))


@lru_cache(maxsize=16)
def font(px: int, weight: str = "SemiBold") -> ImageFont.FreeTypeFont:
    face = ImageFont.truetype(str(font_path()), px)
    face.set_variation_by_name(weight)
    return face


def check_captions(mode: str, style: str) -> None:
    if mode not in CAPTION_MODES:
        raise InputError("look.unknown_captions", value=mode, choices=" / ".join(CAPTION_MODES))
    if style not in CAPTION_STYLES:
        raise InputError(
            "look.unknown_caption_style", value=style, choices=" / ".join(CAPTION_STYLES)
        )


def _fit_px(lines: tuple[str, ...], px: int, max_width: int, weight: str) -> int:
    while px > 10:
        f = font(px, weight)
        if max(f.getlength(line) for line in lines) <= max_width:
            return px
        px = int(px * 0.92)
    return px


def text_patch(
    lines: tuple[str, ...],
    px: int,
    max_width: int,
    style: str = "box",
    colour: tuple[int, int, int] = (255, 255, 255),
    weight: str = "SemiBold",
) -> np.ndarray:
    """An RGBA patch with ``lines`` centred: white text on a translucent dark box, or outlined.

    The font shrinks until the longest line fits ``max_width``.
    """
    lines = tuple(line for line in lines if line.strip()) or ("",)
    px = _fit_px(lines, px, max_width, weight)
    f = font(px, weight)
    ascent, descent = f.getmetrics()
    line_h = round((ascent + descent) * 1.12)
    pad_x, pad_y = round(0.55 * px), round(0.28 * px)
    stroke = max(2, round(px / 11)) if style == "outline" else 0
    widths = [f.getlength(line) for line in lines]
    w = int(max(widths)) + 2 * pad_x + 2 * stroke
    h = line_h * len(lines) + 2 * pad_y + 2 * stroke
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    if style == "box":
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=round(0.35 * px), fill=(0, 0, 0, 158))
    for i, (line, lw) in enumerate(zip(lines, widths, strict=True)):
        x = (w - lw) / 2
        y = pad_y + stroke + i * line_h + (line_h - ascent - descent) / 2
        draw.text(
            (x, y),
            line,
            font=f,
            fill=(*colour, 255),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 255),
        )
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


def wrap_title(text: str, px: int, max_width: int, max_lines: int = 3) -> tuple[str, ...]:
    """Greedy word wrap of a title into at most ``max_lines`` lines at ``px``."""
    f = font(px, "Bold")
    lines: list[str] = []
    for word in text.split():
        if lines and f.getlength(lines[-1] + " " + word) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return tuple(lines)
