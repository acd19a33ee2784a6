"""More outfits: a polo shirt, a blouse with embroidered flowers, a shirt, tie and vest.

Drawn in the clothes' coordinates (illustrated_body.py raises them to the shoulders),
over the body shape already filled with ``look.clothes``.
"""

from __future__ import annotations

import numpy as np

from core.engines.local.illustrated_canvas import Canvas, Poly, ellipse, mix, spline

SHADOW = (40, 30, 60)
WHITE = (255, 255, 255)
# Thread colours of the embroidery (the flowers of an Otavalo or Oaxaca blouse)
FLOWERS = ((214, 52, 76), (246, 178, 44), (46, 120, 196), (222, 96, 160), (240, 110, 50))
LEAF = (56, 142, 84)


def _skin(c: Canvas, look, points: list[tuple[float, float]]) -> Poly:
    from core.engines.local.illustrated_body import neck_color

    shape = spline(points)
    c.fill(shape, neck_color(look))
    c.shade(ellipse(0.5, 0.68, 0.07, 0.025), look.skin_shadow, 0.25, 0.015, clip=shape)
    return shape


def _polo(c: Canvas, look, body: Poly) -> None:
    _skin(c, look, [(0.45, 0.69), (0.55, 0.69), (0.525, 0.75), (0.5, 0.765), (0.475, 0.75)])
    dark = mix(look.clothes, SHADOW, 0.3)
    placket = np.array([(0.485, 0.735), (0.515, 0.735), (0.515, 0.86), (0.485, 0.86)])
    c.fill(placket, mix(look.clothes, WHITE, 0.06))
    c.stroke(placket, dark, 0.0025, closed=True)
    for y in (0.775, 0.825):
        c.fill(ellipse(0.5, y, 0.0065, 0.0065, n=20), mix(look.clothes, WHITE, 0.6))
    for sign in (-1, 1):
        collar = spline(
            [
                (0.5 + sign * 0.058, 0.665),
                (0.5 + sign * 0.1, 0.70),
                (0.5 + sign * 0.085, 0.76),
                (0.5 + sign * 0.012, 0.745),
            ],
            per=8,
        )
        c.fill(collar, mix(look.clothes, WHITE, 0.1))
        c.stroke(collar, dark, 0.003, closed=True)
        c.shade(collar, SHADOW, 0.2, 0.006, clip=collar, stroke=0.004)


def _embroidered(c: Canvas, look, body: Poly) -> None:
    neck = _skin(c, look, [(0.415, 0.69), (0.585, 0.69), (0.57, 0.76), (0.5, 0.785), (0.43, 0.76)])
    c.stroke(neck[len(neck) // 5 :], mix(look.clothes, SHADOW, 0.25), 0.004)
    # two rows of flowers around the neckline, leaves between them
    for row, (rx, ry) in enumerate(((0.1, 0.105), (0.135, 0.145))):
        angles = np.linspace(20, 160, 9 - row)
        for k, a in enumerate(np.radians(angles)):
            x, y = 0.5 + rx * np.cos(a), 0.68 + ry * np.sin(a)
            color = FLOWERS[(k + 2 * row) % len(FLOWERS)]
            for petal in range(5):
                p = np.radians(72 * petal + 18 * k)
                px, py = x + 0.0085 * np.cos(p), y + 0.0085 * np.sin(p)
                c.fill(ellipse(px, py, 0.0065, 0.0065, n=16), color)
            c.fill(ellipse(x, y, 0.004, 0.004, n=12), FLOWERS[1] if color != FLOWERS[1] else WHITE)
            c.fill(ellipse(x + 0.016, y + 0.006, 0.006, 0.003, angle=35, n=14), LEAF)
    # pleats of the sleeves
    for sign in (-1, 1):
        c.shade(
            spline([(0.5 + sign * 0.25, 0.80), (0.5 + sign * 0.26, 0.95)], closed=False),
            mix(look.clothes, SHADOW, 0.2),
            0.5,
            0.006,
            clip=body,
            stroke=0.006,
        )


def _vest(c: Canvas, look, body: Poly) -> None:
    shirt = look.inner
    tie = look.accent or (60, 80, 130)
    # the shirt shows in a deep V, with its collar and the tie
    v = np.array([(0.40, 0.69), (0.60, 0.69), (0.5, 0.93)])
    c.fill(v, shirt)
    c.shade(ellipse(0.55, 0.8, 0.04, 0.1), SHADOW, 0.12, 0.02, clip=v)
    knot = np.array([(0.485, 0.708), (0.515, 0.708), (0.51, 0.735), (0.49, 0.735)])
    blade = np.array([(0.49, 0.733), (0.51, 0.733), (0.522, 0.85), (0.5, 0.875), (0.478, 0.85)])
    c.fill(blade, tie)
    c.fill(knot, mix(tie, SHADOW, 0.2))
    c.shade(blade, mix(tie, WHITE, 0.3), 0.25, 0.004, clip=blade, stroke=0.003)
    for sign in (-1, 1):
        collar = np.array(
            [
                (0.5 + sign * 0.055, 0.67),
                (0.5 + sign * 0.07, 0.715),
                (0.5 + sign * 0.052, 0.755),
                (0.5 + sign * 0.01, 0.712),
            ]
        )
        c.fill(collar, shirt)
        c.stroke(collar, mix(shirt, SHADOW, 0.25), 0.003, closed=True)
        # the vest's ribbed V edge
        edge = np.array([(0.5 + sign * 0.115, 0.705), (0.5, 0.935)])
        c.stroke(edge, mix(look.clothes, WHITE, 0.15), 0.012)
        c.stroke(edge, mix(look.clothes, SHADOW, 0.3), 0.003)
    c.fill(ellipse(0.5, 0.975, 0.007, 0.007), mix(look.clothes, SHADOW, 0.45))
    # shirt sleeves beyond the vest's armholes
    for sign in (-1, 1):
        sleeve = spline(
            [
                (0.5 + sign * 0.33, 0.74),
                (0.5 + sign * 0.372, 0.80),
                (0.5 + sign * 0.375, 2.0),
                (0.5 + sign * 0.30, 2.0),
                (0.5 + sign * 0.285, 0.86),
            ],
            per=8,
        )
        c.fill(sleeve, shirt, opaque=False)
        c.shade(sleeve, SHADOW, 0.18, 0.01, clip=sleeve, stroke=0.01)


MORE_OUTFITS = {"polo": _polo, "embroidered": _embroidered, "vest": _vest}
