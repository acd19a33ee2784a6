"""Face, mouth and eye finding (core/engines/local/face.py) on generated faces and, when
scikit-image is installed, on its bundled astronaut portrait (a real photograph)."""

from __future__ import annotations

import numpy as np
import pytest

from core.engines.local.face import FaceBox, find_face
from core.errors import InputError
from tests.face_images import synthetic_face


def test_noise_has_no_face() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (400, 400, 3), dtype=np.uint8)
    with pytest.raises(InputError, match="No face was found") as err:
        find_face(noise, "noise.png")
    assert "front-facing" in err.value.message
    assert "noise.png" in err.value.message


def test_gradient_has_no_face() -> None:
    ramp = np.linspace(0, 255, 300, dtype=np.float32)
    grad = np.stack([np.add.outer(ramp, ramp) / 2] * 3, axis=-1).astype(np.uint8)
    with pytest.raises(InputError, match="No face was found"):
        find_face(grad)


@pytest.mark.parametrize("size", [256, 512, 900])
def test_synthetic_face_is_found_with_mouth_and_eyes(size: int) -> None:
    face = find_face(synthetic_face(size))
    k = size / 512.0
    assert face.x < size / 2 < face.x + face.w
    # The mouth sits in the lower half of the face box, near the drawn lip line.
    assert face.y + face.h / 2 < face.mouth_y < face.y + face.h
    assert abs(face.mouth_y - 326 * k) < 14 * k
    assert abs(face.mouth_x - 256 * k) < 14 * k
    assert face.mouth_hw > 0.1 * face.w
    # Eyes: left one left of centre, both near the drawn eyes.
    assert abs(face.left_eye[0] - 210 * k) < 20 * k
    assert abs(face.right_eye[0] - 302 * k) < 20 * k
    for eye in (face.left_eye, face.right_eye):
        assert abs(eye[1] - 222 * k) < 16 * k
    assert not face.teeth_visible


def test_found_values_are_plain_floats() -> None:
    face = find_face(synthetic_face(300))
    assert type(face.mouth_x) is float and type(face.left_eye[0]) is float


def test_astronaut_photo() -> None:
    data = pytest.importorskip("skimage.data")
    rgb = data.astronaut()
    face = find_face(rgb)
    # Her face is roughly x 175–270, y 65–170 in the 512 px photo; mouth near y 145.
    assert 160 < face.x + face.w / 2 < 250
    assert face.y + face.h / 2 < face.mouth_y < face.y + face.h
    assert 135 < face.mouth_y < 158
    assert face.left_eye[0] < face.mouth_x < face.right_eye[0]
    assert 90 < face.eye_y < 112
    assert face.teeth_visible  # she smiles with her teeth showing


def test_transformed_scales_and_shifts_everything() -> None:
    face = FaceBox(
        x=10, y=20, w=100, h=100, mouth_x=60, mouth_y=100, mouth_hw=20, mouth_hh=6,
        left_eye=(40, 55), right_eye=(80, 55), eye_hw=8, eye_hh=4,
    )  # fmt: skip
    moved = face.transformed(2.0, 5.0, -3.0)
    assert (moved.x, moved.y, moved.w, moved.h) == (25.0, 37.0, 200.0, 200.0)
    assert (moved.mouth_x, moved.mouth_y, moved.mouth_hw) == (125.0, 197.0, 40.0)
    assert moved.left_eye == (85.0, 107.0) and moved.eye_hh == 8.0
    assert moved.eye_y == 107.0


def test_each_thread_has_its_own_cascade_and_finds_the_same_face() -> None:
    """detectMultiScale is not thread-safe: renders side by side must not share one."""
    import threading

    from core.engines.local import face

    name = "haarcascade_frontalface_alt2.xml"
    image = synthetic_face(320)
    alone = find_face(image)
    together = threading.Barrier(4)
    results: list[tuple[object, FaceBox]] = []

    def detect() -> None:
        together.wait()
        cascade = face._cascade(name)
        found = [find_face(image) for _ in range(3)]
        assert face._cascade(name) is cascade  # loaded once per thread
        results.extend((cascade, f) for f in found)

    threads = [threading.Thread(target=detect) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(cascade) for cascade, _ in results}) == 4  # one per thread, all alive
    assert all(found == alone for _, found in results)
