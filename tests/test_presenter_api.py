"""The one Presenter API the engine and the composition layer use, for every kind of avatar.

load_presenter(avatar, width, height) frames the presenter head-and-shoulders in any canvas;
render() gives (height, width, 4) straight RGBA for illustrated presenters (a clean mask)
and (height, width, 3) RGB for photos; face_box says where the face is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.avatars import builtin_avatars
from core.engines.local.presenters import backdrop, load_presenter, still
from core.engines.local.types import REST, FrameState, MouthPose
from core.models import Avatar
from tests.face_images import encode, synthetic_face

CANVASES = [(256, 256), (320, 180), (180, 320), (120, 240), (301, 173)]


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Avatar:
    path: Path = tmp_path_factory.mktemp("photo") / "face.png"
    path.write_bytes(encode(synthetic_face(512)))
    return Avatar(id=str(path), name="face", kind="photo", path=path)


def _check_frame(presenter, width: int, height: int) -> np.ndarray:
    assert (presenter.width, presenter.height) == (width, height)
    channels = 4 if presenter.has_alpha else 3
    for state in (REST, FrameState(mouth=MouthPose(open=1.0), blink=1.0, head_dx=4, nod=1.0)):
        frame = presenter.render(state)
        assert frame.shape == (height, width, channels)
        assert frame.dtype == np.uint8 and frame.flags["C_CONTIGUOUS"]
    x, y, w, h = presenter.face_box
    assert x >= 0 and y >= 0 and x + w <= width and y + h <= height and w > 0 and h > 0
    return presenter.render(REST)


@pytest.mark.parametrize(("width", "height"), CANVASES)
def test_illustrated_presenters_fit_any_canvas_with_a_clean_mask(width: int, height: int) -> None:
    avatar = builtin_avatars()[0]
    presenter = load_presenter(avatar, width, height)
    assert presenter.has_alpha
    frame = _check_frame(presenter, width, height)
    alpha = frame[..., 3]
    x, y, w, h = presenter.face_box
    assert (alpha[y + h // 4 : y + 3 * h // 4, x + w // 4 : x + 3 * w // 4] == 255).all()
    transparent = alpha == 0
    assert transparent.any() and (frame[transparent][:, :3] == 0).all()
    assert (frame[..., 3] == 255).sum() > 0.15 * width * height  # a figure, not a speck
    assert backdrop(avatar, width, height).shape == (height, width, 3)


@pytest.mark.parametrize(("width", "height"), CANVASES)
def test_photos_fill_any_canvas_opaquely(photo: Avatar, width: int, height: int) -> None:
    presenter = load_presenter(photo, width, height)
    assert not presenter.has_alpha
    frame = _check_frame(presenter, width, height)
    assert frame.std() > 10
    assert presenter.face_box[2] > 0.25 * min(width, height)


def test_stills_are_opaque_squares(photo: Avatar) -> None:
    for avatar in (builtin_avatars()[1], photo):
        image = still(avatar, 128)
        assert image.shape == (128, 128, 3) and image.dtype == np.uint8
        assert image.std() > 10


def test_flattened_frames_match_the_rgba_frames_over_the_background() -> None:
    """The engine's fast path (head straight onto the background) draws the same picture."""
    from core.engines.local.alpha import Flattened, over

    avatar = builtin_avatars()[2]
    presenter = load_presenter(avatar, 320, 180)
    background = backdrop(avatar, 320, 180)
    flat = Flattened(presenter, background)
    for state in (REST, FrameState(mouth=MouthPose(open=0.7), blink=0.6, head_dx=3, nod=0.5)):
        fast = flat(state)
        assert fast.shape == (180, 320, 3)
        assert np.abs(fast.astype(int) - over(presenter.render(state), background)).max() <= 2
