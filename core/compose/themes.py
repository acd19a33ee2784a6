"""Built-in background themes: quiet gradients that suit slides, captions and a presenter."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    id: str
    name: str  # English name; the pages translate "theme.<id>"
    top: Colour
    bottom: Colour
    text: Colour  # titles drawn on the theme
    accent: Colour  # the presenter bubble's ring
    bubble: Colour  # behind a cut-out presenter inside the bubble

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "colours": [hex_colour(self.top), hex_colour(self.bottom)],
        }


def hex_colour(rgb: Colour) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme("slate", "Slate", (52, 63, 82), (24, 29, 41), (245, 246, 250), (236, 190, 92),
              (205, 214, 228)),
        Theme("paper", "Paper", (250, 246, 236), (226, 218, 200), (44, 40, 36), (196, 96, 64),
              (236, 226, 206)),
        Theme("ocean", "Ocean", (32, 110, 150), (14, 46, 84), (240, 248, 252), (250, 250, 250),
              (190, 222, 236)),
        Theme("sunset", "Sunset", (244, 164, 96), (180, 72, 96), (255, 250, 244), (255, 255, 255),
              (252, 214, 186)),
        Theme("forest", "Forest", (54, 98, 72), (22, 44, 34), (240, 246, 238), (226, 206, 120),
              (196, 222, 200)),
        Theme("studio", "Studio", (200, 202, 206), (132, 136, 144), (28, 30, 34), (60, 64, 72),
              (226, 228, 232)),
    )
}  # fmt: skip
DEFAULT_THEME = "slate"


@lru_cache(maxsize=8)
def _gradient(theme_id: str, width: int, height: int) -> np.ndarray:
    theme = THEMES[theme_id]
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top = np.array(theme.top, np.float32)
    bottom = np.array(theme.bottom, np.float32)
    column = top * (1 - t) + bottom * t
    # A soft light from the upper middle keeps large flat areas from looking dead.
    yy = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xx = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    glow = np.clip(1.0 - ((xx / 1.2) ** 2 + ((yy + 0.5) / 1.1) ** 2), 0.0, 1.0)[..., None]
    image = column + glow * 18.0
    out = np.clip(image, 0, 255).astype(np.uint8)
    out.setflags(write=False)
    return out


def theme_image(theme_id: str, width: int, height: int) -> np.ndarray:
    """The theme as an RGB frame (read-only: copy before drawing on it)."""
    return _gradient(theme_id, width, height)


def swatches_png(width: int = 60, height: int = 28, gap: int = 8) -> bytes:
    """The themes side by side as small gradient tiles (a PNG for the Look panel)."""
    import cv2

    tiles = []
    for theme in THEMES.values():
        tiles.append(np.array(theme_image(theme.id, width, height)))
        tiles.append(np.full((height, gap, 3), 255, np.uint8))
    strip = np.concatenate(tiles[:-1], axis=1)
    ok, png = cv2.imencode(".png", cv2.cvtColor(strip, cv2.COLOR_RGB2BGR))
    return png.tobytes() if ok else b""
