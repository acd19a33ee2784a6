"""Built-in illustrated presenters: API, frame format, and that only what moves changes."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from core.engines.local.illustrated import (
    BUILTIN_AVATARS,
    IllustratedPresenter,
    builtin_ids,
    load_illustrated,
)
from core.engines.local.illustrated_body import draw_body
from core.engines.local.illustrated_face import (
    downscale,
    draw_eye_overlay,
    draw_eyes,
    draw_mouth,
)
from core.engines.local.illustrated_head import draw_head
from core.engines.local.illustrated_look import EYE_BOX, MOUTH_BOX
from core.engines.local.types import FrameState, MouthPose
from core.engines.local.visemes import VISEME_POSES, Viseme
from core.errors import InputError

SIZE = 256
LIPS = (0.418, 0.462, 0.582, 0.574)  # where the lips move (the sprite box also holds the chin)


@cache
def _presenter(avatar_id: str, size: int = SIZE) -> IllustratedPresenter:
    return load_illustrated(avatar_id, size, size)


def _box(box: tuple[float, float, float, float], size: int = SIZE) -> tuple[slice, slice]:
    x0, y0, x1, y1 = box
    return slice(math.floor(y0 * size), math.ceil(y1 * size)), slice(
        math.floor(x0 * size), math.ceil(x1 * size)
    )


def _outside(frame: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    keep = np.ones(frame.shape[:2], bool)
    keep[_box(box)] = False
    return frame[keep]


def test_builtins_are_listed() -> None:
    ids = builtin_ids()
    assert len(ids) >= 4 and len(set(ids)) == len(ids)
    assert ids[:2] == ["ana", "leo"]
    assert [a.id for a in BUILTIN_AVATARS] == ids
    for avatar in BUILTIN_AVATARS:
        assert avatar.kind == "illustrated" and avatar.name


def test_unknown_id_names_the_choices() -> None:
    with pytest.raises(InputError) as err:
        load_illustrated("nobody", SIZE, SIZE)
    assert "nobody" in err.value.message
    for avatar_id in builtin_ids():
        assert avatar_id in err.value.message


@pytest.mark.parametrize("size", [256, 512, 1080])
def test_frame_format(size: int) -> None:
    presenter = _presenter("ana", size)
    assert (presenter.width, presenter.height, presenter.has_alpha) == (size, size, True)
    for state in (
        FrameState(),
        FrameState(
            mouth=VISEME_POSES[Viseme.OPEN], blink=0.5, head_dx=3, head_dy=-2, head_angle=1.5
        ),
    ):
        frame = presenter.render(state)
        assert frame.shape == (size, size, 4)
        assert frame.dtype == np.uint8
        assert frame.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_presenters_look_different(avatar_id: str) -> None:
    frame = _presenter(avatar_id).render(FrameState())
    assert frame.std() > 20  # a picture, not a flat fill
    for other in builtin_ids():
        if other != avatar_id:
            diff = np.abs(frame.astype(int) - _presenter(other).render(FrameState())).mean()
            assert diff > 10


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_mouth_shapes_are_distinct_and_local(avatar_id: str) -> None:
    presenter = _presenter(avatar_id)
    rest = presenter.render(FrameState())
    mouths = {}
    for vis in (Viseme.OPEN, Viseme.WIDE, Viseme.ROUND, Viseme.PRESS, Viseme.LIP_TEETH):
        frame = presenter.render(FrameState(mouth=VISEME_POSES[vis]))
        assert np.array_equal(_outside(frame, MOUTH_BOX), _outside(rest, MOUTH_BOX))
        mouths[vis] = frame[_box(LIPS)][..., :3].astype(int)
    rest_mouth = rest[_box(LIPS)][..., :3].astype(int)
    for vis, mouth in mouths.items():
        assert np.abs(mouth - rest_mouth).mean() > 1.5, f"{vis} looks like rest"
    names = list(mouths)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert np.abs(mouths[a] - mouths[b]).mean() > 1.0, f"{a} and {b} look alike"


def test_open_mouth_is_dark_inside_and_press_is_not() -> None:
    presenter = _presenter("leo")
    dark = {}
    for vis in (Viseme.REST, Viseme.OPEN, Viseme.PRESS):
        mouth = presenter.render(FrameState(mouth=VISEME_POSES[vis]))[_box(MOUTH_BOX)]
        dark[vis] = int(((mouth[..., :3].max(axis=2) < 110) & (mouth[..., 3] > 0)).sum())
    assert dark[Viseme.OPEN] > 3 * max(dark[Viseme.REST], dark[Viseme.PRESS], 10)


def test_blink_changes_only_the_eyes() -> None:
    presenter = _presenter("kenji")
    open_eyes = presenter.render(FrameState())
    closed = presenter.render(FrameState(blink=1.0))
    half = presenter.render(FrameState(blink=0.5))
    assert np.array_equal(_outside(closed, EYE_BOX), _outside(open_eyes, EYE_BOX))
    eyes = _box(EYE_BOX)
    d_closed = np.abs(closed[eyes].astype(int) - open_eyes[eyes]).mean()
    d_half = np.abs(half[eyes].astype(int) - open_eyes[eyes]).mean()
    assert d_closed > d_half > 0.5


def test_head_motion_moves_the_head_not_the_background() -> None:
    presenter = _presenter("nia")
    still = presenter.render(FrameState())
    moved = presenter.render(FrameState(head_dx=4.0, head_dy=-3.0, head_angle=2.0))
    face = _box((0.35, 0.2, 0.65, 0.6))
    assert np.abs(moved[face].astype(int) - still[face]).mean() > 2
    for corner in (np.s_[-20:, :20], np.s_[-20:, -20:], np.s_[:10, :10]):
        assert np.array_equal(moved[corner], still[corner])


def test_render_is_pure() -> None:
    presenter = _presenter("samira")
    state = FrameState(mouth=MouthPose(open=0.4, wide=0.3), blink=0.2, head_dx=1.5, head_angle=-0.7)
    first = presenter.render(state)
    first[:] = 0  # the caller owns the frame
    presenter.render(FrameState(mouth=VISEME_POSES[Viseme.ROUND]))
    again = load_illustrated("samira", SIZE, SIZE).render(state)
    assert np.array_equal(presenter.render(state), again)


def test_size_out_of_range_is_an_input_error() -> None:
    with pytest.raises(InputError):
        load_illustrated("ana", 8, 8)


def _redrawn(presenter: IllustratedPresenter, state: FrameState) -> np.ndarray:
    """``state`` (no head motion) drawn from scratch on the whole head: no sprites, no boxes."""
    ss = 2
    body = presenter.place.canvas(ss)
    draw_body(body, presenter.look)
    head = presenter.place.canvas(ss)
    draw_head(head, presenter.look)
    draw_eyes(head, state.blink, presenter.look)
    draw_eye_overlay(head, presenter.look)
    draw_mouth(head, state.mouth, presenter.look)
    layers = []
    for c in (body, head):
        np.minimum(c.rgb, c.alpha[..., None], out=c.rgb)
        layers.append(np.dstack([downscale(c.rgb, ss), downscale(c.alpha, ss)]).astype(float))
    below, above = layers
    out = above + below * (1 - above[..., 3:] / 255)
    a = out[..., 3:]
    rgb = np.where(a > 0, out[..., :3] * 255 / np.maximum(a, 1), 0)
    return np.clip(np.dstack([rgb, a]) + 0.5, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_sprites_match_a_full_redraw(avatar_id: str) -> None:
    """A pose pasted as sprites looks exactly like the pose drawn on the whole face.

    Regression: the open mouth's soft shadow on the chin and the arms of the glasses
    reached past their sprite boxes, so every frame with an open mouth or a blink got
    a hard-edged seam where the pasted sprite ended.
    """
    presenter = _presenter(avatar_id)
    for state in (
        # pose values on the sprite cache's 1/12 grid, so both draw the very same pose
        FrameState(mouth=MouthPose(open=1.0, wide=2 / 12)),
        FrameState(mouth=MouthPose(open=11 / 12, round=1.0)),
        FrameState(mouth=MouthPose(open=4 / 12, wide=1.0), blink=1.0),
        FrameState(mouth=MouthPose(open=1 / 12, teeth_on_lip=1.0), blink=0.5),
    ):
        diff = np.abs(presenter.render(state).astype(int) - _redrawn(presenter, state))
        assert diff.max() <= 2, f"{state}: sprite seam of {diff.max()} levels"
