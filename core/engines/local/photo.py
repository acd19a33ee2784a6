"""The person's own photo as a talking presenter.

The photo is cropped to a square around the face once; every frame then only touches two small
regions. The mouth is animated by *warping* the person's own lower face (a smooth displacement
field applied with ``cv2.remap``: the lower lip and chin drop, the corners stretch or gather) and
painting a shaded mouth interior only into the gap the warp opens between the lips. The eyes blink
by stretching the skin above each eye down over it. Every displacement field is built as a sum of
precomputed basis fields that fade to exactly zero inside their region, so nothing outside
changes and there is no seam to hide.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.engines.local.face import FaceBox, find_face
from core.engines.local.images import crop_to_face, load_image
from core.engines.local.types import FrameState, MouthPose

__all__ = [
    "FaceBox",
    "PhotoPresenter",
    "crop_to_face",
    "face_crop",
    "find_face",
    "load_image",
    "load_photo",
]


# Mouth motion at pose value 1, as fractions of the face width.
UPPER_LIP_LIFT = 0.045
JAW_DROP = 0.10
CHIN_BELOW_MOUTH = 0.33
CORNER_OUT_WIDE = 0.14  # of the mouth half-width
CORNER_IN_ROUND = 0.22
ROUND_NARROWING = 0.62  # the opening's half-width under "round", relative to the mouth's
LIPS_PRESS = 0.40
LIPS_PUSH = 0.25


def _bump(t: np.ndarray) -> np.ndarray:
    """(1 - t²)² inside |t| < 1, zero outside: smooth (C¹) and exactly zero at the edge."""
    inside = np.clip(1.0 - t * t, 0.0, None)
    return inside * inside


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _lens(u: np.ndarray) -> np.ndarray:
    """How far the lips part along the mouth: most at the centre, nothing at the corners."""
    v = u / 0.88  # the last bit towards each corner stays closed
    return np.clip(1.0 - v * v, 0.0, None) ** 0.75


_faces: OrderedDict[str, FaceBox] = OrderedDict()  # image digest → face, a few recent ones
_faces_lock = threading.Lock()


def locate(source: Path | bytes, name: str = "photo") -> tuple[np.ndarray, FaceBox]:
    """The photo (RGB) and its face. Raises InputError for anything unusable.

    A photo is usually checked (when chosen or uploaded) and then animated moments later;
    the face search is the slow part, so the last few results are remembered by content.
    """
    rgb = load_image(source, name)  # checks the size before reading everything
    data = source.read_bytes() if isinstance(source, Path) else source
    digest = hashlib.sha256(data).hexdigest()
    with _faces_lock:
        face = _faces.get(digest)
    if face is None:
        face = find_face(rgb, name)
        with _faces_lock:
            _faces[digest] = face
            while len(_faces) > 16:
                _faces.popitem(last=False)
    return rgb, face


def face_crop(source: Path | bytes, size: int, name: str = "photo") -> np.ndarray:
    """The square the video will show, for a preview in the UI (RGB uint8, size×size)."""
    rgb, face = locate(source, name)
    crop, _ = crop_to_face(rgb, face, size)
    return crop


@dataclass
class _Region:
    """A rectangle of the frame with its identity sampling grid (absolute pixel coordinates)."""

    y0: int
    y1: int
    x0: int
    x1: int
    gx: np.ndarray  # float32, (y1 - y0, x1 - x0)
    gy: np.ndarray

    @classmethod
    def around(cls, x0: float, y0: float, x1: float, y1: float, size: int) -> _Region:
        ix0, iy0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
        ix1, iy1 = min(size, int(np.ceil(x1))), min(size, int(np.ceil(y1)))
        gx, gy = np.meshgrid(
            np.arange(ix0, ix1, dtype=np.float32), np.arange(iy0, iy1, dtype=np.float32)
        )
        return cls(iy0, iy1, ix0, ix1, gx, gy)


@dataclass
class _Eye:
    """One eye, precomputed for blinking (per-column arrays run across the region)."""

    region: _Region
    top: np.ndarray  # upper lash line y, per column
    bottom: np.ndarray  # lower lid y, per column
    arc: np.ndarray  # 1 at the eye's middle, 0 at and beyond its corners
    mask: np.ndarray  # (rows, columns) where the lid may be drawn: soft top and corners
    height: float  # how far the lid travels to close
    skin_above: float  # plain skin between the lashes and the brow
    fade: float


class PhotoPresenter:
    """Animates a cropped photo: mouth poses, blinks and small head motion.

    ``rgb`` must already be the ``size`` square (see ``crop_to_face``) and ``face`` in its pixels.
    """

    def __init__(self, rgb: np.ndarray, face: FaceBox, size: int) -> None:
        if rgb.shape != (size, size, 3) or rgb.dtype != np.uint8:
            raise ValueError(f"expected a ({size}, {size}, 3) uint8 image, got {rgb.shape}")
        self.size = size
        self.face = face
        self._base = np.ascontiguousarray(rgb)
        self._soft = max(0.6, size / 512.0)  # antialiasing width of drawn edges, in pixels
        self._light = self._skin_light()
        self._tooth = self._tooth_colour()
        self._build_mouth()
        self._eyes = [self._build_eye(c) for c in (face.left_eye, face.right_eye)]

    @property
    def mouth_region(self) -> tuple[int, int, int, int]:
        """(y0, y1, x0, x1): the only pixels a mouth pose can change (before head motion)."""
        reg = self._mouth
        return (reg.y0, reg.y1, reg.x0, reg.x1)

    # --- set-up -----------------------------------------------------------------------------

    def _skin_light(self) -> float:
        """How bright the skin is (1 = typical), so the painted mouth matches the lighting."""
        f = self.face
        y0, y1 = int(f.y + 0.45 * f.h), int(f.y + 0.62 * f.h)
        x0, x1 = int(f.x + 0.2 * f.w), int(f.x + 0.8 * f.w)
        patch = self._base[max(0, y0) : max(1, y1), max(0, x0) : max(1, x1)]
        if patch.size == 0:
            return 1.0
        return float(np.clip(patch.mean() / 160.0, 0.45, 1.25))

    def _tooth_colour(self) -> np.ndarray:
        """The person's own teeth colour when the photo shows them, else a lit off-white."""
        f = self.face
        default = np.array([236.0, 226.0, 210.0], np.float32) * min(1.0, self._light * 0.95)
        if not f.teeth_visible:
            return default
        y0, y1 = int(f.mouth_y - 0.035 * f.w), int(f.mouth_y - 0.008 * f.w)
        x0, x1 = int(f.mouth_x - 0.3 * f.mouth_hw), int(f.mouth_x + 0.3 * f.mouth_hw)
        patch = self._base[max(0, y0) : max(1, y1), max(0, x0) : max(1, x1)].reshape(-1, 3)
        if len(patch) < 4:
            return default
        bright = patch[patch.sum(axis=1) >= np.median(patch.sum(axis=1))]
        return bright.mean(axis=0).astype(np.float32)

    def _build_mouth(self) -> None:
        """Precompute the mouth region and one displacement field per mouth movement.

        All fields are backward maps (destination pixel -> where to sample) relative to the
        lip line, which follows the photo's own curve (a smile's corners sit higher).
        """
        f = self.face
        wf, mx, my, mw = f.w, f.mouth_x, f.mouth_y, f.mouth_hw
        chin = my + CHIN_BELOW_MOUTH * wf
        fade_below = 0.28 * wf
        self._up = UPPER_LIP_LIFT * wf
        self._down = JAW_DROP * wf
        lift = min(0.0, f.mouth_curve) * 1.69  # the line's highest point in the region
        reg = _Region.around(
            mx - 2.1 * mw, my - 0.2 * wf + lift, mx + 2.1 * mw, chin + fade_below + 2, self.size
        )
        self._mouth = reg
        u = (reg.gx - mx) / mw
        y = reg.gy
        self._line_cols = (my + f.mouth_curve * np.clip(u[0], -1.3, 1.3) ** 2).astype(np.float32)
        line = self._line_cols[None, :]
        dy = y - line  # signed distance below the lip line
        above = dy < 0
        self._above = above
        up_fade = _bump(-dy / (0.17 * wf)) * above
        t = np.clip(dy / (chin - my), 0.0, None)
        s = _smoothstep(t / 0.5)
        low_fade = np.where(y <= chin, 1.0, _bump((y - chin) / fade_below)) * ~above
        jaw = _bump(u / 1.8)

        def opening(lens: np.ndarray) -> np.ndarray:
            lower = -self._down * ((1.0 - s) * lens + s * jaw) * low_fade
            return (self._up * lens * up_fade + lower).astype(np.float32)

        self._open_wide = opening(_lens(u))
        self._open_round = opening(_lens(u / ROUND_NARROWING))
        across = u * _bump(u / 2.0) / 0.5625 * _bump(dy / (0.12 * wf))
        self._wide_x = (-CORNER_OUT_WIDE * mw * across).astype(np.float32)
        self._round_x = (CORNER_IN_ROUND * mw * across).astype(np.float32)
        lips = dy * _bump(u / 1.4)
        self._round_y = (-LIPS_PUSH * lips * _bump(dy / (0.13 * wf))).astype(np.float32)
        self._press_y = (LIPS_PRESS * lips * _bump(dy / (0.11 * wf))).astype(np.float32)
        self._line_shadow = (
            np.exp(-0.5 * (dy / max(1.0, 0.012 * wf)) ** 2) * _bump(u / 1.1)
        ).astype(np.float32)

    def _build_eye(self, centre: tuple[float, float]) -> _Eye:
        """Precompute one eye's region, lid arcs and the soft mask the lid is drawn through."""
        f = self.face
        ex, ey, ew, eh = centre[0], centre[1], f.eye_hw, f.eye_hh
        fade = 0.7 * eh  # the lid's top blends into the skin above over this height
        reg = _Region.around(
            ex - 1.1 * ew, ey - eh - fade - 1, ex + 1.1 * ew, ey + 1.3 * eh, self.size
        )
        u = (reg.gx[0] - ex) / ew
        arc = np.sqrt(np.clip(1.0 - u * u, 0.0, None))
        top = (ey - eh * arc).astype(np.float32)
        rise = _smoothstep((reg.gy - (ey - eh - fade)) / fade)
        corner = _smoothstep((1.08 - np.abs(u)) / 0.4)
        # Skin available above the lashes before the brow (the darkest band up there).
        grey = self._base[:, max(0, int(ex - 0.5 * ew)) : int(ex + 0.5 * ew) + 1].mean(axis=(1, 2))
        r0, r1 = max(0, int(ey - 4.0 * eh)), max(1, int(ey - 1.4 * eh))
        skin_above = 2.5 * eh
        if r1 - r0 >= 3:
            rows = grey[r0:r1]
            darkest = int(np.argmin(rows))
            if rows.max() - rows[darkest] > 25.0:
                skin_above = float(np.clip((ey - eh) - (r0 + darkest) - 0.5 * eh, 0.6 * eh, 3 * eh))
        return _Eye(
            region=reg,
            top=top,
            bottom=(ey + 0.85 * eh * arc).astype(np.float32),
            arc=arc.astype(np.float32),
            mask=(rise * corner).astype(np.float32),
            height=float(1.85 * eh),
            skin_above=skin_above,
            fade=fade,
        )

    # --- per frame --------------------------------------------------------------------------

    def render(self, state: FrameState) -> np.ndarray:
        """One RGB frame (size, size, 3) uint8, C-contiguous."""
        frame = self._base.copy()
        self._draw_mouth(frame, state.mouth)
        if state.blink > 0.01:
            for eye in self._eyes:
                self._draw_blink(frame, eye, min(1.0, state.blink))
        if state.head_dx or state.head_dy or state.head_angle:
            frame = self._move_head(frame, state)
        return frame

    def _draw_mouth(self, frame: np.ndarray, pose: MouthPose) -> None:
        press = float(np.clip(pose.press, 0.0, 1.0))
        teeth_lip = float(np.clip(pose.teeth_on_lip, 0.0, 1.0))
        rnd = float(np.clip(pose.round, 0.0, 1.0))
        wide = float(np.clip(pose.wide, 0.0, 1.0))
        if self.face.teeth_visible:  # the person's own teeth already rest on the lower lip
            teeth_lip = 0.0
        opened = float(np.clip(max(pose.open, 0.22 * teeth_lip), 0.0, 1.0)) * (1.0 - press)
        terms_y = [
            (self._open_wide, opened * (1.0 - rnd)),
            (self._open_round, opened * rnd),
            (self._round_y, rnd),
            (self._press_y, press),
        ]
        terms_x = [(self._wide_x, wide), (self._round_x, rnd)]
        if all(c < 1e-3 for _, c in terms_y + terms_x):
            return
        reg = self._mouth
        map_x, map_y = reg.gx.copy(), reg.gy.copy()
        for field, c in terms_x:
            if c >= 1e-3:
                cv2.scaleAdd(field, c, map_x, map_x)
        for field, c in terms_y:
            if c >= 1e-3:
                cv2.scaleAdd(field, c, map_y, map_y)
        out = cv2.remap(self._base, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        if press > 1e-3:
            shade = 1.0 - 0.3 * press * self._line_shadow
            out = (out * shade[..., None]).astype(np.uint8)
        if opened > 1e-3:
            self._paint_inside(out, map_y, opened, wide, rnd, teeth_lip)
        frame[reg.y0 : reg.y1, reg.x0 : reg.x1] = out

    def _paint_inside(
        self,
        out: np.ndarray,
        map_y: np.ndarray,
        opened: float,
        wide: float,
        rnd: float,
        teeth_lip: float,
    ) -> None:
        """Fill the gap the warp opened between the lips with a shaded mouth interior."""
        f, reg = self.face, self._mouth
        half = f.mouth_hw * (1.0 + CORNER_OUT_WIDE * wide) + 2.0
        r0 = max(0, int(self._line_cols.min() - self._up * opened - 3) - reg.y0)
        r1 = min(out.shape[0], int(f.mouth_y + self._down * opened + 4) - reg.y0)
        c0 = max(0, int(f.mouth_x - half) - reg.x0)
        c1 = min(out.shape[1], int(f.mouth_x + half) + 1 - reg.x0)
        if r1 <= r0 or c1 <= c0:
            return
        ys = reg.gy[r0:r1, c0:c1]
        line = self._line_cols[c0:c1]
        side = np.where(self._above[r0:r1, c0:c1], 1.0, -1.0)
        alpha = np.clip(side * (map_y[r0:r1, c0:c1] - line) / self._soft, 0.0, 1.0)
        if float(alpha.max()) <= 0.0:
            return
        u = (reg.gx[0, c0:c1] - f.mouth_x) / (f.mouth_hw * (1.0 + CORNER_OUT_WIDE * wide))
        lens = (1.0 - rnd) * _lens(u) + rnd * _lens(u / ROUND_NARROWING)
        top = line - self._up * opened * lens
        gap = (self._up + self._down) * opened * lens + 1e-3
        t = np.clip((ys - top) / gap, 0.0, 1.0)
        alpha *= np.clip(gap / (2.0 * self._soft), 0.0, 1.0)  # fade out towards the corners
        # Near-black under the upper lip and teeth; the tongue catches a little light low down.
        corner = np.clip(1.0 - 0.7 * u * u, 0.0, 1.0)
        light = self._light
        dark = np.array([24.0, 11.0, 10.0], np.float32) * light
        tongue_col = np.array([112.0, 50.0, 46.0], np.float32) * light
        tongue = _smoothstep((t - 0.5) / 0.5) * min(1.0, opened * 1.4) * corner
        colour = dark + (tongue_col - dark) * (0.7 * tongue)[..., None]
        # Teeth: the upper ones hang under the upper lip (unless the photo already shows the
        # person's own), the lower ones peek over the lower lip when the jaw drops.
        show = np.clip(0.55 + 0.5 * wide - 0.6 * rnd + teeth_lip, 0.0, 1.0)
        if f.teeth_visible:
            show = 0.0
        band = np.minimum(gap * 0.42, 0.05 * f.w) * show
        band = np.maximum(band, gap * teeth_lip)
        upper = np.clip((top + band - ys) / self._soft + 0.5, 0.0, 1.0)
        upper *= np.clip(1.0 - 0.8 * u * u, 0.0, 1.0)
        tooth_shade = 0.8 + 0.2 * np.clip((ys - top) / np.maximum(band, 1.0), 0.0, 1.0)
        tooth_col = self._tooth * (tooth_shade * (1.0 - 0.35 * u * u))[..., None]
        low_h = np.minimum(gap * 0.16, 0.022 * f.w) * min(1.0, opened * 1.5) * (1.0 - rnd)
        lower = np.clip((ys - (top + gap - low_h)) / self._soft + 0.5, 0.0, 1.0)
        lower *= 0.55 * np.clip(1.0 - 1.2 * u * u, 0.0, 1.0) * (1.0 - teeth_lip)
        colour += (tooth_col * 0.8 - colour) * lower[..., None]
        colour += (tooth_col - colour) * upper[..., None]
        patch = out[r0:r1, c0:c1].astype(np.float32)
        a = alpha[..., None]
        out[r0:r1, c0:c1] = (patch + (colour - patch) * a).astype(np.uint8)

    def _draw_blink(self, frame: np.ndarray, eye: _Eye, blink: float) -> None:
        """Draw the upper lid down over the eye, made of the person's own skin above it.

        The skin just above the lashes is copied down (translated, which keeps its texture;
        stretching streaks) through a mask whose top and corners fade into the same skin, so
        there is no outline. The lid's lower edge is a real occlusion edge: crisp, antialiased,
        with the lashes darkening it.
        """
        reg = eye.region
        lid = eye.top + blink * (eye.bottom - eye.top)
        # Source rows: the lashes land on the lid's edge, the skin above follows; squeezed into
        # the skin that is really there so the brow never slides into the lid.
        squeeze = np.minimum(1.0, eye.skin_above / (lid - eye.top + eye.fade + 1e-3))
        map_y = (eye.top - (lid - reg.gy) * squeeze).astype(np.float32)
        moved = cv2.remap(
            self._base, reg.gx, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        ).astype(np.float32)
        dist = (reg.gy - lid) / max(1.0, 0.3 * self.face.eye_hh)
        lash = 0.35 * min(1.0, 2.0 * blink) * eye.arc * np.exp(-0.5 * dist * dist)
        moved *= (1.0 - lash)[..., None]
        edge = np.clip((lid - reg.gy) / self._soft + 0.5, 0.0, 1.0)
        cover = (edge * eye.mask * min(1.0, 4.0 * blink))[..., None]
        orig = frame[reg.y0 : reg.y1, reg.x0 : reg.x1].astype(np.float32)
        frame[reg.y0 : reg.y1, reg.x0 : reg.x1] = (orig + (moved - orig) * cover).astype(np.uint8)

    def _move_head(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
        k = self.size / 512.0
        pivot = (self.size / 2.0, self.face.mouth_y + 0.4 * self.face.w)  # about the neck
        matrix = cv2.getRotationMatrix2D(pivot, state.head_angle, 1.0)
        matrix[0, 2] += state.head_dx * k
        matrix[1, 2] += state.head_dy * k
        moved = cv2.warpAffine(
            frame,
            matrix,
            (self.size, self.size),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT_101,
        )
        return np.ascontiguousarray(moved)


def load_photo(source: Path | bytes, size: int, name: str = "photo") -> PhotoPresenter:
    """Load, check and crop a photo, and return a presenter that animates it."""
    rgb, face = locate(source, name)
    crop, cropped_face = crop_to_face(rgb, face, size)
    return PhotoPresenter(crop, cropped_face, size)
