"""Advice on an uploaded photo: what will animate well, and what may not (never a refusal).

A photo works best front-facing, evenly lit, with the mouth closed and relaxed, and the face
large and sharp. Each check returns an advice id the interface words in the person's language.
"""

from __future__ import annotations

import cv2
import numpy as np

from core.engines.local.landmarks import MESH, Face
from core.engines.local.photo_rig import smile_amount

SMALL = "small"  # the face is small: it will look soft when framed in the video
BLURRED = "blurred"  # the face is out of focus or shaken
TURNED = "turned"  # the head is turned or tilted away from the camera
SMILING = "smiling"  # a wide smile or open mouth: speech starts from that expression
ROUGH = "rough"  # the face's shape could not be measured precisely (fallback detector)

MIN_FACE_WIDTH = 180  # px cheek to cheek in the photo; a 720p video frames it ~320 px wide
SHARPNESS = 12.0  # variance of the Laplacian over the face scaled to 200 px wide
MAX_TURN = 0.1  # the nose's offset from the middle of the jaw line, of the face width
MAX_TILT = 12.0  # degrees between the eyes' line and the horizontal
MAX_SMILE = 0.6  # smile_amount


def sharpness(rgb: np.ndarray, face: Face) -> float:
    """Fine detail in the face (eyes, lips, skin), independent of the photo's resolution."""
    x, y, w, h = (round(v) for v in face.box)
    x0, y0 = max(0, x), max(0, y)
    patch = rgb[y0 : y + h, x0 : x + w]
    if patch.shape[0] < 8 or patch.shape[1] < 8:
        return 0.0
    grey = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY)
    scale = 200.0 / patch.shape[1]
    grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def turn(face: Face) -> float:
    """How far the head is turned: 0 frontal, ~0.5 in profile (nose tip against the jaw)."""
    p = face.points
    left, right = p[0, 0], p[16, 0]
    return abs(float((p[30, 0] - left) / max(1.0, right - left)) - 0.5)


def tilt(face: Face) -> float:
    dx, dy = face.right_eye - face.left_eye
    return abs(float(np.degrees(np.arctan2(dy, dx))))


def photo_advice(rgb: np.ndarray, face: Face) -> list[str]:
    """Advice ids for a photo and its face (found by ``find_landmarks`` on ``rgb``)."""
    advice = []
    if face.width < MIN_FACE_WIDTH:
        advice.append(SMALL)
    if sharpness(rgb, face) < SHARPNESS:
        advice.append(BLURRED)
    if face.detector != MESH:
        advice.append(ROUGH)
    elif turn(face) > MAX_TURN or tilt(face) > MAX_TILT:
        advice.append(TURNED)
    if smile_amount(face) > MAX_SMILE:
        advice.append(SMILING)
    return advice
