"""A tiny vector canvas for the illustrated presenters: shapes in normalised units.

Every presenter is drawn in a coordinate system where the frame is 1×1 (x right,
y down), so one drawing serves every output size. The canvas maps those units to
supersampled pixels (the caller downsizes with INTER_AREA, which is what makes the
edges smooth), and can be a small crop of the frame: per-frame sprites (mouth, eyes)
are drawn with the very same code on a canvas that only covers their box.

Shapes are polygons (``(N, 2)`` float arrays in normalised units); soft shading blurs
only the bounding box of its shape, so even a 3000 px canvas shades quickly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

RGB = tuple[int, int, int]
Poly = np.ndarray  # (N, 2) float64, normalised units

_SHIFT = 4  # fractional bits for cv2 drawing: sub-pixel precise outlines
_ONE = 1 << _SHIFT
FIXED_ONE = _ONE  # Canvas.px() returns pixels × FIXED_ONE


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Colour ``t`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def ellipse(
    cx: float,
    cy: float,
    rx: float,
    ry: float,
    angle: float = 0.0,
    start: float = 0.0,
    end: float = 360.0,
    n: int = 72,
) -> Poly:
    """Points on an ellipse (an arc from ``start`` to ``end`` degrees if given)."""
    t = np.radians(np.linspace(start, end, n, endpoint=(end - start) < 360.0))
    x, y = rx * np.cos(t), ry * np.sin(t)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return np.stack([cx + x * c - y * s, cy + x * s + y * c], axis=1)


def spline(points: Sequence[tuple[float, float]], closed: bool = True, per: int = 14) -> Poly:
    """A smooth Catmull-Rom curve through ``points``: organic shapes from a few points."""
    p = np.asarray(points, dtype=np.float64)
    n = len(p)
    if n < 3:
        return p
    if closed:
        idx = [(i + k) % n for i in range(n) for k in (-1, 0, 1, 2)]
        segs = n
    else:
        padded = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
        p, idx, segs = padded, [i + k for i in range(n - 1) for k in (0, 1, 2, 3)], n - 1
    quads = p[np.array(idx)].reshape(segs, 4, 2)
    t = np.linspace(0.0, 1.0, per, endpoint=False)[:, None]
    t2, t3 = t * t, t * t * t
    out = []
    for p0, p1, p2, p3 in quads:
        out.append(
            0.5
            * (
                2 * p1
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
            )
        )
    if not closed:
        out.append(p[-2][None, :])
    return np.vstack(out)


def moved(poly: Poly, dx: float, dy: float) -> Poly:
    """``poly`` translated by (dx, dy) units (for offset shadows and highlights)."""
    return np.asarray(poly) + np.array([dx, dy])


def mirror(points: Sequence[tuple[float, float]], cx: float = 0.5) -> list[tuple[float, float]]:
    """Left-half control points + their mirror image (reversed): symmetric outlines."""
    pts = list(points)
    return pts + [(2 * cx - x, y) for x, y in reversed(pts)]


@dataclass
class Canvas:
    """Straight RGB + coverage alpha, ``scale`` px per unit, pixel (0, 0) at (``ox``, ``oy``)."""

    rgb: np.ndarray
    alpha: np.ndarray
    scale: float
    ox: float = 0.0
    oy: float = 0.0

    @classmethod
    def blank(cls, width: int, height: int, scale: float, ox: float = 0.0, oy: float = 0.0):
        return cls(
            np.zeros((height, width, 3), np.uint8),
            np.zeros((height, width), np.uint8),
            scale,
            ox,
            oy,
        )

    def copy(self) -> Canvas:
        return Canvas(self.rgb.copy(), self.alpha.copy(), self.scale, self.ox, self.oy)

    def px(self, poly: Poly) -> np.ndarray:
        """Normalised points → fixed-point pixel coordinates for cv2 (``shift`` bits)."""
        xy = (np.asarray(poly) - (self.ox, self.oy)) * (self.scale * _ONE)
        return np.round(xy).astype(np.int32)

    def w(self, units: float) -> int:
        """A line width in pixels (at least 1)."""
        return max(1, round(units * self.scale))

    # -- solid shapes ---------------------------------------------------------------
    def fill(self, polys: Poly | list[Poly], color: RGB, opaque: bool = True) -> None:
        """Fill polygons; ``opaque`` also marks them as covered in the alpha channel."""
        pts = [self.px(p) for p in (polys if isinstance(polys, list) else [polys])]
        cv2.fillPoly(self.rgb, pts, color, cv2.LINE_AA, _SHIFT)
        if opaque:
            cv2.fillPoly(self.alpha, pts, 255, cv2.LINE_AA, _SHIFT)

    def stroke(
        self, poly: Poly, color: RGB, width: float, closed: bool = False, opaque: bool = False
    ) -> None:
        """A line of ``width`` units along ``poly``, round-capped."""
        pts = self.px(poly)
        th = self.w(width)
        cv2.polylines(self.rgb, [pts], closed, color, th, cv2.LINE_AA, _SHIFT)
        if opaque:
            cv2.polylines(self.alpha, [pts], closed, 255, th, cv2.LINE_AA, _SHIFT)
        for end in (pts[0], pts[-1]) if not closed else ():
            center = (int(end[0]), int(end[1]))
            cv2.circle(self.rgb, center, (th * _ONE) // 2, color, -1, cv2.LINE_AA, _SHIFT)

    def mask(self, polys: Poly | list[Poly], box: tuple[int, int, int, int] | None = None):
        """A uint8 coverage mask of ``polys`` (over the whole canvas or the pixel ``box``)."""
        x0, y0, x1, y1 = box or (0, 0, self.rgb.shape[1], self.rgb.shape[0])
        m = np.zeros((y1 - y0, x1 - x0), np.uint8)
        pts = [self.px(p) - (x0 * _ONE, y0 * _ONE) for p in _as_list(polys)]
        cv2.fillPoly(m, pts, 255, cv2.LINE_AA, _SHIFT)
        return m

    # -- soft shading -----------------------------------------------------------------
    def shade(
        self,
        shape: Poly | list[Poly],
        color: RGB,
        strength: float,
        blur: float,
        clip: Poly | list[Poly] | None = None,
        stroke: float = 0.0,
    ) -> None:
        """Blend ``color`` into a blurred ``shape`` (or a stroke along it), clipped to ``clip``.

        Only the shape's bounding box (plus the blur) is touched, so shading stays cheap.
        ``clip=None`` clips to what is already painted (the alpha channel).
        """
        sigma = max(0.5, blur * self.scale)
        pad = int(3 * sigma) + 2
        allpts = np.vstack([self.px(p) for p in _as_list(shape)]) // _ONE
        h, w = self.alpha.shape
        x0, y0 = max(0, int(allpts[:, 0].min()) - pad), max(0, int(allpts[:, 1].min()) - pad)
        x1, y1 = min(w, int(allpts[:, 0].max()) + pad), min(h, int(allpts[:, 1].max()) + pad)
        if x1 <= x0 or y1 <= y0:
            return
        box = (x0, y0, x1, y1)
        if stroke > 0:
            m = np.zeros((y1 - y0, x1 - x0), np.uint8)
            for p in _as_list(shape):
                pts = self.px(p) - (x0 * _ONE, y0 * _ONE)
                cv2.polylines(m, [pts], False, 255, self.w(stroke), cv2.LINE_AA, _SHIFT)
        else:
            m = self.mask(shape, box)
        soft = _blur(m.astype(np.float32), sigma) * (strength / 255.0)
        cover = self.alpha[y0:y1, x0:x1].astype(np.float32) / 255.0
        if clip is not None:
            soft *= self.mask(clip, box).astype(np.float32) / 255.0
        # The canvas is premultiplied where it was drawn on nothing (a layer's edges): tint
        # towards the colour *at that pixel's coverage*, so edges never turn pale or light.
        region = self.rgb[y0:y1, x0:x1].astype(np.float32)
        target = np.asarray(color, np.float32) * cover[..., None]
        region += (target - region) * (soft * cover)[..., None]
        self.rgb[y0:y1, x0:x1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)


def _blur(m: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; wide ones run on a smaller copy (they have no fine detail to lose)."""
    factor = int(sigma // 4)
    if factor < 2 or min(m.shape) < 8 * factor:
        return cv2.GaussianBlur(m, (0, 0), sigma)
    h, w = m.shape
    small = cv2.resize(m, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / factor)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _as_list(polys: Poly | list[Poly]) -> list[Poly]:
    return polys if isinstance(polys, list) else [polys]
