"""The inside of the mouth, painted into the gap the warp opens between the person's lips.

Never a flat black void: a shaded cavity (darkest at the back and the corners, a contact shadow
under the lips), the upper teeth hanging from the upper lip, the lower teeth behind the lower lip
when the jaw drops far enough, the tongue on open vowels. Teeth take the colour of the person's
own teeth when the photo shows them, else a lit off-white that matches the skin's lighting.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import cv2
import numpy as np

SUB = 4  # subpixel bits for the polygon (1/16 px)
HALF_RES_FROM = 60  # px: a mouth at least this wide has its inside shaded at half resolution


@dataclass(frozen=True)
class MouthLook:
    tooth: np.ndarray  # RGB float32 of a lit tooth
    light: float  # skin brightness, 1 = typical: the cavity and tongue follow it
    mouth_width: float  # px at rest
    lip: np.ndarray = field(  # RGB float32 of the person's lips: the wet inside and tongue
        default_factory=lambda: np.array([180.0, 100.0, 100.0], np.float32)
    )
    soft: float = 0.0  # px: the photo's softness here (an enlarged photo is blurred by it)
    grain: float = 0.0  # the photo's noise (levels, one standard deviation)
    seam: float = 0.85  # how dark the line where the lips meet is drawn (0 = not at all)


@dataclass(frozen=True)
class OwnTeeth:
    """The teeth a photo shows between its lips, to be carried along with the upper lip."""

    image: np.ndarray  # the photo (canvas), RGB uint8
    inner: np.ndarray  # the photo's inner-lip points (8, 2), 60..67 order
    _curves: list[np.ndarray] = field(default_factory=list, repr=False)  # upper, lower

    def _lips(self) -> tuple[np.ndarray, np.ndarray]:
        if not self._curves:
            per = 6
            curve = _spline(self.inner, per)
            self._curves.extend([curve[: 4 * per + 1], np.vstack([curve[4 * per :], curve[:1]])])
        return self._curves[0], self._curves[1]

    def sample(
        self, xs: np.ndarray, ys: np.ndarray, top: np.ndarray, cx: float, half: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """(colours, 0..1 how much the photo shows there) for a mouth whose upper lip's
        inside runs along ``top``, centred at ``cx`` with half-width ``half``."""
        upper, lower = self._lips()
        own_cx = float((self.inner[0, 0] + self.inner[4, 0]) / 2.0)
        own_half = max(2.0, float(abs(self.inner[4, 0] - self.inner[0, 0])) / 2.0)
        sx = own_cx + (xs - cx) * (own_half / half)
        own_top = _chain(upper, sx)[None, :]
        own_gap = np.maximum(_chain(lower, sx) - own_top[0], 0.0)[None, :]
        below = ys - top  # how far under the upper lip, in the moved mouth
        map_x = np.broadcast_to(sx[None, :], below.shape).astype(np.float32)
        map_y = (own_top + below).astype(np.float32)
        colours = cv2.remap(self.image, map_x, map_y, cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        # Only the upper part of what the photo showed (its lower lip's shadow is not teeth).
        seen = np.clip((0.7 * own_gap - below) / 1.5, 0.0, 1.0)
        seen *= np.clip(1.0 - (np.abs(sx - own_cx)[None, :] / (0.9 * own_half)) ** 4, 0.0, 1.0)
        return colours.astype(np.float32), seen


@functools.cache
def _basis(n: int, per: int) -> np.ndarray:
    """(n·per, n): each curve point as a weighted sum of the n control points."""
    t = np.linspace(0.0, 1.0, per, endpoint=False)
    # Catmull-Rom weights of p[i-1], p[i], p[i+1], p[i+2] at t.
    w = 0.5 * np.stack(
        [-t + 2 * t**2 - t**3, 2 - 5 * t**2 + 3 * t**3, t + 4 * t**2 - 3 * t**3, -(t**2) + t**3],
        axis=1,
    )
    out = np.zeros((n * per, n))
    for i in range(n):
        for k, offset in enumerate((-1, 0, 1, 2)):
            out[i * per : (i + 1) * per, (i + offset) % n] += w[:, k]
    return out


def _spline(points: np.ndarray, per: int = 6) -> np.ndarray:
    """A closed Catmull-Rom curve through ``points`` (rounder lips than straight segments)."""
    return _basis(len(points), per) @ points


def _chain(curve: np.ndarray, xs: np.ndarray) -> np.ndarray:
    order = np.argsort(curve[:, 0], kind="stable")
    return np.interp(xs, curve[order, 0], curve[order, 1])


@functools.cache
def _grain(size: int, scale: float) -> np.ndarray:
    """A fixed tile of film grain (unit standard deviation), ``size`` px square and seamless,
    its specks ``scale`` px across (the photo's own, enlarged with it): the same every run."""
    cells = max(4, round(size / scale))
    noise = np.random.default_rng(20261129).standard_normal((cells, cells)).astype(np.float32)
    tile = np.tile(noise, (3, 3))  # resized with its neighbours around it: no seam
    big = cv2.resize(tile, (3 * size, 3 * size), interpolation=cv2.INTER_LINEAR)
    out = big[size : 2 * size, size : 2 * size]
    return np.tile(out / max(1e-3, float(out.std())), (2, 2))


def _grain_at(look: MouthLook, shape: tuple[int, int], anchor: np.ndarray) -> np.ndarray:
    """The photo's grain over a region, fixed to the mouth (``anchor``: its left corner in the
    region)."""
    size = 64
    while size < max(shape):
        size *= 2
    tile = _grain(size, round(max(1.0, look.soft / 0.5) * 4) / 4)
    oy, ox = int(-np.floor(anchor[1])) % size, int(-np.floor(anchor[0])) % size
    return tile[oy : oy + shape[0], ox : ox + shape[1]]


def paint_inside(
    out: np.ndarray,
    origin: tuple[int, int],
    inner: np.ndarray,
    look: MouthLook,
    opened: float,
    rnd: float,
    wide: float,
    teeth_lip: float,
    own_teeth: OwnTeeth | None = None,
    shown: float = 1.0,
) -> None:
    """Paint the mouth interior inside the polygon ``inner`` (the 8 inner-lip points, canvas
    pixels, 60..67 order) into ``out`` (an RGB uint8 region whose top-left is ``origin``).

    With ``own_teeth`` (a photo that shows its teeth), the upper teeth are the person's own,
    carried along under the upper lip; drawn teeth fill only what the photo did not show.
    What is painted is as soft and as grainy as the photo around it.
    """
    ox, oy = origin
    per = 6
    curve = _spline(inner, per)
    upper = curve[: 4 * per + 1]  # 60 → 61 → 62 → 63 → 64
    lower = np.vstack([curve[4 * per :], curve[:1]])  # 64 → 65 → 66 → 67 → 60
    margin = 2 + int(np.ceil(2.5 * look.soft))
    x0 = max(ox, int(np.floor(curve[:, 0].min())) - margin)
    x1 = min(ox + out.shape[1], int(np.ceil(curve[:, 0].max())) + margin + 1)
    y0 = max(oy, int(np.floor(curve[:, 1].min())) - margin)
    y1 = min(oy + out.shape[0], int(np.ceil(curve[:, 1].max())) + margin + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    h, w = y1 - y0, x1 - x0
    region = out[y0 - oy : y1 - oy, x0 - ox : x1 - ox]
    _seam(region, (upper, lower), (x0, y0), look, per)
    mask = np.zeros((h, w), np.uint8)
    pts = np.round((curve - [x0, y0]) * (1 << SUB)).astype(np.int32)
    cv2.fillPoly(mask, [pts], 255, cv2.LINE_AA, shift=SUB)
    if not mask.any():
        return
    xs = np.arange(x0, x1, dtype=np.float32)  # float32 throughout: half the memory traffic
    lips = (upper, lower)
    alpha = mask.astype(np.float32) / 255.0
    alpha *= np.clip(_chain(lower, xs) - _chain(upper, xs), 0.0, 1.0).astype(np.float32)[None, :]
    alpha *= np.float32(shown)  # < 1: the photo's own mouth still shows through (easing off it)
    # The corners are the warp's (smoothed with the cheeks): the inside fades out before them.
    cx = float((inner[0, 0] + inner[4, 0]) / 2.0)
    half = max(2.0, float(abs(inner[4, 0] - inner[0, 0])) / 2.0)
    alpha *= np.clip((1.0 - np.abs(xs - cx) / half) / 0.08, 0.0, 1.0)[None, :]
    look_at = _Mouth(inner, look, opened, rnd, wide, teeth_lip, own_teeth)
    f = 2 if w >= HALF_RES_FROM else 1
    if f == 1:
        colour = look_at.colour(xs, np.arange(y0, y1, dtype=np.float32), lips, 1)
    else:
        # The inside is smooth shading: worked out on every other pixel, then resized.
        wl, hl = -(-w // f), -(-h // f)
        xs_l = (x0 + (f - 1) / 2.0 + f * np.arange(wl)).astype(np.float32)
        ys_l = (y0 + (f - 1) / 2.0 + f * np.arange(hl)).astype(np.float32)
        low = look_at.colour(xs_l, ys_l, lips, f)
        if look.soft > 0.3:  # an enlarged photo is soft: so is what is drawn into it
            low = cv2.GaussianBlur(low, (0, 0), 0.7 * look.soft / f)
        colour = cv2.resize(low, (wl * f, hl * f), interpolation=cv2.INTER_LINEAR)[:h, :w]
    if look.soft > 0.3:
        alpha = cv2.GaussianBlur(alpha, (0, 0), look.soft)
        if f == 1:
            colour = cv2.GaussianBlur(colour, (0, 0), 0.7 * look.soft)
    if look.grain > 0.3:
        anchor = inner[0] - [x0, y0]
        colour += (look.grain * _grain_at(look, (h, w), anchor))[..., None]
    mix = region.astype(np.float32)
    mix += (colour - mix) * alpha[..., None]
    region[:] = np.clip(mix + 0.5, 0, 255).astype(np.uint8)


def _seam(
    region: np.ndarray,
    lips: tuple[np.ndarray, np.ndarray],
    origin: tuple[int, int],
    look: MouthLook,
    per: int,
) -> None:
    """Where the lips meet, the shadow between them: the lips' own pixels darkened (their
    texture kept), deepest in the middle, faded towards the corners, as soft as the photo;
    only where the lips do meet (it also hides what a closed gap squeezed)."""
    upper, lower = lips
    x0, y0 = origin
    h, w = region.shape[:2]
    seam = np.zeros((h, w), np.uint8)
    line = np.round((upper[per // 2 : -per // 2] - [x0, y0]) * (1 << SUB)).astype(np.int32)
    thick = max(1, round(0.014 * look.mouth_width))
    cv2.polylines(seam, [line], False, 255, thick, cv2.LINE_AA, shift=SUB)
    rows = np.flatnonzero(seam.any(axis=1))  # the seam is a thin line: blend only its rows
    if not rows.size:
        return
    pad = 1 + int(np.ceil(2 * look.soft))
    band = slice(max(0, int(rows[0]) - pad), min(h, int(rows[-1]) + 1 + pad))
    sa = seam[band].astype(np.float32) * (1.0 / 255.0)
    if look.soft > 0.3:
        sa = cv2.GaussianBlur(sa, (0, 0), look.soft)
    # Fade out over the outer fifth at each end (the corners are the warp's, smoothed).
    ends = np.asarray(line[[0, -1], 0], np.float32) / (1 << SUB)
    span = max(1.0, float(ends[1] - ends[0]))
    along = (np.arange(w, dtype=np.float32) - ends[0]) / span
    sa *= np.clip(np.minimum(along, 1.0 - along) / 0.2, 0.0, 1.0)[None, :]
    # Fading in as the lips come together (a parted mouth has an inside, not a line).
    xs = np.arange(x0, x0 + w, dtype=np.float32)
    gap = _chain(lower, xs) - _chain(upper, xs)
    sa *= np.clip(1.0 - gap / max(1.0, 0.03 * look.mouth_width), 0.0, 1.0).astype(np.float32)
    # Darker and a little redder, like a lip in its own shadow.
    dark = np.array([0.42, 0.34, 0.36], np.float32)
    part = region[band]
    factor = 1.0 - (look.seam * sa)[..., None] * (1.0 - dark)
    part[:] = np.clip(part * factor + 0.5, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class _Mouth:
    inner: np.ndarray
    look: MouthLook
    opened: float
    rnd: float
    wide: float
    teeth_lip: float
    own_teeth: OwnTeeth | None

    def colour(
        self,
        xs: np.ndarray,
        ys_1d: np.ndarray,
        lips: tuple[np.ndarray, np.ndarray],
        px: int,
    ) -> np.ndarray:
        """(len(ys), len(xs), 3) float32: the inside's colour at those canvas positions
        (``px``: their spacing, for what is measured in pixels)."""
        inner, look = self.inner, self.look
        opened, rnd, wide, teeth_lip = self.opened, self.rnd, self.wide, self.teeth_lip
        upper, lower = lips
        top = _chain(upper, xs).astype(np.float32)[None, :]
        bottom = _chain(lower, xs).astype(np.float32)[None, :]
        gap = np.maximum(bottom - top, 1e-3)
        ys = ys_1d[:, None]
        t = np.clip((ys - top) / gap, 0.0, 1.0)
        cx = float((inner[0, 0] + inner[4, 0]) / 2.0)
        half = max(2.0, float(abs(inner[4, 0] - inner[0, 0])) / 2.0)
        u = np.clip((xs[None, :] - cx) / half, -1.2, 1.2)
        m = look.mouth_width
        light = look.light
        edge_soft = max(float(px), 1.5 * look.soft)  # px over which a drawn edge turns

        # The cavity: near black at the back; the wet inside of the lips (their own colour,
        # in shadow) along the edge, widest on a rounded mouth, where the lips push out.
        back = np.array([42.0, 13.0, 15.0], np.float32) * light
        wet = look.lip * np.array([0.64, 0.36, 0.38], np.float32)  # redder, in shadow
        from_lip = np.minimum(ys - top, bottom - ys)  # px, to the nearer lip
        from_corner = (1.0 - np.abs(u)) * half * 0.5
        rim_w = (0.02 + 0.03 * rnd) * m
        rim = np.exp(-np.maximum(np.minimum(from_lip, from_corner), 0.0) / rim_w)
        rim *= (0.2 + 0.8 * t) * (1.0 - 0.5 * u * u)  # the lower lip's inside faces the light
        colour = back + (wet - back) * (0.9 * rim)[..., None]
        # The throat and the back of the tongue catch a little light low in a wide-open mouth.
        glow = opened * np.exp(-((u / 0.55) ** 2)) * t * (1.0 - rim)
        colour += (np.array([40.0, 14.0, 15.0], np.float32) * light) * glow[..., None]

        # Tongue: a rounded hump low in the mouth on open vowels, lit at its tip, darker
        # towards the back and the sides, with a faint groove down the middle.
        show_tongue = np.clip((opened - 0.15) / 0.5, 0.0, 1.0) * (1.0 - 0.4 * rnd)
        if show_tongue > 0.01:
            tongue_top = bottom - gap * (0.45 - 0.25 * u * u)
            tz = np.clip((ys - tongue_top) / np.maximum(0.3 * gap, 1.0), 0.0, 1.0)
            # Its back falls away into the dark: a soft top, not an outline.
            body = _smooth(np.clip((ys - tongue_top) / np.maximum(0.12 * gap, edge_soft), 0, 1))
            body *= np.clip(1.0 - (np.abs(u) / 0.8) ** 2, 0.0, 1.0)
            # Pink whatever the lips' colour: half theirs, half a tongue's in this light.
            tcol = 0.5 * look.lip * np.array([0.86, 0.56, 0.6], np.float32)
            tcol += 0.5 * np.array([176.0, 90.0, 94.0], np.float32) * light
            tshade = (0.62 + 0.3 * _smooth(tz)) * (1.0 - 0.35 * u * u)
            tshade = tshade * (1.0 - 0.12 * np.exp(-((u / 0.07) ** 2)))
            colour += (tcol * tshade[..., None] - colour) * (body * show_tongue)[..., None]

        # Lower teeth: behind the lower lip, once the jaw is well open; in shadow.
        low_h = np.minimum(0.035 * m, 0.12 * gap)
        # (Spread lips — e, i — show the lower incisors' edges too.)
        show_low = max(np.clip((opened - 0.6) / 0.3, 0.0, 1.0), 0.8 * wide * min(1.0, opened / 0.2))
        show_low *= (1.0 - rnd) * (1.0 - teeth_lip)
        if show_low > 0.01:
            edge = bottom - low_h * show_low
            lower_teeth = np.clip((ys - edge) / edge_soft + 0.5, 0.0, 1.0)
            lower_teeth *= np.clip(1.0 - (u / 0.45) ** 2, 0, 1)
            gaps = np.ones_like(u)
            for k in (-1.5, -0.5, 0.5, 1.5):  # four small incisors
                pos = cx + k * 0.075 * m
                gaps = gaps * (1.0 - 0.3 * np.exp(-0.5 * ((xs[None, :] - pos) / edge_soft) ** 2))
            lcol = look.tooth * (0.78 * gaps)[..., None]
            colour += (lcol - colour) * (lower_teeth * 0.8)[..., None]

        # Upper teeth: hang from the upper lip; the whole gap for f/v (teeth on the lower lip).
        share = 0.42 + 0.16 * wide  # spread lips bare more of the teeth
        band = np.minimum(0.095 * m, share * gap) * np.clip(1.0 - 0.5 * rnd + 0.3 * wide, 0, 1)
        band = np.maximum(band, gap * teeth_lip)
        # Where the teeth meet (centrals 0.105 m wide, laterals 0.085 m, then the canines):
        # a faint line, and a small notch in the biting edge, each tooth's corners rounded.
        gaps_at = np.array([0.0, 0.105, 0.19, 0.27, -0.105, -0.19, -0.27], np.float32) * m
        near = np.min(np.abs(xs[None, :] - cx - gaps_at[:, None]), axis=0)[None, :]  # (1, w)
        notch = 0.12 * band * np.exp(-((near / (0.018 * m)) ** 2))
        upper_teeth = np.clip((top + band - notch - ys) / edge_soft + 0.5, 0.0, 1.0)
        upper_teeth *= np.clip(1.0 - (np.abs(u) / 0.85) ** 2, 0.0, 1.0)  # canines to canines
        # In the upper lip's shadow at the gum line, lit towards the biting edge; darker and
        # warmer towards the corners, where the mouth's red shows through.
        shade = 0.5 + 0.5 * _smooth(np.clip((ys - top) / np.maximum(0.6 * band, 1.0), 0.0, 1.0))
        across = 1.0 - 0.55 * u * u  # (1, w)
        line_w = max(0.6, 0.5 * px, 0.8 * look.soft)
        across = across * (1.0 - 0.14 * np.exp(-0.5 * (near / line_w) ** 2))
        shade = shade * across
        warm = np.clip(1.0 - shade, 0.0, 1.0)[..., None] * 0.5  # shadow takes the lips' hue
        drawn = look.tooth * shade[..., None]
        drawn += (look.lip * shade[..., None] * 0.8 - drawn) * warm
        if self.own_teeth is not None:
            own, seen = self.own_teeth.sample(xs, ys, top, cx, half)
            drawn += (own - drawn) * seen[..., None]
        colour += (drawn - colour) * upper_teeth[..., None]
        return colour.astype(np.float32)


def _smooth(t: np.ndarray) -> np.ndarray:
    return t * t * (3.0 - 2.0 * t)
