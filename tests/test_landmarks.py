"""Facial landmarks: the points land where a generated face was drawn and follow a real face
moved by a known transform; Haar is the fallback."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import core.engines.local.face_mesh as face_mesh
from core.engines.local.landmarks import HAAR, MESH, Face, find_landmarks
from core.engines.local.photo import load_photo
from core.engines.local.types import FrameState, MouthPose
from core.errors import InputError
from tests.face_images import encode, synthetic_face

# Where synthetic_face(512) draws things (see tests/face_images.py).
EYES = ((210.0, 222.0), (302.0, 222.0))
MOUTH_CORNERS = ((224.0, 326.0), (288.0, 326.0))
LIP_LINE_Y = 326.0
CHIN_Y = 400.0  # bottom of the face ellipse (262 + 138)


@pytest.mark.parametrize("size", [384, 512, 768])
def test_landmarks_land_where_the_face_was_drawn(size: int) -> None:
    face = find_landmarks(synthetic_face(size))
    assert face.detector == MESH
    k = size / 512.0
    p = face.points / k  # back to the 512 px drawing's units
    e = 92.0  # the drawn eye distance; a drawing is not a face, so allow a tenth of it
    for found, drawn in zip((p[36:42].mean(0), p[42:48].mean(0)), EYES, strict=True):
        assert np.hypot(*(found - drawn)) < 0.06 * e
    for found, drawn in zip((p[48], p[54]), MOUTH_CORNERS, strict=True):
        assert np.hypot(*(found - drawn)) < 0.1 * e
    assert abs(p[60:68, 1].mean() - LIP_LINE_Y) < 0.06 * e
    assert abs(p[8, 1] - CHIN_Y) < 0.1 * e
    assert abs(p[30, 0] - 256) < 0.06 * e  # the nose tip on the face's middle
    assert not face.teeth_visible


@pytest.mark.parametrize(
    ("angle", "scale", "shift", "size"),
    [(12.0, 0.8, (90, 40), (640, 560)), (-8.0, 1.3, (-40, 10), (720, 720)),
     (0.0, 0.6, (200, 150), (800, 600)), (20.0, 1.0, (0, 0), (600, 600))],
)  # fmt: skip
def test_landmarks_follow_a_real_face_moved_by_a_known_transform(
    angle: float, scale: float, shift: tuple[int, int], size: tuple[int, int]
) -> None:
    """The astronaut photo turned, scaled and moved onto a bigger backdrop: every point found
    on it is the point found on the original, carried by the same transform."""
    data = pytest.importorskip("skimage.data")
    rgb = data.astronaut()
    original = find_landmarks(rgb)
    assert original.detector == MESH
    matrix = cv2.getRotationMatrix2D((256.0, 256.0), angle, scale)
    matrix[:, 2] += shift
    moved = cv2.warpAffine(rgb, matrix, size, borderValue=(120, 130, 140))
    face = find_landmarks(moved)
    assert face.detector == MESH
    expected = original.points @ matrix[:, :2].T + matrix[:, 2]
    error = np.linalg.norm(face.points - expected, axis=1) / (original.eye_distance * scale)
    assert error.mean() < 0.05 and error.max() < 0.12, (error.mean(), error.max())
    # And the points are a face's: eyes level with the turn, mouth below the nose, chin lowest.
    assert abs(_eye_angle(face) - (_eye_angle(original) - angle)) < 3  # (y points down)
    assert face.points[8, 1] > face.points[57, 1] > face.points[33, 1] > face.eye_y - 1


def _eye_angle(face: Face) -> float:
    return float(np.degrees(np.arctan2(*(face.right_eye - face.left_eye)[::-1])))


def test_teeth_are_seen_in_a_smiling_photo() -> None:
    data = pytest.importorskip("skimage.data")
    face = find_landmarks(data.astronaut())
    assert face.detector == MESH and face.teeth_visible
    x, y, w, _ = face.box
    assert 150 < x + w / 2 < 290 and 60 < y < 200  # her face, not the flag or the shuttle


def test_haar_fallback_fits_the_template_and_still_animates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(face_mesh, "find_mesh", lambda rgb, seed_box=None: None)
    face = find_landmarks(synthetic_face(512))
    assert face.detector == HAAR
    p = face.points
    assert abs(p[36:42, 1].mean() - 222) < 15 and abs(p[60:68, 1].mean() - LIP_LINE_Y) < 15
    assert p[48, 0] < 256 < p[54, 0]
    photo = load_photo(encode(synthetic_face(512, seed=11)), 256)
    assert photo.detector == HAAR  # and says so
    assert not np.array_equal(photo.render(FrameState()), photo.render(
        FrameState(mouth=MouthPose(open=1.0))))  # fmt: skip


def test_no_face_is_refused_by_both() -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, size=(300, 300, 3), dtype=np.uint8)
    with pytest.raises(InputError, match="No face"):
        find_landmarks(noise)


def test_face_round_trips_through_json() -> None:
    face = find_landmarks(synthetic_face(400))
    again = Face.from_json(face.to_json())
    assert again.detector == face.detector and np.allclose(again.points, face.points, atol=0.01)
    with pytest.raises(ValueError):
        Face.from_json({"points": [[0, 0]], "detector": MESH})


def test_without_the_models_haar_takes_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(face_mesh, "model_file", lambda kind: None)
    assert not face_mesh.available()
    assert find_landmarks(synthetic_face(512)).detector == HAAR
