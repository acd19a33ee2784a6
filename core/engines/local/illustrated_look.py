"""What an illustrated presenter looks like (colours, hair, clothes) and where things sit.

All positions are in normalised frame units (the frame is 1×1, y down). The face
geometry is shared by every presenter so that the per-frame sprite boxes (eyes, mouth)
are the same everywhere; presenters differ in skin, hair, clothes and accessories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.engines.local.illustrated_canvas import RGB, Poly, mix

HairStyle = Literal["bun", "short", "curly", "hijab", "side_part", "bob", "long", "bald"]
Outfit = Literal[
    "cardigan", "blazer", "sweater", "scoop_top", "tunic", "polo", "embroidered", "vest"
]

FACE_CX, FACE_CY = 0.5, 0.40
FACE_RX, FACE_RY = 0.142, 0.178
EYE_Y, EYE_DX = 0.405, 0.058
MOUTH_X, MOUTH_Y = 0.5, 0.512
PIVOT = (0.5, 0.60)  # the head turns about the top of the neck

# Boxes (x0, y0, x1, y1) redrawn per frame; everything else in the head is static.
# Each box must hold *everything* its part draws in any pose, soft shading included:
# a sprite is pasted whole, so what a pose draws outside its box is cut off in a hard
# straight line (the open mouth's shadow on the chin, the arms of the glasses).
# The face from brow to chin, cheek to cheek (what a layout aligns and what tests measure).
FACE_BOX = (FACE_CX - FACE_RX, EYE_Y - 0.062, FACE_CX + FACE_RX, FACE_CY + FACE_RY + 0.012)
EYE_BOX = (0.348, 0.318, 0.652, 0.452)  # eyes and brows
MOUTH_BOX = (0.405, 0.452, 0.595, 0.615)


@dataclass(frozen=True)
class Look:
    """One presenter's appearance."""

    skin: RGB
    hair: RGB
    iris: RGB
    hair_style: HairStyle
    outfit: Outfit
    clothes: RGB  # the main garment
    inner: RGB  # shirt / blouse / collar under it
    background: tuple[RGB, RGB]  # top, bottom of the soft gradient
    lips: RGB | None = None  # None: derived from the skin
    beard: bool = False
    glasses: RGB | None = None  # frame colour
    scarf: RGB | None = None  # hijab colour (hair_style "hijab")
    earrings: RGB | None = None
    lashes: bool = False
    jaw: float = 0.25  # how much the face narrows toward the chin
    moustache: bool = False
    wrinkles: float = 0.0  # 0 young .. 1 lined (forehead, eyes, smile lines)
    accent: RGB | None = None  # a tie, embroidery thread

    @property
    def skin_shadow(self) -> RGB:
        return mix(self.skin, (70, 30, 40), 0.28)

    @property
    def skin_light(self) -> RGB:
        return mix(self.skin, (255, 245, 235), 0.25)

    @property
    def lip_color(self) -> RGB:
        return self.lips or mix(self.skin, (170, 60, 70), 0.42)

    @property
    def hair_dark(self) -> RGB:
        return mix(self.hair, (10, 5, 10), 0.35)

    @property
    def hair_light(self) -> RGB:
        return mix(self.hair, (255, 235, 210), 0.3)

    @property
    def brow(self) -> RGB:
        return mix(self.hair, (25, 15, 15), 0.3)


def face_outline(look: Look, grow: float = 0.0, n: int = 120) -> Poly:
    """The face contour: an ellipse narrowing toward a soft chin (``grow`` enlarges it)."""
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    narrowing = 1.0 - look.jaw * np.clip(s, 0.0, None) ** 2.2
    x = FACE_CX + (FACE_RX + grow) * c * narrowing
    y = FACE_CY + (FACE_RY + grow) * s + 0.012 * np.clip(s, 0.0, None) ** 6
    return np.stack([x, y], axis=1)
