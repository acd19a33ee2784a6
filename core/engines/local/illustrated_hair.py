"""Hair styles (and the hijab) of the illustrated presenters.

Each style has a back part, drawn behind the face, and a front part drawn over the
forehead after it. Fronts cast a soft shadow on the forehead and carry strand
highlights; none of them reaches down into the eye or mouth sprite boxes.
"""

from __future__ import annotations

import numpy as np

from core.engines.local.illustrated_canvas import Canvas, Poly, ellipse, mirror, mix, moved, spline
from core.engines.local.illustrated_look import FACE_CX, Look, face_outline

WHITE = (255, 255, 255)
SHADOW = (40, 30, 60)


def _cap(points: list[tuple[float, float]]) -> Poly:
    return spline(mirror(points))


def _strokes(
    c: Canvas,
    clip: Poly,
    color: tuple[int, int, int],
    lines: list[list[tuple[float, float]]],
    width: float,
    strength: float,
) -> None:
    for pts in lines:
        c.shade(spline(pts, closed=False), color, strength, width * 0.5, clip=clip, stroke=width)


def _bun_back(c: Canvas, look: Look) -> None:
    bun = ellipse(0.5, 0.17, 0.068, 0.06)
    c.fill(bun, look.hair)
    c.shade(ellipse(0.53, 0.2, 0.06, 0.04), look.hair_dark, 0.5, 0.02, clip=bun)
    _strokes(c, bun, look.hair_light, [[(0.46, 0.15), (0.5, 0.13), (0.54, 0.145)]], 0.008, 0.6)
    c.fill(
        _cap([(0.345, 0.47), (0.336, 0.36), (0.358, 0.27), (0.41, 0.215), (0.47, 0.197)]), look.hair
    )


def _bun_front(c: Canvas, look: Look, face: Poly) -> None:
    hair = spline(
        [
            (0.350, 0.45),
            (0.343, 0.35),
            (0.366, 0.27),
            (0.41, 0.222),
            (0.47, 0.203),
            (0.53, 0.203),
            (0.59, 0.222),
            (0.634, 0.27),
            (0.657, 0.35),
            (0.650, 0.45),
            (0.636, 0.43),
            (0.628, 0.34),
            (0.59, 0.285),
            (0.52, 0.262),
            (0.455, 0.272),
            (0.40, 0.30),
            (0.372, 0.35),
            (0.364, 0.43),
        ],
        per=10,
    )
    c.shade(moved(hair, 0.0, 0.012), look.skin_shadow, 0.55, 0.01, clip=face)
    c.fill(hair, look.hair)
    _strokes(
        c,
        hair,
        look.hair_dark,
        [
            [(0.44, 0.215), (0.52, 0.235), (0.60, 0.27), (0.63, 0.33)],
            [(0.44, 0.215), (0.40, 0.25), (0.37, 0.31)],
        ],
        0.005,
        0.7,
    )
    _strokes(
        c,
        hair,
        look.hair_light,
        [
            [(0.39, 0.26), (0.43, 0.228), (0.47, 0.215)],
            [(0.50, 0.225), (0.56, 0.238), (0.60, 0.262)],
        ],
        0.01,
        0.5,
    )


def _short_back(c: Canvas, look: Look) -> None:
    c.fill(
        _cap([(0.352, 0.41), (0.342, 0.32), (0.365, 0.245), (0.415, 0.198), (0.475, 0.184)]),
        look.hair,
    )


def _short_front(c: Canvas, look: Look, face: Poly) -> None:
    hair = spline(
        [
            (0.356, 0.43),
            (0.343, 0.32),
            (0.365, 0.245),
            (0.415, 0.196),
            (0.48, 0.18),
            (0.545, 0.184),
            (0.60, 0.205),
            (0.64, 0.25),
            (0.659, 0.32),
            (0.645, 0.43),
            (0.636, 0.33),
            (0.612, 0.283),
            (0.56, 0.262),
            (0.50, 0.27),
            (0.44, 0.262),
            (0.395, 0.283),
            (0.366, 0.33),
        ],
        per=10,
    )
    c.shade(moved(hair, 0.0, 0.01), look.skin_shadow, 0.5, 0.01, clip=face)
    c.fill(hair, look.hair)
    c.shade(ellipse(0.62, 0.3, 0.05, 0.08), look.hair_dark, 0.5, 0.02, clip=hair)
    _strokes(
        c,
        hair,
        look.hair_light,
        [
            [(0.40, 0.235), (0.45, 0.205), (0.52, 0.198)],
            [(0.46, 0.235), (0.53, 0.222), (0.58, 0.235)],
        ],
        0.009,
        0.55,
    )
    _strokes(c, hair, look.hair_dark, [[(0.43, 0.19), (0.425, 0.23), (0.44, 0.262)]], 0.004, 0.6)


def _curly_back(c: Canvas, look: Look) -> None:
    blobs = [ellipse(0.5, 0.315, 0.21, 0.175)]
    for a in np.linspace(0, 360, 19, endpoint=False):
        r = np.radians(a)
        if np.sin(r) > 0.6:
            continue  # no curls hanging below the ears
        blobs.append(ellipse(0.5 + 0.21 * np.cos(r), 0.315 + 0.175 * np.sin(r), 0.046, 0.046, n=36))
    for b in blobs:
        c.fill(b, look.hair)
    clip = ellipse(0.5, 0.31, 0.27, 0.25)
    c.shade(ellipse(0.62, 0.45, 0.14, 0.12), look.hair_dark, 0.55, 0.05, clip=clip)
    rng = np.random.default_rng(3)
    for x, y in rng.uniform((0.3, 0.12), (0.7, 0.45), size=(70, 2)):
        r = 0.01 + 0.008 * rng.random()
        start = rng.uniform(0, 360)
        color = look.hair_light if (x + y) < 0.85 else look.hair_dark
        c.shade(
            ellipse(x, y, r, r, start=start, end=start + 160, n=12),
            color,
            0.35,
            0.002,
            clip=clip,
            stroke=0.004,
        )


def _curly_front(c: Canvas, look: Look, face: Poly) -> None:
    t = np.linspace(np.radians(200), np.radians(340), 11)
    pts = [(0.5 + 0.135 * np.cos(a), 0.345 + 0.095 * np.sin(a)) for a in t]
    curls = [ellipse(x, y, 0.03, 0.028, n=32) for x, y in pts]
    fringe_shadow = [moved(p, 0.0, 0.012) for p in curls]
    c.shade(fringe_shadow, look.skin_shadow, 0.5, 0.01, clip=face)
    for p in curls:
        c.fill(p, look.hair)
    for x, y in pts:
        c.shade(
            ellipse(x - 0.004, y - 0.004, 0.014, 0.013, start=180, end=330, n=12),
            look.hair_light,
            0.7,
            0.002,
            stroke=0.004,
        )


def _hijab_back(c: Canvas, look: Look) -> None:
    c.fill(_hijab_outer(), look.scarf or look.hair)


def _hijab_outer() -> Poly:
    return _cap(
        [
            (0.395, 0.70),
            (0.338, 0.62),
            (0.312, 0.50),
            (0.318, 0.36),
            (0.352, 0.255),
            (0.415, 0.198),
            (0.478, 0.182),
        ]
    )


def _hijab_front(c: Canvas, look: Look, face: Poly) -> None:
    scarf = look.scarf or look.hair
    opening = face_outline(look, grow=-0.002).copy()
    opening[:, 0] = FACE_CX + (opening[:, 0] - FACE_CX) * 0.9
    opening[:, 1] = np.maximum(opening[:, 1], 0.262)
    opening[:, 1] = np.where(opening[:, 1] > 0.55, opening[:, 1] - 0.008, opening[:, 1])
    outer = _hijab_outer()
    ring_mask_shape = [outer, opening]
    c.shade(spline(opening[::4].tolist()), look.skin_shadow, 0.55, 0.006, clip=face, stroke=0.012)
    c.fill(ring_mask_shape, scarf)
    c.shade(ellipse(0.37, 0.28, 0.05, 0.07), WHITE, 0.22, 0.03, clip=outer)
    c.shade(ellipse(0.66, 0.5, 0.05, 0.15), (40, 30, 60), 0.3, 0.03, clip=outer)
    fold = mix(scarf, (40, 30, 60), 0.35)
    _strokes(
        c,
        outer,
        fold,
        [
            [(0.355, 0.40), (0.36, 0.52), (0.40, 0.62)],
            [(0.645, 0.40), (0.64, 0.52), (0.60, 0.62)],
            [(0.44, 0.60), (0.5, 0.625), (0.56, 0.60)],
        ],
        0.006,
        0.6,
    )
    _strokes(
        c, outer, mix(scarf, WHITE, 0.3), [[(0.40, 0.23), (0.47, 0.205), (0.53, 0.205)]], 0.01, 0.5
    )


def _side_part_back(c: Canvas, look: Look) -> None:
    c.fill(
        _cap([(0.35, 0.42), (0.338, 0.32), (0.36, 0.24), (0.41, 0.19), (0.475, 0.174)]), look.hair
    )


def _side_part_front(c: Canvas, look: Look, face: Poly) -> None:
    hair = spline(
        [
            (0.353, 0.43),
            (0.338, 0.32),
            (0.36, 0.24),
            (0.41, 0.19),
            (0.475, 0.172),
            (0.55, 0.175),
            (0.615, 0.205),
            (0.655, 0.26),
            (0.662, 0.34),
            (0.646, 0.43),
            (0.636, 0.35),
            (0.60, 0.30),
            (0.54, 0.305),
            (0.47, 0.322),
            (0.41, 0.334),
            (0.378, 0.345),
            (0.362, 0.37),
        ],
        per=10,
    )
    c.shade(moved(hair, 0.0, 0.012), look.skin_shadow, 0.55, 0.01, clip=face)
    c.fill(hair, look.hair)
    _strokes(
        c,
        hair,
        look.hair_light,
        [
            [(0.58, 0.205), (0.50, 0.215), (0.43, 0.25), (0.39, 0.30)],
            [(0.6, 0.24), (0.52, 0.262), (0.45, 0.295)],
        ],
        0.008,
        0.5,
    )
    _strokes(c, hair, look.hair_dark, [[(0.585, 0.19), (0.60, 0.24), (0.62, 0.30)]], 0.004, 0.7)


BACK_HAIR = {
    "bun": _bun_back,
    "short": _short_back,
    "curly": _curly_back,
    "hijab": _hijab_back,
    "side_part": _side_part_back,
}
FRONT_HAIR = {
    "bun": _bun_front,
    "short": _short_front,
    "curly": _curly_front,
    "hijab": _hijab_front,
    "side_part": _side_part_front,
}
