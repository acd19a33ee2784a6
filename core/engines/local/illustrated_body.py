"""The static layer behind the head: soft background, neck, shoulders and clothes.

Drawn once per presenter and size; the head layer moves over it every frame.
"""

from __future__ import annotations

import numpy as np

from core.engines.local.illustrated_canvas import (
    Canvas,
    Poly,
    ellipse,
    mirror,
    mix,
    moved,
    spline,
)
from core.engines.local.illustrated_look import FACE_CY, Look, face_outline
from core.engines.local.illustrated_outfits import MORE_OUTFITS

SHADOW: tuple[int, int, int] = (40, 30, 60)
SHOULDER_LIFT = 0.045  # the outfit art was laid out for a longer neck
WHITE: tuple[int, int, int] = (255, 255, 255)


def neck_color(look: Look) -> tuple[int, int, int]:
    return mix(look.skin, look.skin_shadow, 0.3)


BODY_BOTTOM = 3.5  # far below any canvas: a tall (9:16) frame shows the body to its edge


def body_outline() -> Poly:
    """Sloping shoulders (~2.3 face widths), rounding into arms that hang straight down."""
    return spline(
        mirror(
            [
                (0.121, BODY_BOTTOM),
                (0.12, BODY_BOTTOM - 0.5),
                (0.119, 1.6),
                (0.118, 1.2),
                (0.118, 1.0),
                (0.124, 0.90),
                (0.138, 0.835),
                (0.168, 0.787),
                (0.225, 0.757),
                (0.32, 0.73),
                (0.42, 0.706),
            ]
        ),
        per=10,
    )


def neck_outline() -> Poly:
    return spline(mirror([(0.445, 0.48), (0.446, 0.62), (0.44, 0.69), (0.41, 0.745)]))


def draw_background(c: Canvas, look: Look) -> None:
    """A vertical pastel gradient, a soft light behind the head and two faint discs."""
    h, w = c.alpha.shape
    top, bottom = (np.asarray(x, np.float32) for x in look.background)
    ramp = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    c.rgb[:] = np.broadcast_to(top + (bottom - top) * ramp, (h, w, 3)).astype(np.uint8)
    c.alpha[:] = 255
    light = mix(look.background[0], WHITE, 0.55)
    c.shade(ellipse(0.5, FACE_CY, 0.30, 0.30), light, 0.65, 0.10, clip=_frame())
    c.shade(ellipse(0.14, 0.2, 0.12, 0.12), light, 0.35, 0.01, clip=_frame())
    c.shade(
        ellipse(0.9, 0.52, 0.17, 0.17),
        mix(look.background[1], SHADOW, 0.1),
        0.3,
        0.01,
        clip=_frame(),
    )


def _frame() -> Poly:
    return np.array([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


def draw_body(c: Canvas, look: Look) -> None:
    """Neck, chin shadow, shoulders and the outfit, with soft shading."""
    neck = neck_outline()
    c.fill(neck, neck_color(look))
    c.shade(
        moved(face_outline(look, grow=0.004), 0.0, 0.022), look.skin_shadow, 0.85, 0.012, clip=neck
    )
    c.shade(ellipse(0.56, 0.64, 0.02, 0.08), look.skin_shadow, 0.4, 0.015, clip=neck)
    # clothes are drawn in their own coordinates, raised by SHOULDER_LIFT
    c = Canvas(c.rgb, c.alpha, c.scale, c.ox, c.oy + SHOULDER_LIFT)
    body = body_outline()
    c.fill(body, look.clothes)
    OUTFITS[look.outfit](c, look, body)
    # light from the upper left: shade the right flank, lift the left shoulder
    c.shade(ellipse(1.02, 0.95, 0.2, 0.3), SHADOW, 0.35, 0.06, clip=body)
    c.shade(ellipse(0.2, 0.79, 0.07, 0.025, angle=-20), WHITE, 0.18, 0.025, clip=body)
    for sign in (-1, 1):  # where the arms meet the chest
        crease = spline(
            [(0.5 + sign * 0.29, 0.86), (0.5 + sign * 0.296, 1.0), (0.5 + sign * 0.3, 1.6)],
            closed=False,
        )
        c.shade(crease, SHADOW, 0.28, 0.012, clip=body, stroke=0.012)
    c.shade(ellipse(0.5, 0.695, 0.055, 0.016), SHADOW, 0.22, 0.012, clip=body)
    if look.scarf is not None:
        _drape(c, look)


def _skin_v(c: Canvas, look: Look, points: list[tuple[float, float]]) -> Poly:
    """The skin showing at an open neckline, continuous with the neck."""
    shape = spline(points)
    c.fill(shape, neck_color(look))
    c.shade(ellipse(0.5, 0.68, 0.07, 0.025), look.skin_shadow, 0.25, 0.015, clip=shape)
    return shape


def _cardigan(c: Canvas, look: Look, body: Poly) -> None:
    dark = mix(look.clothes, SHADOW, 0.25)
    left, right = (
        spline(
            [
                (0.5 + sign * 0.105, 0.705),
                (0.5 + sign * 0.07, 0.80),
                (0.5 + sign * 0.045, 1.1),
                (0.5 + sign * 0.04, BODY_BOTTOM),
            ],
            closed=False,
        )
        for sign in (-1, 1)
    )
    c.fill(np.vstack([left, right[::-1]]), look.inner)
    c.shade(ellipse(0.53, 0.9, 0.03, 0.2), SHADOW, 0.12, 0.02, clip=np.vstack([left, right[::-1]]))
    _skin_v(c, look, [(0.43, 0.69), (0.57, 0.69), (0.55, 0.735), (0.5, 0.755), (0.45, 0.735)])
    c.stroke(
        ellipse(0.5, 0.705, 0.058, 0.058, start=20, end=160, n=30),
        mix(look.inner, SHADOW, 0.15),
        0.005,
    )
    for edge, sign in ((left, -1), (right, 1)):
        c.stroke(moved(edge, -sign * 0.012, 0.0), mix(look.clothes, WHITE, 0.12), 0.012)
        c.stroke(edge, dark, 0.004)
    for y in (0.83, 0.91, 0.99):
        x = 0.43 + (y - 0.80) * 0.083 - 0.024
        c.fill(ellipse(x, y, 0.011, 0.011), mix(look.clothes, SHADOW, 0.45))
        c.fill(ellipse(x - 0.002, y - 0.002, 0.008, 0.008), mix(look.clothes, WHITE, 0.25))
    # necklace with a small pendant
    c.stroke(ellipse(0.5, 0.69, 0.05, 0.058, start=25, end=155, n=30), (214, 176, 90), 0.0028)
    c.fill(ellipse(0.5, 0.752, 0.008, 0.01), (226, 190, 100))


def _blazer(c: Canvas, look: Look, body: Poly) -> None:
    shirt = spline([(0.42, 0.69), (0.58, 0.69), (0.545, 0.85), (0.5, 0.93), (0.455, 0.85)])
    c.fill(shirt, look.inner)
    _skin_v(c, look, [(0.455, 0.69), (0.545, 0.69), (0.515, 0.745), (0.5, 0.77), (0.485, 0.745)])
    collar_dark = mix(look.inner, SHADOW, 0.2)
    for sign in (-1, 1):
        collar = np.array(
            [
                (0.5 + sign * 0.05, 0.675),
                (0.5 + sign * 0.085, 0.705),
                (0.5 + sign * 0.05, 0.775),
                (0.5 + sign * 0.012, 0.77),
            ]
        )
        c.fill(collar, look.inner)
        c.stroke(collar, collar_dark, 0.003, closed=True)
        lapel = np.array(
            [
                (0.5 + sign * 0.09, 0.705),
                (0.5 + sign * 0.11, 0.72),
                (0.5 + sign * 0.115, 0.79),
                (0.5 + sign * 0.145, 0.80),
                (0.5 + sign * 0.012, 0.985),
                (0.5 + sign * 0.055, 0.80),
                (0.5 + sign * 0.075, 0.71),
            ]
        )
        c.fill(lapel, mix(look.clothes, WHITE, 0.07))
        c.stroke(lapel, mix(look.clothes, SHADOW, 0.4), 0.003, closed=True)
    c.fill(ellipse(0.5, 1.0, 0.012, 0.012), mix(look.clothes, SHADOW, 0.5))
    pocket = np.array([(0.30, 0.88), (0.38, 0.872), (0.381, 0.879), (0.301, 0.887)])
    c.fill(pocket, mix(look.clothes, SHADOW, 0.35))
    c.fill(
        np.array([(0.315, 0.878), (0.33, 0.855), (0.345, 0.86), (0.36, 0.852), (0.37, 0.876)]),
        (240, 190, 90),
    )


def _sweater(c: Canvas, look: Look, body: Poly) -> None:
    band = ellipse(0.5, 0.695, 0.085, 0.05, start=0, end=180, n=40)
    inner = ellipse(0.5, 0.695, 0.06, 0.03, start=0, end=180, n=40)
    c.fill(np.vstack([band, inner[::-1]]), mix(look.clothes, SHADOW, 0.2))
    for sign in (-1, 1):
        tip = np.array(
            [(0.5 + sign * 0.058, 0.69), (0.5 + sign * 0.022, 0.705), (0.5 + sign * 0.045, 0.745)]
        )
        c.fill(tip, look.inner)
        c.stroke(tip, mix(look.inner, SHADOW, 0.25), 0.0025, closed=True)
    rib = mix(look.clothes, SHADOW, 0.12)
    for k in range(7):
        x = 0.5 + (k - 3) * 0.012
        c.stroke(np.array([(x, 0.752 + 0.01 * abs(k - 3) ** 1.5 * 0.3), (x, 0.76)]), rib, 0.002)
    stripe = mix(look.clothes, WHITE, 0.35)
    for y, t in ((0.86, 0.03), (0.91, 0.012)):
        c.fill(np.array([(-0.1, y), (1.1, y), (1.1, y + t), (-0.1, y + t)]), stripe, opaque=False)


def _scoop_top(c: Canvas, look: Look, body: Poly) -> None:
    scoop = _skin_v(
        c, look, [(0.41, 0.69), (0.59, 0.69), (0.565, 0.765), (0.5, 0.79), (0.435, 0.765)]
    )
    c.stroke(scoop[len(scoop) // 5 :], mix(look.clothes, SHADOW, 0.3), 0.005)
    dots = mix(look.clothes, WHITE, 0.45)
    rng = np.random.default_rng(11)
    for x, y in rng.uniform((0.1, 0.76), (0.9, 1.9), size=(90, 2)):
        c.fill(ellipse(x, y, 0.007, 0.007, n=16), dots, opaque=False)
    c.stroke(ellipse(0.5, 0.70, 0.055, 0.062, start=20, end=160, n=30), look.inner, 0.004)
    for a in np.linspace(40, 140, 7):
        x, y = 0.5 + 0.055 * np.cos(np.radians(a)), 0.70 + 0.062 * np.sin(np.radians(a))
        c.fill(ellipse(x, y, 0.0065, 0.0065, n=16), look.inner)


def _tunic(c: Canvas, look: Look, body: Poly) -> None:
    for sign in (-1, 1):
        c.stroke(
            spline(
                [(0.5 + sign * 0.2, 0.86), (0.5 + sign * 0.19, 0.95), (0.5 + sign * 0.2, 1.9)],
                closed=False,
            ),
            mix(look.clothes, SHADOW, 0.2),
            0.004,
        )


def _drape(c: Canvas, look: Look) -> None:
    """The part of the hijab over the shoulders and chest (it does not move with the head)."""
    scarf = look.scarf or look.hair
    drape = spline(mirror([(0.40, 0.58), (0.33, 0.66), (0.27, 0.76), (0.31, 0.86), (0.42, 0.905)]))
    c.fill(drape, scarf)
    fold = mix(scarf, SHADOW, 0.3)
    c.shade(ellipse(0.66, 0.78, 0.06, 0.12), SHADOW, 0.3, 0.03, clip=drape)
    for pts in (
        [(0.36, 0.70), (0.40, 0.78), (0.47, 0.84)],
        [(0.62, 0.68), (0.60, 0.77), (0.54, 0.85)],
        [(0.33, 0.78), (0.37, 0.84), (0.43, 0.88)],
    ):
        c.shade(spline(pts, closed=False), fold, 0.6, 0.006, clip=drape, stroke=0.006)
    c.shade(
        spline([(0.34, 0.72), (0.37, 0.80)], closed=False),
        WHITE,
        0.25,
        0.01,
        clip=drape,
        stroke=0.01,
    )


OUTFITS = {
    **MORE_OUTFITS,
    "cardigan": _cardigan,
    "blazer": _blazer,
    "sweater": _sweater,
    "scoop_top": _scoop_top,
    "tunic": _tunic,
}
