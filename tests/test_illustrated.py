"""Built-in illustrated presenters: the cast, framing, alpha, and that only what moves changes."""

from __future__ import annotations

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
from core.engines.local.illustrated_cast import look_of
from core.engines.local.illustrated_face import (
    downscale,
    draw_brows,
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
LIPS = (0.41, 0.465, 0.59, 0.585)  # art units: where the lips move (the box also holds the chin)
VISEMES = (Viseme.OPEN, Viseme.WIDE, Viseme.ROUND, Viseme.PRESS, Viseme.LIP_TEETH)


@cache
def _presenter(avatar_id: str, width: int = SIZE, height: int = SIZE) -> IllustratedPresenter:
    return load_illustrated(avatar_id, width, height)


def _box(p: IllustratedPresenter, box: tuple[float, float, float, float]) -> tuple[slice, slice]:
    x0, y0, x1, y1 = p.place.box(box)
    return slice(y0, y1), slice(x0, x1)


def _outside(p: IllustratedPresenter, frame: np.ndarray, box) -> np.ndarray:
    keep = np.ones(frame.shape[:2], bool)
    keep[_box(p, box)] = False
    return frame[keep]


def test_the_cast() -> None:
    ids = builtin_ids()
    assert len(ids) >= 8 and len(set(ids)) == len(ids)
    assert ids[:2] == ["ana", "leo"]  # stored presets and history name them
    assert [a.id for a in BUILTIN_AVATARS] == ids
    for avatar in BUILTIN_AVATARS:
        assert avatar.kind == "illustrated" and avatar.name
        assert avatar.role and avatar.role.replace("_", "").isalpha()  # a key, not a sentence
    looks = [look_of(i) for i in ids]
    assert len({lk.skin for lk in looks}) >= 7 and len({lk.hair_style for lk in looks}) >= 7
    assert len({lk.outfit for lk in looks}) >= 7
    assert sum(lk.wrinkles > 0.5 for lk in looks) >= 2  # not everyone is thirty


def test_unknown_id_names_the_choices() -> None:
    with pytest.raises(InputError) as err:
        load_illustrated("nobody", SIZE, SIZE)
    assert "nobody" in err.value.message
    for avatar_id in builtin_ids():
        assert avatar_id in err.value.message


@pytest.mark.parametrize(
    ("width", "height"), [(720, 720), (1080, 1080), (1280, 720), (720, 1280), (427, 720)]
)
def test_frame_format_at_video_sizes(width: int, height: int) -> None:
    presenter = load_illustrated("carmen", width, height)
    assert (presenter.width, presenter.height, presenter.has_alpha) == (width, height, True)
    for state in (
        FrameState(),
        FrameState(
            mouth=VISEME_POSES[Viseme.OPEN], blink=0.5, head_dx=3, head_dy=-2, head_angle=1.5
        ),
        FrameState(brows=1.0, smile=1.0, nod=1.0),
    ):
        frame = presenter.render(state)
        assert frame.shape == (height, width, 4)
        assert frame.dtype == np.uint8
        assert frame.flags["C_CONTIGUOUS"]
    x, y, w, h = presenter.face_box
    assert 0.25 * min(width, height) < w < 0.5 * min(width, height)
    assert y > 0 and y + h < height and x > 0 and x + w < width


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_the_face_fills_a_third_of_a_square_frame(avatar_id: str) -> None:
    presenter = _presenter(avatar_id)
    frame = presenter.render(FrameState())
    x, y, w, h = presenter.face_box
    assert w >= 0.30 * SIZE
    # the box is really the face: opaque from cheek to cheek at the eyes, brow to chin
    eye_row = y + h // 3
    assert (frame[eye_row, x + 2 : x + w - 2, 3] == 255).all()
    assert (frame[y + 2 : y + h - 2, x + w // 2, 3] == 255).all()
    # head and shoulders: shoulders wider than the face, the top of the head in the frame
    shoulders = frame[int(0.85 * SIZE), :, 3] == 255
    assert 1.8 * w < shoulders.sum() < SIZE
    assert not frame[:3, :, 3].any()


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_the_alpha_mask_is_clean(avatar_id: str) -> None:
    frame = _presenter(avatar_id).render(FrameState(head_dx=3, head_angle=1.0))
    alpha = frame[..., 3]
    clear = alpha == 0
    assert (frame[clear] == 0).all()  # transparent pixels carry no colour
    for corner in (np.s_[:20, :20], np.s_[:20, -20:]):
        assert (alpha[corner] == 0).all()
    assert (alpha[-5:, SIZE // 2 - 20 : SIZE // 2 + 20] == 255).all()  # the chest
    # the edge is thin: few partly transparent pixels compared with the figure
    partial = ((alpha > 0) & (alpha < 255)).sum()
    assert partial < 0.06 * (alpha == 255).sum()


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_presenters_look_different(avatar_id: str) -> None:
    frame = _presenter(avatar_id).render(FrameState())[..., :3].astype(int)
    assert frame.std() > 20  # a picture, not a flat fill
    for other in builtin_ids():
        if other != avatar_id:
            diff = np.abs(frame - _presenter(other).render(FrameState())[..., :3]).mean()
            assert diff > 8, f"{avatar_id} and {other} look alike"


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_mouth_shapes_are_distinct_and_local(avatar_id: str) -> None:
    p = _presenter(avatar_id)
    rest = p.render(FrameState())
    mouths = {}
    for vis in VISEMES:
        frame = p.render(FrameState(mouth=VISEME_POSES[vis]))
        assert np.array_equal(_outside(p, frame, MOUTH_BOX), _outside(p, rest, MOUTH_BOX))
        mouths[vis] = frame[_box(p, LIPS)][..., :3].astype(int)
    rest_mouth = rest[_box(p, LIPS)][..., :3].astype(int)
    for vis, mouth in mouths.items():
        assert np.abs(mouth - rest_mouth).mean() > 1.5, f"{vis} looks like rest"
    names = list(mouths)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert np.abs(mouths[a] - mouths[b]).mean() > 1.5, f"{a} and {b} look alike"


def test_teeth_and_tongue_show_where_the_viseme_shows_them() -> None:
    p = _presenter("leo", 512, 512)

    def count(vis: Viseme, lo: tuple[int, ...], hi: tuple[int, ...]) -> int:
        mouth = p.render(FrameState(mouth=VISEME_POSES[vis]))[_box(p, LIPS)]
        inside = np.all((mouth[..., :3] >= lo) & (mouth[..., :3] <= hi), axis=2)
        return int((inside & (mouth[..., 3] == 255)).sum())

    teeth = {v: count(v, (235, 235, 225), (255, 255, 255)) for v in (Viseme.REST, *VISEMES)}
    tongue = {v: count(v, (200, 85, 95), (240, 125, 130)) for v in (Viseme.REST, *VISEMES)}
    dark = {v: count(v, (0, 0, 0), (110, 50, 60)) for v in (Viseme.REST, *VISEMES)}
    assert teeth[Viseme.REST] == teeth[Viseme.PRESS] == 0
    for vis in (Viseme.OPEN, Viseme.WIDE, Viseme.LIP_TEETH):
        assert teeth[vis] > 40, vis
    assert tongue[Viseme.OPEN] > 100 and tongue[Viseme.OPEN] > 5 * tongue[Viseme.WIDE]
    assert dark[Viseme.OPEN] > 3 * max(dark[Viseme.REST], dark[Viseme.PRESS], 10)


def test_blink_and_brows_change_only_the_eyes() -> None:
    p = _presenter("kenji")
    open_eyes = p.render(FrameState())
    eyes = _box(p, EYE_BOX)
    seen = {}
    for name, state in {
        "closed": FrameState(blink=1.0),
        "half": FrameState(blink=0.5),
        "raised": FrameState(brows=1.0),
        "knit": FrameState(brows=-1.0),
    }.items():
        frame = p.render(state)
        assert np.array_equal(_outside(p, frame, EYE_BOX), _outside(p, open_eyes, EYE_BOX))
        seen[name] = np.abs(frame[eyes].astype(int) - open_eyes[eyes]).mean()
    assert seen["closed"] > seen["half"] > 0.5
    assert seen["raised"] > 0.5 and seen["knit"] > 0.2


def test_smile_changes_only_the_mouth() -> None:
    p = _presenter("lucia")
    rest = p.render(FrameState())
    smile = p.render(FrameState(smile=1.0))
    assert np.array_equal(_outside(p, smile, MOUTH_BOX), _outside(p, rest, MOUTH_BOX))
    lips = _box(p, LIPS)
    assert np.abs(smile[lips].astype(int) - rest[lips]).mean() > 1.0


def test_head_motion_and_nods_move_the_head_not_the_body() -> None:
    p = _presenter("nia")
    still = p.render(FrameState())
    face = _box(p, (0.38, 0.3, 0.62, 0.55))
    low = np.s_[-20:, :]  # the chest never moves
    for state in (FrameState(head_dx=4.0, head_dy=-3.0, head_angle=2.0), FrameState(nod=1.0)):
        moved = p.render(state)
        assert np.abs(moved[face].astype(int) - still[face]).mean() > 2
        assert np.array_equal(moved[low], still[low])
    # a nod dips the face: the brow to chin box moves down
    nod = p.render(FrameState(nod=1.0))[..., 3]
    first_row = [int(np.argmax(a[:, SIZE // 2] == 255)) for a in (still[..., 3], nod)]
    assert first_row[1] > first_row[0]


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
    with pytest.raises(InputError):
        load_illustrated("ana", 640, 20000)


def _redrawn(presenter: IllustratedPresenter, state: FrameState) -> np.ndarray:
    """``state`` (no head motion) drawn from scratch on the whole head: no sprites, no boxes."""
    ss = 2
    body = presenter.place.canvas(ss)
    draw_body(body, presenter.look)
    head = presenter.place.canvas(ss)
    draw_head(head, presenter.look)
    draw_brows(head, presenter.look, state.brows)
    draw_eyes(head, state.blink, presenter.look)
    draw_eye_overlay(head, presenter.look)
    draw_mouth(head, state.mouth, presenter.look, grin=state.smile)
    layers = []
    for c in (body, head):
        np.minimum(c.rgb, c.alpha[..., None], out=c.rgb)
        layers.append(np.dstack([downscale(c.rgb, ss), downscale(c.alpha, ss)]).astype(float))
    below, above = layers
    out = above + below * (1 - above[..., 3:] / 255)
    a = out[..., 3:]
    rgb = np.where(a > 0, out[..., :3] * 255 / np.maximum(a, 1), 0)
    return np.clip(np.dstack([rgb, a]) + 0.5, 0, 255).astype(np.uint8)


def _premultiplied(rgba: np.ndarray) -> np.ndarray:
    """Colour as it shows (a nearly transparent pixel's colour hardly matters)."""
    return np.round(rgba[..., :3] * (rgba[..., 3:] / 255.0)).astype(int)


@pytest.mark.parametrize("avatar_id", builtin_ids())
def test_sprites_match_a_full_redraw(avatar_id: str) -> None:
    """A pose pasted as sprites looks exactly like the pose drawn on the whole face.

    Regression: the open mouth's soft shadow on the chin and the arms of the glasses
    reached past their sprite boxes, so every frame with an open mouth or a blink got
    a hard-edged seam where the pasted sprite ended.
    """
    presenter = _presenter(avatar_id)
    for state in (
        # pose values on the sprite cache's grid, so both draw the very same pose
        FrameState(mouth=MouthPose(open=1.0, wide=2 / 12)),
        FrameState(mouth=MouthPose(open=11 / 12, round=1.0)),
        FrameState(mouth=MouthPose(open=4 / 12, wide=1.0), blink=1.0, brows=1.0),
        FrameState(mouth=MouthPose(open=1 / 12, teeth_on_lip=1.0), blink=0.5, brows=-1.0),
        FrameState(smile=1.0, brows=0.5),
    ):
        diff = np.abs(
            _premultiplied(presenter.render(state)) - _premultiplied(_redrawn(presenter, state))
        )
        assert diff.max() <= 2, f"{state}: sprite seam of {diff.max()} levels"
