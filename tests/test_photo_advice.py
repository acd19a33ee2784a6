"""Upload guidance: warnings (never refusals) for small, blurred, turned and smiling photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.engines.local.landmarks import find_landmarks
from core.engines.local.photo_advice import BLURRED, SMALL, SMILING, TURNED, photo_advice
from core.previews import photo_advice as advice_for_upload
from tests.face_images import encode, synthetic_face
from ui.i18n import TEXTS


def _turned(size: int = 512) -> np.ndarray:
    """The drawn face with its features slid sideways inside the outline: a head turned."""
    img = synthetic_face(size)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    s = size / 512
    shift = (
        45
        * s
        * np.exp(
            -(
                ((xx - 256 * s) ** 2) / (2 * (60 * s) ** 2)
                + ((yy - 280 * s) ** 2) / (2 * (110 * s) ** 2)
            )
        )
    )
    return cv2.remap(img, xx - shift, yy, cv2.INTER_LINEAR)


def _advice(rgb: np.ndarray) -> list[str]:
    return photo_advice(rgb, find_landmarks(rgb))


def test_a_good_photo_gets_no_warning() -> None:
    assert _advice(synthetic_face(512)) == []


def test_small_blurred_and_turned_photos_are_warned_about() -> None:
    assert SMALL in _advice(synthetic_face(240))
    blurred = _advice(cv2.GaussianBlur(synthetic_face(512), (0, 0), 3))
    assert BLURRED in blurred and SMALL not in blurred
    assert TURNED in _advice(_turned())


def test_a_wide_smile_is_warned_about() -> None:
    data = pytest.importorskip("skimage.data")
    assert SMILING in advice_for_upload(encode(data.astronaut()), "astronaut.png")


def test_every_advice_has_english_and_spanish_words() -> None:
    for advice in (SMALL, BLURRED, TURNED, SMILING, "rough"):
        label = TEXTS[f"voice.advice.{advice}"]
        assert label["en"] and label["es"] and label["en"] != label["es"]
    assert TEXTS["voice.photo_tips"]["es"]
