"""The person's own photo as a talking presenter.

The face's 68 landmarks are found once per photo (landmarks.py) and remembered: by content in
memory, and in a small file next to a photo stored in the library. The photo is framed
head-and-shoulders in the canvas once; the rig (photo_rig.py) turns each movement into a warp
field over a Delaunay mesh of the landmarks, so a frame is a weighted sum of fields and one
``cv2.remap`` of the face region: the jaw and chin drop, the lips take the viseme's shape from
the person's own lips, the lids close, the brows lift, and the head and neck move as one
against a background that stays still. The gap the warp opens between the lips is painted with
a mouth interior (photo_mouth.py).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.engines.local.images import frame_face, load_image
from core.engines.local.landmarks import INNER_LIPS, Face, find_landmarks
from core.engines.local.photo_mouth import MouthLook, OwnTeeth, paint_inside
from core.engines.local.photo_rig import (
    EYE_MOVES,
    MOUTH_MOVES,
    RELAX_SHUT,
    build_rig,
    closed_curve,
    mesh_field,
    smile_amount,
)
from core.engines.local.types import FrameState
from core.errors import InputError
from core.files import write_text

_log = logging.getLogger(__name__)

__all__ = ["Face", "PhotoPresenter", "face_crop", "load_image", "load_photo", "locate"]

RIG_VERSION = 2  # bump when what is remembered next to a photo changes meaning
HEAD_UNIT = 512.0  # FrameState head motion is in 1/512 of the canvas's shorter side
NOD_DROP = 5.0  # a full nod lowers the head this many head units
PAUSE_SMILE = 0.8  # FrameState.smile at which a smiling photo is back to its own smile
INVERT_STEPS = 2
LASH_FROM = 0.75  # blink beyond which the lash line of a closed eye is drawn
EASE_CLOSING = 0.35  # lips closing (relax + shut + press) over which a smile's own mouth fades out
EASE_OPENING = 0.3  # jaw opening over which the painted inside fades in (a smiling photo)
FIELD_SAMPLES = 110  # warp samples across the face (cheek to cheek); the rest is resized
BAND_ROWS = 30  # warp samples per band of rows remapped (each over its own moving columns)
BLINK_STAGES = (1 / 3, 2 / 3, 1.0)
CHEEK_BLUR = 0.06  # of the face width: how soft the cheeks' warp is away from the lips
NECK_END = 0.62  # head motion fades out down the neck, this many face widths under the chin

_faces: OrderedDict[str, Face] = OrderedDict()  # image digest → face, a few recent ones
_faces_lock = threading.Lock()


def _remembered(path: Path | None, digest: str) -> Face | None:
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        if data.get("sha256") != digest or data.get("version") != RIG_VERSION:
            return None
        return Face.from_json(data["face"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # unreadable or stale: found again and rewritten


def locate(
    source: Path | bytes, name: str = "photo", remember: Path | None = None
) -> tuple[np.ndarray, Face]:
    """The photo (RGB) and its face's landmarks. Raises InputError for anything unusable.

    Landmark finding is the slow part (~0.1–0.8 s), so it runs once per photo: the result is
    kept in memory by content, and in ``remember`` (a JSON file beside a stored photo).
    """
    rgb = load_image(source, name)  # checks the size before reading everything
    data = source.read_bytes() if isinstance(source, Path) else source
    digest = hashlib.sha256(data).hexdigest()
    with _faces_lock:
        face = _faces.get(digest)
    stored = _remembered(remember, digest)
    face = face or stored
    if face is None:
        face = find_landmarks(rgb, name)
    if remember is not None and stored is None:
        record = {"sha256": digest, "version": RIG_VERSION, "face": face.to_json()}
        # A read-only library still renders; the face is then found again next time.
        with contextlib.suppress(OSError):
            write_text(remember, json.dumps(record))
    with _faces_lock:
        _faces[digest] = face
        _faces.move_to_end(digest)
        while len(_faces) > 16:
            _faces.popitem(last=False)
    return rgb, face


def face_crop(source: Path | bytes, size: int, name: str = "photo") -> np.ndarray:
    """The square the video will show, for a preview in the UI (RGB uint8, size×size)."""
    rgb, face = locate(source, name)
    canvas, _ = frame_face(rgb, face, size, size)
    return canvas


def _border_strips(fix: np.ndarray) -> list[tuple[tuple[slice, slice], np.ndarray]]:
    """The border strips where ``fix`` (h, w, 2: x then y corrections, x depending only on the
    column and y only on the row) is not zero: left and right columns over all rows, then top
    and bottom rows between them, as (index, values to add)."""
    h, w = fix.shape[:2]
    off_x = np.flatnonzero(np.abs(fix[h // 2, :, 0]) > 0.01)  # remap resolves 1/32 px
    off_y = np.flatnonzero(np.abs(fix[:, w // 2, 1]) > 0.01)
    left = int(off_x[off_x < w // 2].max()) + 1 if (off_x < w // 2).any() else 0
    right = int(off_x[off_x >= w // 2].min()) if (off_x >= w // 2).any() else w
    top = int(off_y[off_y < h // 2].max()) + 1 if (off_y < h // 2).any() else 0
    bottom = int(off_y[off_y >= h // 2].min()) if (off_y >= h // 2).any() else h
    strips = []
    for index in (
        (slice(0, h), slice(0, left)),
        (slice(0, h), slice(right, w)),
        (slice(0, top), slice(left, right)),
        (slice(bottom, h), slice(left, right)),
    ):
        part = fix[index]
        if part.size:
            strips.append((index, np.ascontiguousarray(part)))
    return strips


def _grown_box(mask: np.ndarray, grow: int) -> tuple[slice, slice]:
    """The bounding box of ``mask``'s true cells, grown by ``grow`` cells on every side."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return slice(0, 0), slice(0, 0)
    h, w = mask.shape
    return (
        slice(max(0, int(rows[0]) - grow), min(h, int(rows[-1]) + 1 + grow)),
        slice(max(0, int(cols[0]) - grow), min(w, int(cols[-1]) + 1 + grow)),
    )


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


@dataclass(frozen=True)
class _Band:
    """Rows of the region remapped together, over the columns where the map can move."""

    rows: slice  # region pixels
    cols: slice


class PhotoPresenter:
    """Animates a photo already framed in its canvas (``face`` in canvas pixels)."""

    has_alpha = False

    def __init__(self, canvas: np.ndarray, face: Face) -> None:
        if canvas.ndim != 3 or canvas.shape[2] != 3 or canvas.dtype != np.uint8:
            raise ValueError(f"expected an (h, w, 3) uint8 image, got {canvas.shape}")
        self.height, self.width = canvas.shape[:2]
        self.face = face
        self.detector = face.detector
        self._base = np.ascontiguousarray(canvas)
        x, y, w, h = face.box
        self.face_box = (round(x), round(y), round(w), round(h))
        self._smile = smile_amount(face)
        self._build_head()
        self._rig = build_rig(face, self.region)
        x0, y0, x1, y1 = self.region
        self.moving_box = (x0, y0, x1 - x0, y1 - y0)  # outside it, every frame is the photo
        rig = self._rig
        # Mouth and jaw: forward fields (where each photo pixel goes), exact sums of the moves;
        # each frame inverts their sum (with head motion) into the backward map remap needs.
        self._fields = {
            move: mesh_field(rig.points, rig.moves[move], rig.triangles, self.region, self._step)
            for move in MOUTH_MOVES
        }
        self._fields = self._smooth_cheeks(self._fields)
        # The inner lips' moves, for the painted inside: the rig's, except at the two corners,
        # which go where the (smoothed) warp takes them. (Between the corners the warp parts
        # upper and lower lip along one line, so it cannot be sampled there.)
        corners = face.points[[60, 64]] - [self.region[0], self.region[1]]
        at = ((corners - (self._step - 1) / 2.0) / self._step).astype(np.float32)[None]
        self._inner_moves = {}
        for move, field in self._fields.items():
            moves = self._rig.moves[move][INNER_LIPS].copy()
            moves[[0, 4]] = cv2.remap(field, at, None, cv2.INTER_LINEAR).reshape(-1, 2)
            self._inner_moves[move] = moves
        # The mouth and jaw move only inside a part of the region: their fields are kept (and
        # their warp inverted) there only; elsewhere the head's small, smooth motion is
        # inverted to first order (its error there is under a tenth of a pixel).
        moving = np.zeros(self._local.shape[:2], bool)
        for field in self._fields.values():
            moving |= np.abs(field).max(axis=2) > 1e-3
        self._mouth_box = _grown_box(moving, grow=max(2, round(0.12 * face.width / self._step)))
        ys, xs = self._mouth_box
        self._fields = {m: np.ascontiguousarray(f[ys, xs]) for m, f in self._fields.items()}
        moving[ys, xs] = True
        # Lids and brows: backward fields straight away (each moved triangle mapped back onto
        # the photo's), exact where the lids close, which no inversion would be.
        self._eye_fields = {
            move: mesh_field(
                rig.points + rig.moves[move],
                -rig.moves[move],
                rig.triangles,
                self.region,
                self._step,
            )
            for move in EYE_MOVES
        }
        # A closing lid is not a scaled closed lid: the blink is built at a few stages.
        self._blink_stages = [
            mesh_field(
                rig.points + c * rig.moves["blink"],
                -c * rig.moves["blink"],
                rig.triangles,
                self.region,
                self._step,
            )
            for c in BLINK_STAGES
        ]
        for field in (*self._eye_fields.values(), *self._blink_stages, self._head_turn):
            moving |= np.abs(field).max(axis=2) > 0
        moving |= self._head_x[..., 0] > 0
        self._bands = self._moving_bands(moving)
        self._still = self._still_parts()
        self._own_teeth = None
        self._warped = self._base  # what the warp samples
        if face.teeth_visible:
            self._own_teeth = OwnTeeth(self._base, face.points[INNER_LIPS].copy())
            # The warp samples a copy whose teeth are filled in with lip: when the lips close,
            # what they squeeze out of sight leaves no white crumbs along the seam.
            gap = np.zeros(self._base.shape[:2], np.uint8)
            lips = np.round(closed_curve(face.points[INNER_LIPS], 6)).astype(np.int32)
            cv2.fillPoly(gap, [lips], 255)
            gap = cv2.dilate(gap, np.ones((3, 3), np.uint8))
            # And the dark corners of a smile, which the inner-lip landmarks cut across: what is
            # much darker than the lips inside the outer lip line (its penumbra faded in).
            outer = np.zeros_like(gap)
            cv2.fillPoly(outer, [np.round(face.points[48:60]).astype(np.int32)], 255)
            lum = self._base.astype(np.float32).mean(axis=2)
            lip_lum = float(self._lip_colour.mean())
            dark = ((lum < 0.6 * lip_lum) & (outer > 0)).astype(np.uint8) * 255
            dark = cv2.dilate(dark, np.ones((3, 3), np.uint8))
            filled = cv2.inpaint(self._base, gap | dark, 3, cv2.INPAINT_TELEA)
            r = max(1.0, 0.012 * face.mouth_width)
            soft = cv2.GaussianBlur(cv2.dilate(dark, np.ones((3, 3), np.uint8)), (0, 0), r)
            keep = np.maximum(gap, dark).astype(np.float32) / 255.0
            keep = np.maximum(keep, soft.astype(np.float32) / 255.0)
            mixed = self._base + (filled.astype(np.float32) - self._base) * keep[..., None]
            self._warped = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
        lashes = self._base[
            np.clip(np.round(face.points[[37, 38, 43, 44], 1]).astype(int), 0, self.height - 1),
            np.clip(np.round(face.points[[37, 38, 43, 44], 0]).astype(int), 0, self.width - 1),
        ].astype(np.float32)
        self._lash = lashes.min(axis=0) * 0.9  # the darkest of the upper lash line
        self._look = MouthLook(
            tooth=self._tooth_colour(),
            light=self._skin_light,
            mouth_width=face.mouth_width,
            lip=self._lip_colour,
            # An enlarged photo is blurred by about half its enlargement (in canvas px).
            soft=max(0.0, 0.5 * face.scale - 0.1),
            grain=self._grain(),
            # Closing a smile's gap leaves a line to draw where the lips meet; closed lips in
            # the photo have their own, only deepened a little.
            seam=0.85 if face.teeth_visible else 0.3,
        )
        # Lips that touch in the photo are closed: its landmarks' small gap between them is
        # not a mouth to paint (only what the moves open is).
        self._paint_close = np.zeros((len(INNER_LIPS), 2))
        pts = face.points
        rest_gap = [pts[up, 1] - pts[low, 1] for low, up in ((65, 63), (66, 62), (67, 61))]
        if not face.teeth_visible and -min(rest_gap) < 0.06 * face.mouth_width:
            for k, g in zip((5, 6, 7), rest_gap, strict=True):
                self._paint_close[k, 1] = min(0.0, g)

    # --- set-up -----------------------------------------------------------------------------

    def _build_head(self) -> None:
        """The head-and-neck mask that head motion moves, and the region every frame redraws."""
        p = self.face.points
        fw = self.face.width
        brow = float(p[17:27, 1].min())
        chin = float(p[8, 1])
        hh = chin - brow
        cx = float(p[[0, 16], 0].mean())
        cy = (brow - 0.6 * hh + chin + 0.08 * hh) / 2.0
        ax, ay = 0.6 * fw, 0.84 * hh
        x0 = max(0, int(cx - 1.22 * ax))
        x1 = min(self.width, int(cx + 1.22 * ax) + 1)
        y0 = max(0, int(cy - 1.22 * ay))
        y1 = min(self.height, int(chin + NECK_END * fw) + 1)
        self.region = (x0, y0, x1, y1)
        # The warp is worked out every ``step`` px (it is smooth) and resized to the region.
        self._step = step = max(1, round(fw / FIELD_SAMPLES))
        self._size = (x1 - x0, y1 - y0)
        hs, ws = -(-(y1 - y0) // step), -(-(x1 - x0) // step)
        gx, gy = np.meshgrid(
            x0 + (step - 1) / 2.0 + step * np.arange(ws, dtype=np.float32),
            y0 + (step - 1) / 2.0 + step * np.arange(hs, dtype=np.float32),
        )
        gx, gy = gx.astype(np.float32), gy.astype(np.float32)
        # Each frame's map is (these sample positions + the warp), resized by exactly ``step``:
        # a bilinear resize reproduces positions exactly, except in the few border pixels it
        # clamps, which are corrected from a table (no full-size add per frame).
        self._low_grid = np.dstack([gx, gy]).astype(np.float32)
        full_x, full_y = np.meshgrid(
            np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32)
        )
        fix = np.dstack([full_x, full_y]) - self._upsample(self._low_grid)
        self._border_fix = _border_strips(fix)
        r = np.sqrt(((gx - cx) / ax) ** 2 + ((gy - cy) / ay) ** 2)
        head = _smoothstep((1.2 - r) / 0.3)
        across = _smoothstep((0.5 * fw - np.abs(gx - cx)) / (0.18 * fw))
        down = _smoothstep((chin + (NECK_END - 0.03) * fw - gy) / (0.45 * fw))
        mask = np.maximum(head, across * down * (gy > cy)).astype(np.float32)
        samples = np.dstack([gx, gy]).astype(np.float32)
        # Where each sample is in the sampled field's own indices (for looking fields up).
        self._local = np.dstack(np.meshgrid(np.arange(ws, dtype=np.float32),
                                            np.arange(hs, dtype=np.float32)))  # fmt: skip
        self._pivot = (cx, chin + 0.35 * fw)  # about where the neck turns
        m = mask[..., None]
        self._head_x = np.dstack([mask, np.zeros_like(mask)]).astype(np.float32)
        self._head_y = np.dstack([np.zeros_like(mask), mask]).astype(np.float32)
        turn = cv2.getRotationMatrix2D(self._pivot, 1.0, 1.0)  # where +1° takes each pixel
        dst = samples @ turn[:, :2].T.astype(np.float32) + turn[:, 2].astype(np.float32)
        self._head_turn = ((dst - samples) * m).astype(np.float32)

    def _moving_bands(self, moving: np.ndarray) -> list[_Band]:
        """Bands of rows of the region, each with the columns where a frame's map may leave
        the identity (elsewhere the remap would give the photo back, so it is skipped)."""
        step = self._step
        # A full-size map value mixes the 2×2 samples around it: grow the samples by two.
        grown = cv2.dilate(moving.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        w, h = self._size
        hs = grown.shape[0]
        bands = []
        for r0 in range(0, hs, BAND_ROWS):
            cols = np.flatnonzero(grown[r0 : r0 + BAND_ROWS].any(axis=0))
            if cols.size == 0:
                continue
            r1, c0, c1 = min(hs, r0 + BAND_ROWS), int(cols[0]), int(cols[-1]) + 1
            rows = slice(r0 * step, min(h, r1 * step))
            across = slice(c0 * step, min(w, c1 * step))
            bands.append(_Band(rows, across))
        return bands

    def _still_parts(self) -> list[tuple[slice, slice]]:
        """The frame outside the bands, as rectangles (frame indices): copied from the photo."""
        x0, y0, _, y1 = self.region
        parts = [
            (slice(0, y0), slice(0, self.width)),
            (slice(y1, self.height), slice(0, self.width)),
        ]
        done = y0
        for band in self._bands:
            rows, cols = band.rows, band.cols
            r0, r1 = y0 + rows.start, y0 + rows.stop
            if r0 > done:
                parts.append((slice(done, r0), slice(0, self.width)))
            parts.append((slice(r0, r1), slice(0, x0 + cols.start)))
            parts.append((slice(r0, r1), slice(x0 + cols.stop, self.width)))
            done = r1
        parts.append((slice(done, y1), slice(0, self.width)))
        return [(r, c) for r, c in parts if r.stop > r.start and c.stop > c.start]

    def _smooth_cheeks(self, fields: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The mesh warp is piecewise linear: where the mouth corners pull on the cheeks, its
        triangles' edges show as creases. Away from the lips each field is blurred (the lips
        themselves keep their exact shape), fading from the lips outwards."""
        lips = np.zeros(self._local.shape[:2], np.uint8)
        # The lips' middle keeps its exact shape; the corners, which round and wide pull far
        # in or out, are smoothed with the cheeks (else the dimples they drag along tear).
        outer = self.face.points[48:60].copy()
        middle = outer.mean(axis=0)
        outer[:, 0] = middle[0] + (outer[:, 0] - middle[0]) * 0.8
        outer = (outer - [self.region[0], self.region[1]]) / self._step
        cv2.fillPoly(lips, [np.round(outer * 16).astype(np.int32)], 1, cv2.LINE_AA, shift=4)
        far = cv2.distanceTransform((lips == 0).astype(np.uint8), cv2.DIST_L2, 5)
        reach = CHEEK_BLUR * self.face.mouth_width / self._step
        weight = _smoothstep(far / max(1.0, reach))[..., None]
        sigma = CHEEK_BLUR * self.face.width / self._step
        out = {}
        for move, field in fields.items():
            soft = cv2.GaussianBlur(field, (0, 0), sigma)
            # Only inside the field's own support (the still ring around the face stays still).
            support = (np.abs(field).max(axis=2) > 1e-4).astype(np.uint8)
            inside = cv2.distanceTransform(support, cv2.DIST_L2, 5)
            blend = weight * _smoothstep(inside / (2.0 * sigma))[..., None]
            out[move] = (field + (soft - field) * blend).astype(np.float32)
        return out

    @functools.cached_property
    def _skin_light(self) -> float:
        """How brightly the face is lit (1 = typical), so the painted mouth matches it.

        Read from the whites of the eyes, which are about the same in every face (the skin's
        brightness would make a darker-skinned person's teeth and mouth darker, not just a
        darker photo's); from the skin when the eyes do not show enough white."""
        white = self._eye_white
        if white is not None:
            return float(np.clip(white.mean() / 186.0, 0.45, 1.25))
        p = self.face.points
        patch = self._patch(p[[2, 3, 31]].mean(axis=0), p[[13, 14, 35]].mean(axis=0))
        return float(np.clip(patch.mean() / 160.0, 0.45, 1.25)) if patch.size else 1.0

    @functools.cached_property
    def _eye_white(self) -> np.ndarray | None:
        """RGB of the whites of the eyes (the brightest part of the open eyes), or None."""
        mask = np.zeros(self._base.shape[:2], np.uint8)
        for eye in (range(36, 42), range(42, 48)):
            cv2.fillPoly(mask, [np.round(self.face.points[list(eye)]).astype(np.int32)], 1)
        pixels = self._base[mask.astype(bool)].astype(np.float32)
        if len(pixels) < 40:
            return None
        lum = pixels.mean(axis=1)
        white = pixels[lum >= np.percentile(lum, 85)].mean(axis=0)
        if float(white.mean()) < 1.6 * float(np.median(lum)):  # no white to speak of
            return None
        return white

    def _patch(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r = max(2, int(0.06 * self.face.width))
        out = []
        for c in (a, b):
            x, y = int(c[0]), int(c[1])
            out.append(self._base[max(0, y - r) : y + r, max(0, x - r) : x + r].reshape(-1, 3))
        return np.vstack(out)

    @functools.cached_property
    def _lip_colour(self) -> np.ndarray:
        """The middle of the person's lips (between the outer and inner lip lines)."""
        p = self.face.points
        mask = np.zeros(self._base.shape[:2], np.uint8)
        upper = (list(range(48, 55)), [64, 63, 62, 61, 60])
        lower = ([54, 55, 56, 57, 58, 59, 48], [60, 67, 66, 65, 64])
        for outer, inner in (upper, lower):
            ring = np.vstack([p[outer], p[inner]])
            cv2.fillPoly(mask, [np.round(ring).astype(np.int32)], 1)
        pixels = self._base[mask.astype(bool)].astype(np.float32)
        if len(pixels) < 6:
            return np.array([180.0, 100.0, 100.0], np.float32) * self._skin_light
        return np.median(pixels, axis=0).astype(np.float32)

    def _grain(self) -> float:
        """The photo's noise on the cheeks (levels): what is painted gets as much."""
        p = self.face.points
        r = max(3, int(0.06 * self.face.width))
        levels = []
        for c in (p[[2, 3, 31]].mean(axis=0), p[[13, 14, 35]].mean(axis=0)):
            x, y = int(c[0]), int(c[1])
            patch = self._base[max(0, y - r) : y + r, max(0, x - r) : x + r].astype(np.float32)
            if patch.shape[0] < 5 or patch.shape[1] < 5:
                continue
            grey = patch.mean(axis=2)
            sigma = max(1.0, self.face.scale)
            detail = grey - cv2.GaussianBlur(grey, (0, 0), sigma)
            levels.append(float(np.median(np.abs(detail))) * 1.4826)  # robust std
        return float(np.clip(np.mean(levels), 0.0, 6.0)) if levels else 0.0

    def _tooth_colour(self) -> np.ndarray:
        """The person's own teeth colour when the photo shows them, else a lit off-white."""
        # Ivory: a little warmer than the whites of the eyes, in the same light (a neutral
        # white looks blue in a face).
        white = self._eye_white
        if white is not None:
            default = np.clip(white * np.array([1.1, 1.07, 1.0]), 0, 248).astype(np.float32)
        else:
            light = self._skin_light
            ivory = np.array([238.0, 226.0, 204.0], np.float32)
            default = ivory * min(1.0, 0.55 + 0.4 * light)
        if not self.face.teeth_visible:
            return default
        inner = self.face.points[INNER_LIPS]
        mask = np.zeros(self._base.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(inner).astype(np.int32)], 1)
        pixels = self._base[mask.astype(bool)].astype(np.float32)
        if len(pixels) < 6:
            return default
        bright = pixels[pixels.sum(axis=1) >= np.percentile(pixels.sum(axis=1), 75)]
        own = bright.mean(axis=0)
        # Teeth in a photo sit in the lips' shadow; in the open mouth they catch more light.
        lift = max(1.0, 0.92 * float(default.max()) / max(1.0, float(own.max())))
        return np.clip(own * lift, 0, 255).astype(np.float32)

    # --- per frame --------------------------------------------------------------------------

    def weights(self, state: FrameState) -> dict[str, float]:
        """How much of each rig movement a frame state asks for."""
        pose = state.mouth
        press = float(np.clip(pose.press, 0.0, 1.0))
        rnd = float(np.clip(pose.round, 0.0, 1.0))
        teeth = float(np.clip(pose.teeth_on_lip, 0.0, 1.0)) * (1.0 - press)
        opened = float(np.clip(pose.open, 0.0, 1.0)) * (1.0 - press) * (1.0 - 0.7 * teeth)
        smile = float(np.clip(state.smile, 0.0, 1.0))
        pause = min(1.0, smile / PAUSE_SMILE)  # the timeline smiles up to ~0.8 in pauses
        relax = self._smile * (1.0 - pause)
        # The lower lip closes what the relaxed upper lip leaves of a smile's gap.
        shut = min(1.0 - RELAX_SHUT * relax, max(press, 0.6 * teeth, 0.6 * relax))
        return {
            "open": opened,
            "shut": shut * (1.0 - opened),
            "round": rnd,
            "wide": float(np.clip(pose.wide, 0.0, 1.0)) * (1.0 - rnd),
            "press": press,
            "lip_teeth": teeth,
            # A smiling photo relaxes towards neutral while speaking, smiles again in pauses.
            "relax": relax,
            "smile": (1.0 - self._smile) * pause * 0.8,
            "blink": float(np.clip(state.blink, 0.0, 1.0)),
            "brows": float(np.clip(state.brows, -0.5, 1.0)),
        }

    def render(self, state: FrameState) -> np.ndarray:
        """One RGB frame (height, width, 3) uint8, C-contiguous."""
        w = self.weights(state)
        k = min(self.width, self.height) / HEAD_UNIT
        dx = state.head_dx * k
        dy = (state.head_dy + NOD_DROP * float(np.clip(state.nod, 0.0, 1.0))) * k
        angle = state.head_angle
        active = {m: c for m, c in w.items() if abs(c) >= 1e-3}
        if not active and abs(dx) < 1e-3 and abs(dy) < 1e-3 and abs(angle) < 1e-3:
            return self._base.copy()
        # Head motion everywhere (inverted to first order), then the mouth and jaw in their box.
        back = np.zeros_like(self._local)
        for head_field, c in ((self._head_x, dx), (self._head_y, dy), (self._head_turn, angle)):
            if abs(c) >= 1e-3:
                cv2.scaleAdd(head_field, -c, back, back)
        inv_step = 1.0 / self._step
        moves = [(self._fields[m], c) for m, c in active.items() if m in self._fields]
        if moves:
            ys, xs = self._mouth_box
            forward = -back  # the forward warp: head motion plus the mouth's moves in the box
            part = forward[ys, xs]
            for field, c in moves:
                cv2.scaleAdd(field, c, part, part)
            # Invert "photo pixel x goes to x + f(x)": look back by b with b = -f(x + b), a few
            # fixed-point steps (the fields are smooth; only the gap between parted lips, which
            # the mouth interior covers, does not converge).
            local = self._local[ys, xs]
            step_back = -part
            for _ in range(INVERT_STEPS):
                where = local + step_back * inv_step
                step_back = -cv2.remap(
                    forward, where, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
                )
            back[ys, xs] = step_back
        eyes = [(self._eye_fields["brows"], active["brows"])] if "brows" in active else []
        if "blink" in active:
            eyes += self._blink(active["blink"])
        if eyes:
            eye = np.zeros_like(self._local)
            for eye_field, c in eyes:
                cv2.scaleAdd(eye_field, c, eye, eye)
            # Looked up where the head's motion puts each pixel of the still face.
            where = self._local + back * inv_step
            back += cv2.remap(eye, where, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        full = self._upsample(cv2.add(self._low_grid, back))
        for (ys, xs), fix in self._border_fix:
            full[ys, xs] += fix
        mouth = any(m in active for m in MOUTH_MOVES)
        # With the mouth still, the photo's own (teeth and all) is what shows.
        # Fixed-point maps (1/32 px) remap faster than float ones.
        # The photo where nothing moves, the warp in the bands (each pixel written once).
        frame = np.empty_like(self._base)
        for rows, cols in self._still:
            frame[rows, cols] = self._base[rows, cols]
        x0, y0, x1, y1 = self.region
        out = frame[y0:y1, x0:x1]
        source = self._warped if mouth else self._base
        # Only where the map can move (the rest of the region is the photo as it is).
        for band in self._bands:
            where = full[band.rows, band.cols]
            map1, map2 = cv2.convertMaps(where, None, cv2.CV_16SC2)
            cv2.remap(
                source,
                map1,
                map2,
                cv2.INTER_LINEAR,
                dst=out[band.rows, band.cols],
                borderMode=cv2.BORDER_REPLICATE,
            )
        if mouth and source is self._warped and self._own_teeth is not None:
            self._ease_from_photo(out, full, active)
        if mouth:
            self._draw_mouth(out, active, dx, dy, angle)
        if active.get("blink", 0.0) > LASH_FROM:
            self._draw_lashes(out, active, dx, dy, angle)
        return frame

    def _ease_from_photo(self, out: np.ndarray, full: np.ndarray, w: dict[str, float]) -> None:
        """As a smiling photo's lips start to close, its own mouth (teeth, dark corners) fades
        into the filled-in copy the warp samples, instead of switching in one frame."""
        k = self._closing(w)
        if k >= 1.0:
            return
        k = float(_smoothstep(np.float32(max(0.0, k))))
        ys, xs = self._mouth_box
        step = self._step
        rows = slice(ys.start * step, min(out.shape[0], ys.stop * step))
        cols = slice(xs.start * step, min(out.shape[1], xs.stop * step))
        map1, map2 = cv2.convertMaps(full[rows, cols], None, cv2.CV_16SC2)
        photo = cv2.remap(self._base, map1, map2, cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        cv2.addWeighted(out[rows, cols], k, photo, 1.0 - k, 0.0, dst=out[rows, cols])

    def _upsample(self, low: np.ndarray) -> np.ndarray:
        """A sampled field at the region's full size (the samples are ``step`` px apart)."""
        if self._step == 1:
            return low.copy()
        h, w = low.shape[:2]
        full = cv2.resize(low, (w * self._step, h * self._step), interpolation=cv2.INTER_LINEAR)
        return full[: self._size[1], : self._size[0]]

    def _moved(
        self, idx: list[int], w: dict[str, float], dx: float, dy: float, angle: float
    ) -> np.ndarray:
        """Where rig points ``idx`` are in this frame (the moves, then the head's motion)."""
        rig = self._rig
        pts = rig.points[idx].copy()
        for move, c in w.items():
            pts += c * rig.moves[move][idx]
        if abs(angle) >= 1e-3:
            forward = cv2.getRotationMatrix2D(self._pivot, angle, 1.0)
            pts = pts @ forward[:, :2].T + forward[:, 2]
        return pts + np.array([dx, dy])

    def _draw_lashes(
        self, out: np.ndarray, w: dict[str, float], dx: float, dy: float, angle: float
    ) -> None:
        """A closed eye's lash line along the lower lid, where the lids meet (it also hides
        the last sliver of the eye the warp squeezes there)."""
        strength = min(1.0, (w["blink"] - LASH_FROM) / (1.0 - LASH_FROM))
        x0, y0 = self.region[0], self.region[1]
        mask = np.zeros(out.shape[:2], np.uint8)
        thick = max(1, round(0.012 * self.face.eye_distance))
        for upper, lower in (
            ([36, 37, 38, 39], [36, 41, 40, 39]),
            ([42, 43, 44, 45], [42, 47, 46, 45]),
        ):
            meet = (self._moved(upper, w, dx, dy, angle) + self._moved(lower, w, dx, dy, angle)) / 2
            pts = meet - [x0, y0]
            line = np.round(pts * 16).astype(np.int32)
            cv2.polylines(mask, [line], False, 255, thick, cv2.LINE_AA, shift=4)
        ys, xs = np.nonzero(mask)
        if len(ys) == 0:
            return
        a = (mask[ys, xs].astype(np.float32) / 255.0 * 0.7 * strength)[:, None]
        out[ys, xs] = (out[ys, xs] * (1.0 - a) + self._lash * a + 0.5).astype(np.uint8)

    def _blink(self, amount: float) -> list[tuple[np.ndarray, float]]:
        """The blink at ``amount`` as a blend of the two nearest precomputed stages."""
        stages = (0.0, *BLINK_STAGES)
        k = min(int(np.searchsorted(stages, amount)), len(stages) - 1)
        lo, hi = stages[k - 1], stages[k]
        t = (amount - lo) / (hi - lo)
        out = [(self._blink_stages[k - 1], t)]
        if k >= 2:
            out.append((self._blink_stages[k - 2], 1.0 - t))
        return out

    def _draw_mouth(
        self, out: np.ndarray, w: dict[str, float], dx: float, dy: float, angle: float
    ) -> None:
        inner = self.face.points[INNER_LIPS] + self._paint_close
        for move, c in w.items():
            if move in self._inner_moves:
                inner += c * self._inner_moves[move]
        if abs(angle) >= 1e-3:
            forward = cv2.getRotationMatrix2D(self._pivot, angle, 1.0)
            inner = inner @ forward[:, :2].T + forward[:, 2]
        inner += [dx, dy]
        opened = w.get("open", 0.0)
        x0, y0 = self.region[0], self.region[1]
        paint_inside(
            out,
            (x0, y0),
            inner,
            self._look,
            opened=opened,
            rnd=w.get("round", 0.0),
            wide=w.get("wide", 0.0),
            teeth_lip=w.get("lip_teeth", 0.0),
            own_teeth=self._own_teeth,
            shown=self._painted_share(w),
        )

    def _painted_share(self, w: dict[str, float]) -> float:
        """How much of the painted inside shows: all of it, except for a photo that shows its
        teeth, near its own pose, where its own mouth fades into the painted one."""
        if self._own_teeth is None:
            return 1.0
        moved = max(self._closing(w), w.get("open", 0.0) / EASE_OPENING)
        return float(_smoothstep(np.float32(moved)))

    @staticmethod
    def _closing(w: dict[str, float]) -> float:
        """How far the lips have closed from a smiling photo's own pose (1: past the ease)."""
        return (w.get("relax", 0.0) + w.get("shut", 0.0) + w.get("press", 0.0)) / EASE_CLOSING


def load_photo(
    source: Path | bytes,
    width: int,
    height: int | None = None,
    name: str = "photo",
    remember: Path | None = None,
) -> PhotoPresenter:
    """Load, check and frame a photo in a ``width``×``height`` canvas (square when no height)."""
    rgb, face = locate(source, name, remember)
    canvas, framed = frame_face(rgb, face, width, height or width)
    try:
        return PhotoPresenter(canvas, framed)
    except (cv2.error, ValueError, IndexError) as err:  # a face shape the rig cannot take
        _log.warning("photo %s could not be rigged: %s", name, err)
        raise InputError("photo.cannot_animate", name=name) from err
