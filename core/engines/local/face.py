"""Finding the face, the mouth and the eyes in a photo with OpenCV's bundled Haar cascades.

Haar cascades are old but ship inside ``opencv-python-headless`` (no model download, works
offline, a few ms per photo). They give a face box; the mouth and eyes are then placed from face
proportions and nudged by image evidence (the dark line between the lips, the eye cascade), which
is enough for the warp in ``photo.py`` because its displacement fields are soft and wide.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import cv2
import numpy as np

from core.errors import InputError

DETECT_SIDE = 640  # the longest side of the grey image the cascades run on (speed)
MIN_FACE_PX = 60  # a smaller face (in the loaded photo) is too blurry to animate

# Face proportions relative to the Haar face box (measured on frontal photos).
MOUTH_Y = 0.80  # mouth centre, fraction of the box height (the box's bottom is near the chin)
MOUTH_HALF_W = 0.22  # of the box width
MOUTH_HALF_H = 0.07  # both lips together, of the box width
EYE_Y = 0.37
EYE_X = (0.29, 0.71)
EYE_HALF_W = 0.1
EYE_HALF_H = 0.045


@dataclass(frozen=True)
class FaceBox:
    """Where the face parts are, in pixels of the image it was found in."""

    x: float  # face rectangle (Haar box: eyebrows to chin, cheek to cheek)
    y: float
    w: float
    h: float
    mouth_x: float  # centre of the line between the lips
    mouth_y: float
    mouth_hw: float  # half the mouth width (corner to centre)
    mouth_hh: float  # half the height of both lips together
    left_eye: tuple[float, float]  # eye centres; "left" is the one with the smaller x
    right_eye: tuple[float, float]
    eye_hw: float  # half the eye width
    eye_hh: float  # half the visible eye height
    teeth_visible: bool = False  # the photo already shows the upper teeth (a smile)
    mouth_curve: float = 0.0  # the lip line is mouth_y + mouth_curve·(dx / mouth_hw)²; <0 smiles

    @property
    def eye_y(self) -> float:
        return (self.left_eye[1] + self.right_eye[1]) / 2.0

    def transformed(self, scale: float, dx: float, dy: float) -> FaceBox:
        """The same face after the image was scaled by ``scale`` then shifted by (dx, dy)."""

        def pt(p: tuple[float, float]) -> tuple[float, float]:
            return (p[0] * scale + dx, p[1] * scale + dy)

        return replace(
            self,
            x=self.x * scale + dx,
            y=self.y * scale + dy,
            w=self.w * scale,
            h=self.h * scale,
            mouth_x=self.mouth_x * scale + dx,
            mouth_y=self.mouth_y * scale + dy,
            mouth_hw=self.mouth_hw * scale,
            mouth_hh=self.mouth_hh * scale,
            mouth_curve=self.mouth_curve * scale,
            left_eye=pt(self.left_eye),
            right_eye=pt(self.right_eye),
            eye_hw=self.eye_hw * scale,
            eye_hh=self.eye_hh * scale,
        )


_per_thread = threading.local()


def _cascade(name: str) -> cv2.CascadeClassifier:
    """A bundled cascade, loaded on first use in each thread (never at import time).

    ``detectMultiScale`` keeps scratch state in the classifier, so one shared instance must
    not be used by two threads at once (two renders preparing photos side by side): each
    thread gets its own (a few ms to load, a few hundred kB).
    """
    loaded: dict[str, cv2.CascadeClassifier] = _per_thread.__dict__.setdefault("cascades", {})
    classifier = loaded.get(name)
    if classifier is None:
        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        if classifier.empty():  # pragma: no cover - only if the OpenCV wheel is broken
            raise RuntimeError(f"OpenCV's bundled {name} could not be loaded")
        loaded[name] = classifier
    return classifier


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return float(inter) / float(union) if union else 0.0


def _detect_faces(grey: np.ndarray, min_neighbors: int) -> list[tuple[np.ndarray, float]]:
    """Face boxes from two cascades, each with a score: area, doubled when both agree."""
    min_side = max(24, int(min(grey.shape) * 0.08))
    found: list[np.ndarray] = []
    per_cascade: list[list[np.ndarray]] = []
    for name in ("haarcascade_frontalface_alt2.xml", "haarcascade_frontalface_default.xml"):
        boxes = _cascade(name).detectMultiScale(
            grey, scaleFactor=1.1, minNeighbors=min_neighbors, minSize=(min_side, min_side)
        )
        listed = [np.asarray(b, dtype=np.float64) for b in boxes]
        per_cascade.append(listed)
        found.extend(listed)
    scored = []
    for box in found:
        agree = sum(any(_iou(box, o) > 0.5 for o in boxes) for boxes in per_cascade)
        scored.append((box, float(box[2] * box[3]) * (1.0 + (agree >= 2))))
    return scored


def _find_face_rect(rgb: np.ndarray) -> np.ndarray | None:
    """The largest plausible face as (x, y, w, h) in ``rgb`` pixels, or None."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    attempts = [(DETECT_SIDE, "equalise", 5), (DETECT_SIDE, "clahe", 3), (1024, "equalise", 3)]
    for side, contrast, neighbours in attempts:
        scale = min(1.0, side / max(grey.shape))
        small = (
            grey
            if scale == 1.0
            else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        if contrast == "equalise":
            small = cv2.equalizeHist(small)
        else:
            small = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(small)
        scored = _detect_faces(small, neighbours)
        if scored:
            best = max(scored, key=lambda item: item[1])[0]
            return best / scale
    return None


def _mouth_line(grey: np.ndarray, rect: np.ndarray) -> float:
    """The y of the line between the lips: the darkest row in the lower face, near MOUTH_Y.

    The gap between the lips (or its shadow) is the darkest horizontal line across the middle of
    the lower face; a Gaussian prior around the usual proportion keeps the nostrils and the chin
    shadow from winning.
    """
    x, y, w, h = rect
    x0, x1 = int(x + 0.32 * w), int(x + 0.68 * w)
    y0, y1 = int(y + 0.70 * h), int(y + 0.94 * h)
    region = grey[max(0, y0) : min(grey.shape[0], y1), max(0, x0) : min(grey.shape[1], x1)]
    if region.shape[0] < 5 or region.shape[1] < 3:
        return y + MOUTH_Y * h
    rows = cv2.GaussianBlur(region.astype(np.float32).mean(axis=1).reshape(-1, 1), (1, 5), 0)
    rows = rows.ravel()
    spread = float(rows.max() - rows.min())
    if spread < 12.0:  # flat: no evidence, trust the proportions
        return y + MOUTH_Y * h
    ys = (np.arange(len(rows)) + max(0, y0) - y) / h
    darkness = (rows.max() - rows) / spread
    prior = np.exp(-0.5 * ((ys - MOUTH_Y) / 0.06) ** 2)
    best = int(np.argmax(darkness * prior))
    return float(y + ys[best] * h)


def _below_teeth(rgb: np.ndarray, rect: np.ndarray, line: float) -> float:
    """In a smile that shows the upper teeth, move the split line down to the teeth's lower edge.

    The darkest line is then the shadow under the upper lip; if the jaw were to drop from there,
    the person's own upper teeth would travel down with the chin. Teeth are the rows just below
    the line that are as bright as the skin but clearly less saturated.
    """
    x, y, w, h = rect
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).astype(np.float32)
    skin = hsv[int(y + 0.48 * h) : int(y + 0.62 * h), int(x + 0.2 * w) : int(x + 0.8 * w)]
    if skin.size == 0:
        return line
    skin_s = float(np.median(skin[..., 1]))
    skin_v = float(np.median(skin[..., 2]))
    r0, r1 = int(line), int(line + 0.12 * h)
    c0, c1 = int(x + 0.5 * w - 0.12 * w), int(x + 0.5 * w + 0.12 * w)
    band = hsv[max(0, r0) : min(rgb.shape[0], r1), max(0, c0) : min(rgb.shape[1], c1)]
    if band.shape[0] < 3 or band.shape[1] < 3:
        return line
    teethlike = (band[..., 1] < 0.65 * skin_s) & (band[..., 2] > 0.85 * skin_v)
    rows = np.flatnonzero(teethlike.mean(axis=1) > 0.5)
    if len(rows) < 2:
        return line
    run_end = rows[0]
    for row in rows[1:]:  # the first contiguous run of teeth rows only
        if row > run_end + 1:
            break
        run_end = row
    if run_end - rows[0] < 1:
        return line
    return float(max(0, r0) + run_end + 1)


def _mouth_half_width(rgb: np.ndarray, rect: np.ndarray, mouth_x: float, line: float) -> float:
    """Half the mouth width from where the lips are redder than the skin (Lab a*), else 0.22 w.

    The warp's opening runs corner to corner, so a mouth narrower than the proportion would
    otherwise open into the cheeks.
    """
    x, y, w, h = rect
    a_star = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 1].astype(np.float32)
    skin = a_star[int(y + 0.48 * h) : int(y + 0.62 * h), int(x + 0.2 * w) : int(x + 0.8 * w)]
    r0, r1 = max(0, int(line - 0.05 * h)), min(rgb.shape[0], int(line + 0.05 * h))
    c0, c1 = max(0, int(mouth_x - 0.35 * w)), min(rgb.shape[1], int(mouth_x + 0.35 * w))
    if skin.size == 0 or r1 - r0 < 2 or c1 - c0 < 8:
        return MOUTH_HALF_W * w
    redness = (a_star[r0:r1, c0:c1] > float(np.median(skin)) + 5.0).mean(axis=0) > 0.1
    centre = int(mouth_x) - c0
    if not redness[max(0, centre - 3) : centre + 4].any():
        return MOUTH_HALF_W * w

    def reach(step: int) -> int:
        i, gap = centre, 0
        while 0 <= i + step < len(redness) and gap <= 2:
            i += step
            gap = 0 if redness[i] else gap + 1
        return abs(i - centre) - gap

    half = 1.08 * max(reach(-1), reach(1))
    return float(np.clip(half, 0.15 * w, 0.26 * w))


def _mouth_curve(
    grey: np.ndarray, mouth: tuple[float, float], half_w: float, face_h: float
) -> float:
    """How much the lip line rises (<0) or falls towards the corners, from the image.

    Towards each corner the line between the lips is the darkest row, teeth or not (the corners
    of a smile are dark pockets); the median offset over a few columns gives the parabola.
    Clamped: a smile lifts the corners a little, a frown drops them less.
    """
    mx, my = mouth
    r0, r1 = int(my - 0.09 * face_h), int(my + 0.04 * face_h)
    if r0 < 1 or r1 + 1 >= grey.shape[0]:
        return 0.0
    offsets = []
    for u in (-0.85, -0.75, -0.65, -0.55, 0.55, 0.65, 0.75, 0.85):
        x = int(mx + u * half_w)
        if not 0 <= x < grey.shape[1]:
            continue
        col = grey[r0 - 1 : r1 + 2, max(0, x - 1) : x + 2].astype(np.float32).mean(axis=1)
        col = np.convolve(col, np.ones(3, np.float32) / 3.0, mode="same")
        score = -col[1:-1]
        offsets.append((r0 + int(np.argmax(score)) - my) / (u * u))
    if len(offsets) < 4:
        return 0.0
    return float(np.clip(np.median(offsets), -0.12 * face_h, 0.05 * face_h))


def _eyes(grey: np.ndarray, rect: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """Eye centres from the eye cascade when it finds a plausible pair, else from proportions."""
    x, y, w, h = rect
    geo = ((x + EYE_X[0] * w, y + EYE_Y * h), (x + EYE_X[1] * w, y + EYE_Y * h))
    ix, iy, iw, ih = int(x), int(y + 0.15 * h), int(w), int(0.45 * h)
    roi = grey[max(0, iy) : iy + ih, max(0, ix) : ix + iw]
    if roi.size == 0:
        return geo
    boxes = _cascade("haarcascade_eye.xml").detectMultiScale(
        cv2.equalizeHist(roi),
        scaleFactor=1.1,
        minNeighbors=4,
        minSize=(max(8, int(0.15 * w)), max(8, int(0.15 * w))),
        maxSize=(int(0.45 * w), int(0.45 * w)),
    )
    centres = [(ix + bx + bw / 2.0, max(0, iy) + by + bh / 2.0) for bx, by, bw, bh in boxes]
    left = [c for c in centres if c[0] < x + 0.5 * w and abs(c[0] - geo[0][0]) < 0.15 * w]
    right = [c for c in centres if c[0] >= x + 0.5 * w and abs(c[0] - geo[1][0]) < 0.15 * w]
    pairs = [
        (a, b)
        for a in left
        for b in right
        if abs(a[1] - b[1]) < 0.12 * w and abs((a[1] + b[1]) / 2 - geo[0][1]) < 0.15 * h
    ]
    if not pairs:
        return geo
    return min(pairs, key=lambda p: abs(p[0][1] - geo[0][1]) + abs(p[1][1] - geo[1][1]))


def find_face(rgb: np.ndarray, name: str = "the photo") -> FaceBox:
    """The most prominent face in an RGB image, with mouth and eye positions.

    Raises ``InputError`` when no face is found or it is too small to animate.
    """
    rect = _find_face_rect(rgb)
    if rect is None:
        raise InputError("photo.no_face", name=name)
    x, y, w, h = (float(v) for v in rect)
    if w < MIN_FACE_PX:
        raise InputError("photo.face_too_small", name=name, px=w, min=MIN_FACE_PX)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    left, right = _eyes(grey, rect)
    mouth_x = x + 0.5 * w
    # Tilted or off-centre faces: put the mouth under the midpoint of the eyes.
    mid_eyes = (left[0] + right[0]) / 2.0
    if abs(mid_eyes - mouth_x) < 0.1 * w:
        mouth_x = mid_eyes
    line = _mouth_line(grey, rect)
    mouth_y = _below_teeth(rgb, rect, line)
    teeth = mouth_y > line + 0.02 * h
    half_w = _mouth_half_width(rgb, rect, mouth_x, line)
    return FaceBox(
        x=x,
        y=y,
        w=w,
        h=h,
        mouth_x=float(mouth_x),
        mouth_y=float(mouth_y),
        mouth_hw=half_w,
        mouth_hh=MOUTH_HALF_H * w,
        left_eye=(float(left[0]), float(left[1])),
        right_eye=(float(right[0]), float(right[1])),
        teeth_visible=teeth,
        mouth_curve=_mouth_curve(grey, (mouth_x, mouth_y), half_w, h),
        eye_hw=EYE_HALF_W * w,
        eye_hh=EYE_HALF_H * w,
    )
