"""More hair styles: a chin-length bob, long hair with a centre part, a bald crown.

Same contract as illustrated_hair.py: a back part behind the face, a front part over
it, neither reaching into the eye or mouth sprite boxes' moving parts. Hair below the
chin stays outside the neck (x < 0.44 or > 0.56): the neck is on the body layer, under
the head, and hair there would hide it.
"""

from __future__ import annotations

from core.engines.local.illustrated_canvas import Canvas, Poly, ellipse, mirror, mix, moved, spline
from core.engines.local.illustrated_look import Look

WHITE = (255, 255, 255)


def _strokes(
    c: Canvas, clip: Poly, color: tuple[int, int, int], lines: list, width: float, strength: float
) -> None:
    for pts in lines:
        c.shade(spline(pts, closed=False), color, strength, width * 0.5, clip=clip, stroke=width)


def _mirrored(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    return [points, [(1.0 - x, y) for x, y in points]]


# -- bob: chin length, a side-swept fringe -------------------------------------------------


def _bob_outer() -> Poly:
    return spline(
        mirror(
            [
                (0.47, 0.545),
                (0.40, 0.565),
                (0.37, 0.585),
                (0.335, 0.56),
                (0.318, 0.46),
                (0.322, 0.34),
                (0.352, 0.255),
                (0.41, 0.2),
                (0.475, 0.18),
            ]
        ),
        per=10,
    )


def _bob_back(c: Canvas, look: Look) -> None:
    outer = _bob_outer()
    c.fill(outer, look.hair_dark)
    c.shade(ellipse(0.5, 0.3, 0.12, 0.1), look.hair, 0.6, 0.05, clip=outer)


def _bob_front(c: Canvas, look: Look, face: Poly) -> None:
    left = [
        (0.37, 0.585),
        (0.335, 0.56),
        (0.318, 0.46),
        (0.322, 0.34),
        (0.352, 0.255),
        (0.41, 0.2),
        (0.475, 0.18),
        (0.55, 0.182),
        (0.61, 0.205),
        (0.648, 0.255),
        (0.678, 0.34),
        (0.682, 0.46),
        (0.665, 0.56),
        (0.63, 0.585),
        (0.645, 0.5),
        (0.643, 0.40),
        (0.625, 0.33),
        (0.585, 0.285),
        (0.52, 0.27),
        (0.45, 0.295),
        (0.40, 0.33),
        (0.372, 0.38),
        (0.36, 0.46),
        (0.362, 0.54),
    ]
    hair = spline(left, per=10)
    c.shade(moved(hair, 0.0, 0.012), look.skin_shadow, 0.55, 0.01, clip=face)
    c.fill(hair, look.hair)
    c.shade(ellipse(0.66, 0.45, 0.03, 0.12), look.hair_dark, 0.5, 0.02, clip=hair)
    c.shade(ellipse(0.34, 0.45, 0.02, 0.1), look.hair_dark, 0.35, 0.02, clip=hair)
    _strokes(
        c,
        hair,
        look.hair_light,
        [
            [(0.56, 0.2), (0.48, 0.215), (0.42, 0.25), (0.38, 0.31)],
            [(0.60, 0.23), (0.64, 0.30), (0.66, 0.40)],
            [(0.36, 0.30), (0.34, 0.40), (0.345, 0.50)],
        ],
        0.008,
        0.5,
    )
    _strokes(c, hair, look.hair_dark, [[(0.56, 0.19), (0.54, 0.23), (0.50, 0.27)]], 0.004, 0.6)


# -- long: centre part, falling in front of the shoulders --------------------------------


def _long_back(c: Canvas, look: Look) -> None:
    for side in _mirrored(
        [
            (0.5, 0.19),
            (0.40, 0.21),
            (0.34, 0.28),
            (0.315, 0.40),
            (0.31, 0.55),
            (0.30, 0.70),
            (0.31, 0.84),
            (0.36, 0.86),
            (0.40, 0.80),
            (0.425, 0.68),
            (0.435, 0.58),
            (0.5, 0.5),
        ]
    ):
        lock = spline(side, per=10)
        c.fill(lock, look.hair_dark)


def _long_front(c: Canvas, look: Look, face: Poly) -> None:
    for sign, side in zip(
        (-1, 1),
        _mirrored(
            [
                (0.5, 0.205),
                (0.43, 0.21),
                (0.37, 0.25),
                (0.338, 0.34),
                (0.328, 0.48),
                (0.322, 0.62),
                (0.318, 0.76),
                (0.335, 0.85),
                (0.37, 0.84),
                (0.395, 0.74),
                (0.40, 0.62),
                (0.372, 0.52),
                (0.365, 0.42),
                (0.375, 0.33),
                (0.42, 0.265),
                (0.5, 0.235),
            ]
        ),
        strict=True,
    ):
        lock = spline(side, per=10)
        c.shade(moved(lock, -sign * 0.006, 0.01), look.skin_shadow, 0.5, 0.01, clip=face)
        c.fill(lock, look.hair)
        x = 0.5 + sign * 0.15
        c.shade(ellipse(x + sign * 0.02, 0.62, 0.03, 0.2), look.hair_dark, 0.45, 0.02, clip=lock)
        _strokes(
            c,
            lock,
            look.hair_light,
            [
                [(0.5 + sign * 0.06, 0.225), (0.5 + sign * 0.12, 0.26), (0.5 + sign * 0.15, 0.36)],
                [(0.5 + sign * 0.165, 0.45), (0.5 + sign * 0.162, 0.6), (0.5 + sign * 0.158, 0.75)],
            ],
            0.007,
            0.45,
        )


# -- bald: a shiny crown, short hair over the ears and at the back ------------------------


def _bald_back(c: Canvas, look: Look) -> None:
    crown = ellipse(0.5, 0.335, 0.148, 0.15)
    c.fill(crown, look.skin)
    c.shade(ellipse(0.44, 0.24, 0.05, 0.03), look.skin_light, 0.7, 0.02, clip=crown)
    c.shade(ellipse(0.62, 0.33, 0.05, 0.12), look.skin_shadow, 0.35, 0.03, clip=crown)
    # short hair around the back of the head, from temple to temple behind the ears
    for sign, side in zip(
        (-1, 1),
        _mirrored(
            [
                (0.358, 0.305),
                (0.346, 0.35),
                (0.343, 0.41),
                (0.352, 0.47),
                (0.372, 0.49),
                (0.366, 0.42),
                (0.368, 0.35),
            ]
        ),
        strict=True,
    ):
        fringe = spline(side, per=8)
        c.fill(fringe, look.hair)
        c.shade(fringe, look.hair_dark, 0.35, 0.004, clip=fringe, stroke=0.004)
        x = 0.5 + sign * 0.148
        _strokes(
            c,
            fringe,
            mix(look.hair, WHITE, 0.45),
            [[(x, 0.32), (x - sign * 0.002, 0.37)], [(x + sign * 0.002, 0.39), (x, 0.44)]],
            0.003,
            0.7,
        )


def _bald_front(c: Canvas, look: Look, face: Poly) -> None:
    c.shade(ellipse(0.46, 0.25, 0.05, 0.02), WHITE, 0.35, 0.015, clip=face)


BACK_HAIR_MORE = {"bob": _bob_back, "long": _long_back, "bald": _bald_back}
FRONT_HAIR_MORE = {"bob": _bob_front, "long": _long_front, "bald": _bald_front}
