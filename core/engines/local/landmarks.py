"""The face's real shape: 68 facial landmarks, found once per photo.

The points come from MediaPipe's 468-point face mesh (face_mesh.py: Apache-2.0 models shipped
in a wheel, run with OpenCV's DNN module, ~25 ms per photo), read in the common 68-point layout
below, which the rig (photo_rig.py) is written for.

When the mesh finds no face (a drawing, a strongly turned head) or its models are not
installed, OpenCV's Haar cascades (face.py) give the face box, eyes and mouth line, and a
neutral 68-point template is fitted to them, so the same rig animates either;
``Face.detector`` says which one was used.

Layout (indices): jaw 0–16 (0 on the image's left), brows 17–21 and 22–26, nose 27–35, eyes
36–41 and 42–47 (corner, two upper-lid points, corner, two lower-lid points), outer lips 48–59
(48 and 54 the corners), inner lips 60–67 (61–63 upper, 65–67 lower).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from core.engines.local import face_mesh
from core.engines.local.face import FaceBox, find_face
from core.errors import InputError

MESH = "face-mesh"  # MediaPipe's face detector + 468-point face mesh
HAAR = "haar-template"  # OpenCV Haar cascades + a template fitted to eyes and mouth

JAW = list(range(0, 17))
BROW_L, BROW_R = list(range(17, 22)), list(range(22, 27))
NOSE = list(range(27, 36))
EYE_L, EYE_R = list(range(36, 42)), list(range(42, 48))
OUTER_LIPS = list(range(48, 60))
INNER_LIPS = list(range(60, 68))

# A neutral, frontal, closed-mouth face in units of the distance between the eye centres,
# origin midway between the eyes (measured on a drawn test face).
TEMPLATE = np.array(
    [
        (-1.219, 0.062),
        (-1.217, 0.384),
        (-1.193, 0.696),
        (-1.129, 1.005),
        (-0.994, 1.292),
        (-0.814, 1.547),
        (-0.585, 1.769),
        (-0.330, 1.939),
        (-0.017, 1.988),
        (0.294, 1.928),
        (0.542, 1.767),
        (0.775, 1.553),
        (0.956, 1.299),
        (1.096, 1.018),
        (1.165, 0.717),
        (1.193, 0.401),
        (1.198, 0.084),
        (-0.914, -0.208),
        (-0.740, -0.332),
        (-0.518, -0.360),
        (-0.302, -0.330),
        (-0.098, -0.247),
        (0.118, -0.245),
        (0.314, -0.323),
        (0.523, -0.347),
        (0.738, -0.317),
        (0.897, -0.175),
        (0.020, -0.029),
        (0.020, 0.171),
        (0.018, 0.360),
        (0.018, 0.558),
        (-0.189, 0.748),
        (-0.095, 0.791),
        (0.013, 0.811),
        (0.116, 0.789),
        (0.220, 0.748),
        (-0.725, -0.019),
        (-0.592, -0.117),
        (-0.407, -0.108),
        (-0.250, 0.036),
        (-0.420, 0.088),
        (-0.605, 0.088),
        (0.268, 0.042),
        (0.401, -0.101),
        (0.586, -0.104),
        (0.723, -0.003),
        (0.603, 0.099),
        (0.420, 0.099),
        (-0.337, 1.216),
        (-0.206, 1.068),
        (-0.063, 0.989),
        (0.033, 1.009),
        (0.124, 0.983),
        (0.255, 1.061),
        (0.375, 1.225),
        (0.253, 1.285),
        (0.137, 1.312),
        (0.033, 1.327),
        (-0.076, 1.318),
        (-0.209, 1.285),
        (-0.263, 1.188),
        (-0.067, 1.122),
        (0.031, 1.127),
        (0.127, 1.116),
        (0.299, 1.196),
        (0.129, 1.159),
        (0.031, 1.174),
        (-0.067, 1.163),
    ],
    dtype=np.float64,
)


@dataclass(frozen=True, eq=False)
class Face:
    """Where the face is: 68 points in pixels of the image it was found in."""

    points: np.ndarray  # (68, 2) float64, x then y
    detector: str  # MESH or HAAR
    teeth_visible: bool = False  # the photo shows teeth between the lips (a smile)
    # Pixels here per pixel of the photo it was found in: above 1 the picture was enlarged
    # (and is as soft as that), so what is drawn into it is softened to match.
    scale: float = 1.0

    def transformed(self, scale: float, dx: float, dy: float) -> Face:
        """The same face after the image was scaled by ``scale`` then shifted by (dx, dy)."""
        moved = self.points * scale + np.array([dx, dy])
        return Face(moved, self.detector, self.teeth_visible, self.scale * scale)

    def centre(self, idx: list[int]) -> np.ndarray:
        return self.points[idx].mean(axis=0)

    @property
    def left_eye(self) -> np.ndarray:
        return self.centre(EYE_L)

    @property
    def right_eye(self) -> np.ndarray:
        return self.centre(EYE_R)

    @property
    def eye_distance(self) -> float:
        return float(np.linalg.norm(self.right_eye - self.left_eye))

    @property
    def eye_y(self) -> float:
        return float((self.left_eye[1] + self.right_eye[1]) / 2.0)

    @property
    def width(self) -> float:
        """Cheek to cheek (the jaw line's ends)."""
        return float(np.linalg.norm(self.points[16] - self.points[0]))

    @property
    def mouth_width(self) -> float:
        return float(np.linalg.norm(self.points[54] - self.points[48]))

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) from the brows to the chin, cheek to cheek."""
        p = self.points
        x0, x1 = float(p[JAW, 0].min()), float(p[JAW, 0].max())
        y0, y1 = float(p[BROW_L + BROW_R, 1].min()), float(p[JAW, 1].max())
        return (x0, y0, x1 - x0, y1 - y0)

    def to_json(self) -> dict[str, Any]:
        return {
            "points": np.round(self.points, 2).tolist(),
            "detector": self.detector,
            "teeth_visible": self.teeth_visible,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Face:
        points = np.asarray(data["points"], dtype=np.float64)
        if points.shape != (68, 2):
            raise ValueError("a face needs 68 points")
        return cls(points, str(data["detector"]), bool(data.get("teeth_visible", False)))


# --- Haar fallback -------------------------------------------------------------------------


def _from_haar(box: FaceBox) -> np.ndarray:
    """The template fitted to the Haar eyes and mouth line (an affine map from three points)."""
    t_eyes = (TEMPLATE[EYE_L].mean(axis=0), TEMPLATE[EYE_R].mean(axis=0))
    t_mouth = (TEMPLATE[48] + TEMPLATE[54]) / 2.0
    src = np.float32([t_eyes[0], t_eyes[1], t_mouth])
    dst = np.float32([box.left_eye, box.right_eye, (box.mouth_x, box.mouth_y)])
    matrix = cv2.getAffineTransform(src, dst).astype(np.float64)
    pts = TEMPLATE @ matrix[:, :2].T + matrix[:, 2]
    # The mouth's width from the photo (the template's is a drawn face's).
    centre = pts[OUTER_LIPS + INNER_LIPS].mean(axis=0)
    k = 2.0 * box.mouth_hw / max(1.0, float(np.linalg.norm(pts[54] - pts[48])))
    lips = OUTER_LIPS + INNER_LIPS
    pts[lips, 0] = centre[0] + (pts[lips, 0] - centre[0]) * k
    return pts


# --- teeth ---------------------------------------------------------------------------------


def _teeth_visible(rgb: np.ndarray, points: np.ndarray) -> bool:
    """True when the area between the inner lips is mostly bright, unsaturated: teeth."""
    inner = points[INNER_LIPS].astype(np.float32)
    gap = float(np.mean(points[[65, 66, 67], 1] - points[[63, 62, 61], 1]))
    if gap < 0.03 * float(np.linalg.norm(points[54] - points[48])):
        return False
    x0, y0 = np.floor(inner.min(axis=0)).astype(int)
    x1, y1 = np.ceil(inner.max(axis=0)).astype(int) + 1
    x0, y0 = max(0, x0), max(0, y0)
    patch = rgb[y0:y1, x0:x1]
    if patch.size == 0:
        return False
    mask = np.zeros(patch.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(inner - [x0, y0]).astype(np.int32)], 1)
    if mask.sum() < 6:
        return False
    hsv = cv2.cvtColor(patch, cv2.COLOR_RGB2HSV)[mask.astype(bool)].astype(np.float32)
    skin = points[[1, 2, 3, 13, 14, 15, 31, 35]].mean(axis=0)  # cheeks: roughly skin brightness
    sx, sy = int(np.clip(skin[0], 0, rgb.shape[1] - 1)), int(np.clip(skin[1], 0, rgb.shape[0] - 1))
    skin_v = float(cv2.cvtColor(rgb[sy : sy + 1, sx : sx + 1], cv2.COLOR_RGB2HSV)[0, 0, 2])
    teeth = (hsv[:, 1] < 110) & (hsv[:, 2] > 0.7 * skin_v)
    return float(teeth.mean()) > 0.35


def find_landmarks(rgb: np.ndarray, name: str = "the photo") -> Face:
    """The most prominent face's 68 points (face mesh, else Haar + template).

    Raises ``InputError`` (from the Haar search) when no face is found at all.
    """
    haar: FaceBox | None = None
    mesh = face_mesh.find_mesh(rgb)
    if mesh is None and face_mesh.available():
        # BlazeFace sees the photo at 128 px: a small face in a big photo is found by Haar,
        # and the mesh then runs on Haar's box.
        try:
            haar = find_face(rgb, name)
        except InputError:
            haar = None
        if haar is not None:
            mesh = face_mesh.find_mesh(rgb, seed_box=(haar.x, haar.y, haar.w, haar.h))
    if mesh is not None:
        points, detector = face_mesh.to_68(mesh), MESH
    else:
        points, detector = _from_haar(haar or find_face(rgb, name)), HAAR
    return Face(points, detector, _teeth_visible(rgb, points))
