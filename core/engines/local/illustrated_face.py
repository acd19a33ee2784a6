"""The parts of the face that move: eyes (blink) and mouth (``MouthPose``), plus overlays.

These functions draw on any canvas, full frame or a small crop, so the presenter can
render each distinct pose once as a sprite and reuse it. The mouth is one continuous
shape driven by the five pose values, so in-between poses (coarticulation) look like a
mouth moving, not like a cross-fade between pictures:

* ``open`` drops the lower lip and shows teeth, dark inside and tongue;
* ``wide`` stretches the corners and lifts them (a smile with both rows of teeth);
* ``round`` narrows the mouth into a small "o" with fuller lips;
* ``press`` rolls the lips in to a firm straight line;
* ``teeth_on_lip`` rests the upper teeth on the lower lip (f, v).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from core.engines.local.illustrated_canvas import (
    FIXED_ONE,
    Canvas,
    Poly,
    ellipse,
    mix,
    moved,
    spline,
)
from core.engines.local.illustrated_look import EYE_DX, EYE_Y, FACE_CX, MOUTH_X, MOUTH_Y, Look
from core.engines.local.types import MouthPose

MOUTH_INSIDE = (92, 30, 40)
TEETH = (252, 250, 244)
TONGUE = (222, 104, 112)
EYE_WHITE = (250, 249, 246)
PUPIL = (28, 22, 28)
LASH = (40, 28, 30)


def _inside(c: Canvas, clip: Poly, draw: Callable[[Canvas], None]) -> None:
    """Run ``draw`` on a copy of the clip's box, keep only what falls inside ``clip``."""
    pts = c.px(clip) // FIXED_ONE
    h, w = c.alpha.shape
    x0, y0 = max(0, int(pts[:, 0].min()) - 2), max(0, int(pts[:, 1].min()) - 2)
    x1, y1 = min(w, int(pts[:, 0].max()) + 3), min(h, int(pts[:, 1].max()) + 3)
    if x1 <= x0 or y1 <= y0:
        return
    sub = Canvas(
        c.rgb[y0:y1, x0:x1].copy(),
        c.alpha[y0:y1, x0:x1].copy(),
        c.scale,
        c.ox + x0 / c.scale,
        c.oy + y0 / c.scale,
    )
    draw(sub)
    m = sub.mask(clip).astype(np.uint16)[..., None]
    region = c.rgb[y0:y1, x0:x1].astype(np.uint16)
    c.rgb[y0:y1, x0:x1] = ((sub.rgb * m + region * (255 - m) + 127) // 255).astype(np.uint8)


# -- eyes ----------------------------------------------------------------------------------


def _eye_lids(cx: float, n: int = 25) -> tuple[Poly, Poly]:
    """Upper and lower lid curves of one eye, left to right (an almond shape)."""
    x = np.linspace(-1.0, 1.0, n)
    rx = 0.0265
    upper = EYE_Y - 0.0175 * (1 - x**2) ** 0.8 - 0.002 * x * (1 if cx > FACE_CX else -1)
    lower = EYE_Y + 0.0115 * (1 - x**2) ** 1.1
    xs = cx + rx * x
    return np.stack([xs, upper], 1), np.stack([xs, lower], 1)


def draw_eyes(c: Canvas, blink: float, look: Look) -> None:
    """Both eyes; ``blink`` 0 open .. 1 closed (the upper lid comes down to the lower)."""
    for sign in (-1, 1):
        cx = FACE_CX + sign * EYE_DX
        upper, lower = _eye_lids(cx)
        almond = np.vstack([upper, lower[::-1]])
        lid = upper.copy()
        lid[:, 1] = upper[:, 1] + (lower[:, 1] - upper[:, 1]) * blink

        def iris(sub: Canvas, cx: float = cx, lid: Poly = lid) -> None:
            sub.fill(ellipse(cx, EYE_Y + 0.001, 0.0145, 0.0145, n=40), look.iris)
            sub.stroke(
                ellipse(cx, EYE_Y + 0.001, 0.0138, 0.0138, n=40),
                mix(look.iris, PUPIL, 0.5),
                0.0025,
                closed=True,
            )
            sub.fill(ellipse(cx, EYE_Y + 0.001, 0.0068, 0.0068, n=32), PUPIL)
            sub.fill(ellipse(cx - 0.005, EYE_Y - 0.005, 0.0038, 0.0038, n=20), (255, 255, 255))
            sub.fill(ellipse(cx + 0.005, EYE_Y + 0.006, 0.0016, 0.0016, n=12), (235, 235, 240))
            cover = np.vstack([lid, [(cx + 0.04, EYE_Y - 0.04), (cx - 0.04, EYE_Y - 0.04)]])
            sub.fill(cover, mix(look.skin, look.skin_shadow, 0.18))

        c.fill(almond, EYE_WHITE)
        _inside(c, almond, iris)
        width = 0.0042 + 0.0015 * blink
        c.stroke(lid, LASH, width)
        if blink < 0.95:
            c.stroke(lower[3:-3], mix(look.skin, look.skin_shadow, 0.6), 0.0018)
        if look.lashes:
            end = lid[-1] if sign > 0 else lid[0]
            flick = np.array([end, moved(end, sign * 0.008, -0.006 * (1 - blink) - 0.002)])
            c.stroke(flick, LASH, 0.0035)


def draw_eye_overlay(c: Canvas, look: Look) -> None:
    """Glasses, drawn over the eyes (and so redrawn on every eye sprite)."""
    if look.glasses is None:
        return
    frame = look.glasses
    for sign in (-1, 1):
        cx = FACE_CX + sign * EYE_DX
        rim = spline(
            [
                (cx - 0.040, EYE_Y - 0.026),
                (cx, EYE_Y - 0.030),
                (cx + 0.040, EYE_Y - 0.026),
                (cx + 0.038, EYE_Y + 0.018),
                (cx, EYE_Y + 0.032),
                (cx - 0.038, EYE_Y + 0.018),
            ],
            per=10,
        )
        c.stroke(rim, frame, 0.0055, closed=True)
        glare = np.array([(cx - 0.024 * sign, EYE_Y + 0.016), (cx - 0.012 * sign, EYE_Y + 0.004)])
        c.shade(glare if sign < 0 else glare[::-1], (255, 255, 255), 0.55, 0.002, stroke=0.004)
        c.stroke(
            np.array([(cx + sign * 0.040, EYE_Y - 0.02), (cx + sign * 0.086, EYE_Y - 0.016)]),
            frame,
            0.0045,
        )
    c.stroke(
        spline([(0.482, EYE_Y - 0.012), (0.5, EYE_Y - 0.02), (0.518, EYE_Y - 0.012)], closed=False),
        frame,
        0.005,
    )


def draw_brows(c: Canvas, look: Look, lift: float) -> None:
    """Both eyebrows; ``lift`` -1 knitted .. 0 relaxed .. 1 raised (arched up, a little apart)."""
    up = 0.013 * max(0.0, lift)
    knit = 0.006 * max(0.0, -lift)
    for sign in (-1, 1):

        def at(dx: float, dy: float, s: int = sign) -> tuple[float, float]:
            inner = (0.031 - dx) / 0.055  # 1 at the end near the nose, 0 at the temple
            rise = up * (0.8 + 0.4 * inner) - knit * inner
            return (FACE_CX + s * (EYE_DX + dx - 0.3 * knit * inner), EYE_Y - 0.05 + dy - rise)

        top = [at(-0.024, -0.001), at(-0.006, -0.01), at(0.016, -0.01), at(0.031, 0.002)]
        bottom = [at(0.03, 0.0045), at(0.014, -0.002), at(-0.006, -0.002), at(-0.024, 0.0075)]
        c.fill(spline(top + bottom, per=8), look.brow)


# -- mouth ---------------------------------------------------------------------------------


def _profile(x: np.ndarray, half: float, power: float) -> np.ndarray:
    """1 at the centre, 0 at ±half: the opening's shape (power 2 ellipse, higher = boxier)."""
    u = np.clip(np.abs(x) / half, 0.0, 1.0)
    return (1.0 - u**power) ** (1.0 / power)


def draw_mouth(c: Canvas, pose: MouthPose, look: Look, grin: float = 0.0) -> None:
    """The mouth for ``pose``; all-zero pose is a relaxed closed mouth, ``grin`` 0..1 a smile."""
    o, wd, rd, pr, tl = pose.open, pose.wide, pose.round, pose.press, pose.teeth_on_lip
    half = 0.046 * (1 + 0.3 * wd - 0.36 * rd - 0.08 * pr + 0.05 * o + 0.1 * grin)
    gap = (0.064 * o + 0.026 * rd + 0.01 * wd) * (1 - pr) * (1 - 0.8 * tl)
    smile = (0.005 + 0.011 * wd + 0.011 * grin) * (1 - rd) * (1 - 0.7 * pr) * (1 - 0.4 * o)
    power = 2.0 + 1.8 * wd * (1 - rd) + 0.4 * o
    up_frac = 0.3 + 0.1 * wd
    t_up = 0.0085 * (1 + 0.5 * rd) * (1 - 0.8 * pr) * (1 - 0.15 * grin)
    t_lo = 0.0125 * (1 + 0.45 * rd) * (1 - 0.75 * pr) * (1 - 0.3 * tl)
    lip_raise = 0.0075 * tl  # the lower lip tucks up under the teeth for f/v

    x = np.linspace(-half, half, 41)
    xo = np.linspace(-half - 0.005, half + 0.005, 45)
    lift = smile * (x / half) ** 2
    lift_o = smile * np.clip(np.abs(xo) / half, 0, 1.2) ** 2
    f = _profile(x, half, power)
    fo = _profile(xo, half + 0.005, 2.2)
    bow = 0.0026 * np.exp(-((xo / 0.008) ** 2)) * (1 - rd) - 0.0014 * np.exp(
        -(((np.abs(xo) - 0.013) / 0.007) ** 2)
    )
    in_top = MOUTH_Y - gap * up_frac * f - lift
    in_bot = MOUTH_Y + gap * (1 - up_frac) * f - lift - lip_raise * f
    out_top = MOUTH_Y - gap * up_frac * fo - t_up * fo**0.6 - lift_o + bow
    out_bot = MOUTH_Y + gap * (1 - up_frac) * fo + t_lo * fo**0.7 - lift_o - lip_raise * fo
    mx = MOUTH_X + x
    mxo = MOUTH_X + xo

    lip = look.lip_color
    lip_dark = mix(lip, (60, 20, 30), 0.25)
    upper_lip = np.vstack([np.stack([mxo, out_top], 1), np.stack([mx, in_top], 1)[::-1]])
    lower_lip = np.vstack([np.stack([mx, in_bot], 1), np.stack([mxo, out_bot], 1)[::-1]])
    inner = np.vstack([np.stack([mx, in_top], 1), np.stack([mx, in_bot], 1)[::-1]])

    # a soft shadow under the lower lip gives it volume; pressing bunches the chin
    c.shade(
        ellipse(MOUTH_X, out_bot.max() + 0.008, half * 0.6, 0.005 + 0.003 * pr),
        look.skin_shadow,
        0.35 + 0.25 * pr,
        0.005,
    )
    c.fill(lower_lip, lip)
    c.fill(upper_lip, lip_dark)
    c.shade(
        ellipse(MOUTH_X - 0.006, out_bot.max() - t_lo * 0.45, half * 0.35, 0.0025),
        (255, 255, 255),
        0.35 * (1 - pr),
        0.003,
    )
    if gap > 0.0025:
        c.fill(inner, MOUTH_INSIDE)

        def inside(sub: Canvas) -> None:
            top = MOUTH_Y - gap * up_frac - smile
            teeth_h = min(0.015, 0.35 * gap + 0.005) * (1 - 0.5 * rd)
            sub.fill(
                np.array(
                    [
                        (MOUTH_X - half, top - 0.02),
                        (MOUTH_X + half, top - 0.02),
                        (MOUTH_X + half, top + teeth_h),
                        (MOUTH_X - half, top + teeth_h),
                    ]
                ),
                TEETH,
            )
            if wd > 0.2 or o > 0.6:
                bottom = MOUTH_Y + gap * (1 - up_frac) - lift.min() - lip_raise
                low_h = 0.008 * max(wd, 0.6 * (o - 0.5))
                sub.fill(
                    np.array(
                        [
                            (MOUTH_X - half, bottom - low_h),
                            (MOUTH_X + half, bottom - low_h),
                            (MOUTH_X + half, bottom + 0.02),
                            (MOUTH_X - half, bottom + 0.02),
                        ]
                    ),
                    mix(TEETH, (200, 200, 205), 0.15),
                )
            if o > 0.25:
                bottom = MOUTH_Y + gap * (1 - up_frac)
                tongue = ellipse(MOUTH_X, bottom + 0.002, half * 0.62, gap * 0.36 * o + 0.002)
                sub.fill(tongue, TONGUE)
                sub.shade(
                    np.array([(MOUTH_X, bottom - gap * 0.3 * o), (MOUTH_X, bottom)]),
                    mix(TONGUE, MOUTH_INSIDE, 0.5),
                    0.5,
                    0.002,
                    clip=tongue,
                    stroke=0.003,
                )

        _inside(c, inner, inside)
        c.stroke(np.stack([mx, in_top], 1), mix(lip_dark, MOUTH_INSIDE, 0.5), 0.0015)
    else:
        line = np.stack([mx, MOUTH_Y - lift + 0.0005], 1)
        c.stroke(line, mix(lip_dark, LASH, 0.45 + 0.3 * pr), 0.0032 + 0.0022 * pr)
    if tl > 0.05:
        # upper teeth resting on the lower lip
        y0 = MOUTH_Y - gap * up_frac - 0.004
        y1 = MOUTH_Y + 0.0075 * tl - lip_raise * 0.3
        tw = half * 0.72
        teeth = spline(
            [
                (MOUTH_X - tw, y0),
                (MOUTH_X + tw, y0),
                (MOUTH_X + tw * 0.95, y1),
                (MOUTH_X, y1 + 0.001),
                (MOUTH_X - tw * 0.95, y1),
            ],
            per=6,
        )
        c.fill(teeth, mix(lip_dark, TEETH, min(1.0, tl * 1.3)))
        c.stroke(np.stack([MOUTH_X + x * 0.85, in_top - 0.001], 1), lip_dark, 0.003)
    for sign in (-1, 1):
        corner = (MOUTH_X + sign * (half + 0.003), MOUTH_Y - smile - 0.0005)
        dimple = np.array(
            [corner, (corner[0] + sign * 0.004, corner[1] - 0.003 * (1 - pr) + 0.002 * pr)]
        )
        c.stroke(dimple, mix(look.skin_shadow, lip_dark, 0.3), 0.0022 + 0.001 * pr)
    if look.moustache:  # last: it lies over the lip and the corners
        _moustache(c, look, float(out_top.min()))


def _moustache(c: Canvas, look: Look, lip_top: float) -> None:
    """A full moustache resting on the upper lip (it rises with the lip as the mouth opens)."""
    y = min(max(lip_top + 0.004, MOUTH_Y - 0.016), MOUTH_Y - 0.004)
    shape = spline(
        [
            (MOUTH_X - 0.052, y + 0.007),
            (MOUTH_X - 0.038, y - 0.009),
            (MOUTH_X - 0.012, y - 0.016),
            (MOUTH_X, y - 0.012),
            (MOUTH_X + 0.012, y - 0.016),
            (MOUTH_X + 0.038, y - 0.009),
            (MOUTH_X + 0.052, y + 0.007),
            (MOUTH_X + 0.03, y + 0.002),
            (MOUTH_X, y + 0.003),
            (MOUTH_X - 0.03, y + 0.002),
        ],
        per=8,
    )
    c.fill(shape, look.hair)
    c.shade(ellipse(MOUTH_X, y - 0.01, 0.04, 0.005), look.hair_light, 0.35, 0.004, clip=shape)
    c.shade(ellipse(MOUTH_X, y + 0.002, 0.05, 0.004), look.hair_dark, 0.5, 0.004, clip=shape)


def downscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Box-filter downsizing (exact for integer factors): supersampled art → output pixels."""
    h, w = img.shape[:2]
    return cv2.resize(img, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
