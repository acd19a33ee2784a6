"""Layouts: where the presenter, the slide and the captions go in each format.

full    the presenter alone, head and shoulders, centred
side    the presenter in one third, the slide (or background) in the rest
corner  the presenter in a round bubble over the slide, in the emptiest corner
voice   no presenter: the slide and captions with the narration

A ``Stage`` is plain geometry in frame pixels; the compositor draws it. Captions always
stay inside the format's safe area (9:16 keeps clear of the bottom fifth, where reels and
shorts put their buttons and text) and clear of the bubble.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import InputError

LAYOUTS = ("full", "side", "corner", "voice")
CORNERS = ("bottom-right", "bottom-left", "top-right", "top-left")

Rect = tuple[int, int, int, int]  # x, y, w, h


@dataclass(frozen=True)
class Stage:
    width: int
    height: int
    layout: str
    presenter: Rect | None  # where the presenter's canvas goes; None in "voice"
    bubble: bool  # the presenter is shown in a circle (corner layout)
    content: Rect  # where slides are letterboxed (or a background image fills)
    captions: Rect  # the box burned-in captions sit in (bottom-aligned, centred)
    safe: Rect  # the format's safe area
    corner: str = ""

    @property
    def canvas(self) -> tuple[int, int] | None:
        """The presenter canvas an engine should draw: the presenter rectangle's size."""
        return None if self.presenter is None else (self.presenter[2], self.presenter[3])

    def vtt_settings(self) -> str:
        """WebVTT cue settings that put the player's subtitles where burned captions go."""
        x, y, w, _h = self.captions
        line = 100.0 * y / self.height
        position = 100.0 * (x + w / 2) / self.width
        size = 100.0 * w / self.width
        return f"line:{line:.0f}% position:{position:.0f}% size:{size:.0f}% align:center"


def _even(value: float) -> int:
    n = round(value)
    return max(2, n - n % 2)


def check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise InputError("look.unknown_layout", value=layout, choices=", ".join(LAYOUTS))


def safe_area(width: int, height: int) -> Rect:
    if height > width:  # 9:16: reels and shorts cover the bottom fifth and the right edge
        x0, y0 = round(0.06 * width), round(0.06 * height)
        return x0, y0, width - 2 * x0, round(0.76 * height) - y0
    m = round(0.05 * min(width, height))
    return m, m, width - 2 * m, height - 2 * m


def caption_height(width: int, height: int) -> int:
    """Room for two lines of captions in this frame."""
    return round(2 * 1.45 * font_px(width, height) + 0.9 * font_px(width, height))


def font_px(width: int, height: int) -> int:
    """Caption font size: readable on a phone, 42 characters fit across."""
    if height > width:
        return max(12, round(0.036 * width))
    return max(12, round(0.046 * height))


def stage(
    width: int, height: int, layout: str, corner: str = CORNERS[0], cutout: bool = False
) -> Stage:
    """The geometry of ``layout`` in a ``width``×``height`` frame (bubble at ``corner``).

    A ``cutout`` presenter (with alpha) gets the whole frame in ``full``: it frames itself
    head-and-shoulders there; so does any presenter in a vertical (9:16) video; otherwise an
    opaque picture is a centred panel on the background.
    """
    check_layout(layout)
    W, H = width, height
    safe = sx, sy, sw, sh = safe_area(W, H)
    cap_h = caption_height(W, H)
    portrait, square = H > W, H == W
    bottom_caps = (sx + round(0.05 * sw), sy + sh - cap_h, round(0.9 * sw), cap_h)
    if layout == "full":
        if cutout or portrait:  # a vertical video is the presenter, top to bottom
            presenter = (0, 0, W, H)
        else:
            pw = min(W, _even(H * (1.0 if square else 1.15)))
            presenter = ((W - pw) // 2 // 2 * 2, 0, pw, H)
        return Stage(W, H, layout, presenter, False, (0, 0, W, H), bottom_caps, safe)
    if layout == "side":
        if portrait or square:
            ph = _even(H / 3 if portrait else 0.38 * H)
            presenter = (0, H - ph, W, ph)
            top = sy if portrait else round(0.03 * H)
            caps_y = H - ph - cap_h - round(0.01 * H)
            content = (sx, top, sw, caps_y - top - round(0.01 * H))
            caps = (sx, caps_y, sw, cap_h)
            return Stage(W, H, layout, presenter, False, content, caps, safe)
        pw = _even(W / 3)
        presenter = (0, 0, pw, H)
        gap = round(0.03 * W)
        cx, cw = pw + gap, W - pw - 2 * gap
        caps = (cx, sy + sh - cap_h, cw, cap_h)
        content = (cx, sy, cw, caps[1] - sy - round(0.01 * H))
        return Stage(W, H, layout, presenter, False, content, caps, safe)
    if layout == "voice":
        content = (0, 0, W, H) if not portrait else (0, sy, W, sh - cap_h)
        return Stage(W, H, layout, None, False, content, bottom_caps, safe)
    # corner
    if corner not in CORNERS:
        corner = CORNERS[0]
    d = _even(0.36 * W if portrait else (0.30 if square else 0.34) * H)
    right, bottom = corner.endswith("right"), corner.startswith("bottom")
    bx = sx + sw - d if right else sx
    by = sy + sh - d if bottom else sy
    presenter = (bx, by, d, d)
    content = (0, 0, W, H) if not portrait else (0, sy, W, round(0.5 * H))
    caps = bottom_caps
    if bottom:
        cx, cy, cw, ch = caps
        gap = round(0.02 * W)
        free = (bx - gap - cx) if right else (cx + cw - (bx + d + gap))
        if free >= 0.6 * sw:  # captions beside the bubble
            caps = (cx, cy, free, ch) if right else (bx + d + gap, cy, free, ch)
        else:  # captions above it
            caps = (cx, by - gap - ch, cw, ch)
    return Stage(W, H, layout, presenter, True, content, caps, safe, corner)


def emptiest_corner(width: int, height: int, pictures: list[np.ndarray]) -> str:
    """The bubble's corner that covers the least of the slides' text and drawings.

    ``pictures`` are full frames (the slides on their background). "Ink" is detail: how much
    the pixels under the bubble differ from their own local average; the worst slide counts.
    """
    if not pictures:
        return CORNERS[0]
    scores: list[tuple[float, int, str]] = []
    for rank, corner in enumerate(CORNERS):
        s = stage(width, height, "corner", corner)
        assert s.presenter is not None
        x, y, w, h = s.presenter
        worst = 0.0
        for picture in pictures:
            patch = picture[y : y + h, x : x + w].astype(np.float32).mean(axis=2)
            if patch.size == 0:
                continue
            detail = float(
                np.abs(np.diff(patch, axis=0)).mean() + np.abs(np.diff(patch, axis=1)).mean()
            )
            worst = max(worst, detail)
        scores.append((round(worst, 1), rank, corner))
    return min(scores)[2]
