"""Facial landmarks: the 68 points land where a generated face was drawn; Haar is the fallback."""

from __future__ import annotations

import numpy as np
import pytest

import core.engines.local.landmarks as landmarks
from core.engines.local.landmarks import DLIB, HAAR, Face, find_landmarks
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
    assert face.detector == DLIB
    k = size / 512.0
    p = face.points / k  # back to the 512 px drawing's units
    for found, drawn in zip((p[36:42].mean(0), p[42:48].mean(0)), EYES, strict=True):
        assert np.hypot(*(found - drawn)) < 5
    for found, drawn in zip((p[48], p[54]), MOUTH_CORNERS, strict=True):
        assert np.hypot(*(found - drawn)) < 8
    assert abs(p[60:68, 1].mean() - LIP_LINE_Y) < 5
    assert abs(p[8, 1] - CHIN_Y) < 8
    assert abs(p[30, 0] - 256) < 5  # the nose tip on the face's middle
    assert not face.teeth_visible


def test_teeth_are_seen_in_a_smiling_photo() -> None:
    data = pytest.importorskip("skimage.data")
    face = find_landmarks(data.astronaut())
    assert face.detector == DLIB and face.teeth_visible
    x, y, w, _ = face.box
    assert 150 < x + w / 2 < 290 and 60 < y < 200  # her face, not the flag or the shuttle


def test_haar_fallback_fits_the_template_and_still_animates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(landmarks, "_dlib_points", lambda rgb: None)
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
        Face.from_json({"points": [[0, 0]], "detector": DLIB})
