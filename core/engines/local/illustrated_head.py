"""The static part of the head layer: hair, ears, face with shading, nose, beard.

Everything here is drawn once per presenter and size. The eyes, brows and mouth,
drawn afterwards (illustrated_face.py), are the only parts that change from frame to frame,
so nothing here may overlap them *on top*: hair and scarves stay outside the sprite
boxes or underneath them.
"""

from __future__ import annotations

import numpy as np

from core.engines.local.illustrated_canvas import Canvas, Poly, ellipse, mix, spline
from core.engines.local.illustrated_hair import BACK_HAIR, FRONT_HAIR
from core.engines.local.illustrated_hair_more import BACK_HAIR_MORE, FRONT_HAIR_MORE
from core.engines.local.illustrated_look import (
    EYE_DX,
    EYE_Y,
    FACE_CX,
    FACE_CY,
    FACE_RX,
    Look,
    face_outline,
)

WHITE = (255, 255, 255)
BLUSH = (236, 112, 118)


def draw_head(c: Canvas, look: Look) -> None:
    """Everything in the head that never moves relative to the face."""
    face = face_outline(look)
    (BACK_HAIR | BACK_HAIR_MORE)[look.hair_style](c, look)
    if look.hair_style != "hijab":
        _ears(c, look)
    c.fill(face, look.skin)
    _face_shading(c, look, face)
    if look.wrinkles > 0:
        _lines(c, look, face)
    (FRONT_HAIR | FRONT_HAIR_MORE)[look.hair_style](c, look, face)
    if look.beard:
        _beard(c, look)
    _nose(c, look)


def _ears(c: Canvas, look: Look) -> None:
    for sign in (-1, 1):
        x = FACE_CX + sign * (FACE_RX - 0.004)
        ear = ellipse(x, 0.418, 0.024, 0.04, angle=sign * 8)
        c.fill(ear, mix(look.skin, look.skin_shadow, 0.15))
        c.stroke(
            ellipse(x + sign * 0.002, 0.42, 0.012, 0.024, start=-100, end=100, n=24)
            if sign > 0
            else ellipse(x - 0.002, 0.42, 0.012, 0.024, start=80, end=280, n=24),
            look.skin_shadow,
            0.004,
        )
        if look.earrings is not None:
            c.stroke(
                ellipse(x + sign * 0.004, 0.472, 0.011, 0.013),
                look.earrings,
                0.0035,
                closed=True,
                opaque=True,
            )


def _face_shading(c: Canvas, look: Look, face: Poly) -> None:
    c.shade(ellipse(0.655, 0.43, 0.06, 0.2), look.skin_shadow, 0.45, 0.03, clip=face)
    c.shade(ellipse(0.5, 0.615, 0.15, 0.045), look.skin_shadow, 0.3, 0.02, clip=face)
    c.shade(ellipse(0.42, 0.30, 0.06, 0.04), look.skin_light, 0.5, 0.03, clip=face)
    for sign in (-1, 1):
        c.shade(ellipse(FACE_CX + sign * 0.088, 0.468, 0.03, 0.017), BLUSH, 0.28, 0.012, clip=face)
        # a soft crease above each eye
        x = FACE_CX + sign * EYE_DX
        c.shade(
            ellipse(x, EYE_Y - 0.002, 0.027, 0.026, start=200, end=340, n=24),
            look.skin_shadow,
            0.35,
            0.003,
            clip=face,
            stroke=0.003,
        )


def _lines(c: Canvas, look: Look, face: Poly) -> None:
    """Age: forehead lines, crow's feet, smile lines and soft bags under the eyes."""
    k = look.wrinkles
    line = mix(look.skin, look.skin_shadow, 0.9)
    for y in (0.27, 0.292):
        c.shade(
            spline([(0.43, y + 0.004), (0.5, y), (0.57, y + 0.004)], closed=False),
            line,
            0.45 * k,
            0.003,
            clip=face,
            stroke=0.003,
        )
    for sign in (-1, 1):
        x = FACE_CX + sign * (EYE_DX + 0.034)
        for dy, tilt in ((-0.008, -0.006), (0.0, 0.0), (0.008, 0.006)):
            c.shade(
                np.array([(x, EYE_Y + dy * 0.6), (x + sign * 0.014, EYE_Y + dy + tilt)]),
                line,
                0.5 * k,
                0.002,
                clip=face,
                stroke=0.0025,
            )
        c.shade(
            ellipse(FACE_CX + sign * EYE_DX, EYE_Y + 0.024, 0.02, 0.008, start=20, end=160, n=20),
            line,
            0.35 * k,
            0.003,
            clip=face,
            stroke=0.003,
        )
        c.shade(
            spline(
                [
                    (FACE_CX + sign * 0.03, 0.462),
                    (FACE_CX + sign * 0.052, 0.49),
                    (FACE_CX + sign * 0.058, 0.53),
                ],
                closed=False,
            ),
            line,
            0.5 * k,
            0.004,
            clip=face,
            stroke=0.004,
        )


def _nose(c: Canvas, look: Look) -> None:
    c.shade(
        spline([(0.512, 0.41), (0.52, 0.445), (0.516, 0.462)], closed=False),
        look.skin_shadow,
        0.5,
        0.006,
        stroke=0.006,
    )
    c.shade(ellipse(0.5, 0.462, 0.016, 0.01), look.skin_shadow, 0.35, 0.006)
    c.stroke(ellipse(0.5, 0.455, 0.015, 0.011, start=25, end=155, n=24), look.skin_shadow, 0.0038)
    c.shade(ellipse(0.496, 0.452, 0.004, 0.004), look.skin_light, 0.9, 0.002)


def _beard(c: Canvas, look: Look) -> None:
    """A full, short beard: jaw, chin and moustache, with a soft oval left around the lips."""
    outer = face_outline(look, grow=0.008)
    lower = outer[(outer[:, 1] > FACE_CY + 0.002)]  # right → chin → left
    upper = spline(
        [
            (0.364, 0.40),
            (0.38, 0.45),
            (0.41, 0.472),
            (0.45, 0.479),
            (0.5, 0.474),
            (0.55, 0.479),
            (0.59, 0.472),
            (0.62, 0.45),
            (0.636, 0.40),
        ],
        closed=False,
        per=8,
    )
    beard = np.vstack([lower, upper])
    hole = ellipse(0.5, 0.515, 0.058, 0.026)
    c.fill([beard, hole], look.hair)
    c.shade(ellipse(0.42, 0.52, 0.05, 0.06), look.hair_light, 0.35, 0.02, clip=beard)
    c.shade(ellipse(0.62, 0.53, 0.05, 0.08), look.hair_dark, 0.4, 0.02, clip=beard)
    c.shade(hole, look.skin_shadow, 0.35, 0.004, clip=face_outline(look), stroke=0.004)
    rng = np.random.default_rng(5)
    for x, y in rng.uniform((0.39, 0.55), (0.61, 0.60), size=(30, 2)):
        c.shade(
            np.array([(x, y), (x + 0.004, y + 0.008)]),
            look.hair_dark,
            0.5,
            0.002,
            clip=beard,
            stroke=0.0025,
        )
    c.shade(
        spline([(0.465, 0.484), (0.5, 0.481), (0.535, 0.484)], closed=False),
        look.hair_light,
        0.5,
        0.003,
        clip=beard,
        stroke=0.004,
    )
