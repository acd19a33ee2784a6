"""The photo presenter: safe loading (images.py), cropping and animation (photo.py).

Every image is generated here; scikit-image's astronaut is used only when installed.
"""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.engines.local.images import MAX_BYTES, WORK_MAX_SIDE, load_image
from core.engines.local.photo import PhotoPresenter, face_crop, load_photo
from core.engines.local.types import REST, FrameState, MouthPose
from core.errors import InputError
from tests.face_images import encode, png_claiming, synthetic_face

# --- loading -----------------------------------------------------------------------------------


def _pil_bytes(im: Image.Image, fmt: str, **args: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **args)
    return buf.getvalue()


def test_not_an_image_is_refused_naming_the_formats() -> None:
    with pytest.raises(InputError, match="JPEG, PNG or WebP") as err:
        load_image(b"hello, this is not a picture", name="notes.bin")
    assert "notes.bin" in err.value.message


def test_text_file_renamed_jpg_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holiday.jpg"
    path.write_text("definitely a photo, trust me\n" * 20)
    with pytest.raises(InputError, match="is not a JPEG, PNG or WebP image"):
        load_image(path, name=path.name)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_image(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_image(tmp_path / "nope.jpg")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_gif_bmp_tiff_are_refused_on_purpose(fmt: str) -> None:
    data = _pil_bytes(Image.new("RGB", (100, 100), (200, 150, 120)), fmt)
    with pytest.raises(InputError, match="JPEG, PNG or WebP"):
        load_image(data)


@pytest.mark.parametrize(("width", "height"), [(30000, 30000), (8000, 6000)])
def test_huge_pixel_count_is_refused_before_decoding(width: int, height: int) -> None:
    with pytest.raises(InputError, match="40 megapixels"):
        load_image(png_claiming(width, height), name="huge.png")


def test_byte_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    with path.open("wb") as fh:  # sparse: nothing is really written
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match="15 MB"):
        load_image(path)
    with pytest.raises(InputError, match="15 MB"):
        load_image(b"\xff\xd8\xff" + bytes(MAX_BYTES))


def test_truncated_jpeg_is_refused() -> None:
    data = encode(synthetic_face(256), "JPEG")
    with pytest.raises(InputError, match="damaged"):
        load_image(data[: len(data) // 3])


def test_tiny_image_is_refused() -> None:
    with pytest.raises(InputError, match="at least 64 px"):
        load_image(encode(np.zeros((40, 40, 3), np.uint8)))


def test_exif_orientation_6_is_applied() -> None:
    # Stored 120 wide × 80 high, red on the top half; orientation 6 means "rotate 90° clockwise
    # to display", so the upright picture is 80 wide × 120 high with red on the right.
    arr = np.zeros((80, 120, 3), np.uint8)
    arr[:40] = (255, 0, 0)
    arr[40:] = (0, 0, 255)
    exif = Image.Exif()
    exif[0x0112] = 6
    rgb = load_image(_pil_bytes(Image.fromarray(arr), "JPEG", exif=exif, quality=95))
    assert rgb.shape == (120, 80, 3)
    assert rgb[60, 70, 0] > 200 and rgb[60, 70, 2] < 60  # right side red
    assert rgb[60, 10, 2] > 200 and rgb[60, 10, 0] < 60  # left side blue


def _rgba() -> Image.Image:
    im = Image.new("RGBA", (100, 100), (10, 20, 30, 255))
    im.paste((0, 0, 0, 0), (0, 0, 50, 100))  # left half fully transparent
    return im


@pytest.mark.parametrize(
    ("image", "fmt"),
    [
        (_rgba(), "PNG"),
        (_rgba().convert("LA"), "PNG"),
        (Image.new("L", (100, 100), 128), "PNG"),
        (Image.new("1", (100, 100), 1), "PNG"),
        (Image.new("CMYK", (100, 100), (0, 255, 255, 0)), "JPEG"),
        (Image.new("P", (100, 100), 3), "PNG"),
        (Image.fromarray(np.full((100, 100), 40000, np.uint16)), "PNG"),
        (Image.new("RGB", (100, 100), (1, 2, 3)), "WEBP"),
    ],
    ids=["RGBA", "LA", "L", "1", "CMYK", "P", "I16", "WebP"],
)
def test_any_mode_becomes_rgb(image: Image.Image, fmt: str) -> None:
    rgb = load_image(_pil_bytes(image, fmt))
    assert rgb.dtype == np.uint8 and rgb.shape == (100, 100, 3) and rgb.flags.c_contiguous


def test_transparency_goes_over_white() -> None:
    rgb = load_image(_pil_bytes(_rgba(), "PNG"))
    assert tuple(rgb[50, 10]) == (255, 255, 255)
    assert tuple(rgb[50, 90]) == (10, 20, 30)


def test_cmyk_red_stays_red() -> None:
    rgb = load_image(_pil_bytes(Image.new("CMYK", (100, 100), (0, 255, 255, 0)), "JPEG"))
    r, g, b = (int(v) for v in rgb[50, 50])
    assert r > 200 and g < 60 and b < 60


def test_sixteen_bit_grey_is_rescaled() -> None:
    im = Image.fromarray(np.full((100, 100), 65535 // 2, np.uint16))
    rgb = load_image(_pil_bytes(im, "PNG"))
    assert 120 <= int(rgb[0, 0, 0]) <= 135


def test_big_photo_is_downscaled_to_working_size() -> None:
    big = Image.new("RGB", (4000, 1000), (90, 120, 150))
    rgb = load_image(_pil_bytes(big, "JPEG", quality=70))
    assert max(rgb.shape[:2]) <= WORK_MAX_SIDE
    assert rgb.shape[1] / rgb.shape[0] == pytest.approx(4.0, rel=0.01)


# --- framing -----------------------------------------------------------------------------------


def test_face_crop_for_preview_from_path(tmp_path: Path) -> None:
    path = tmp_path / "me.jpg"
    path.write_bytes(encode(synthetic_face(600), "JPEG", quality=92))
    crop = face_crop(path, 300)
    assert crop.shape == (300, 300, 3) and crop.dtype == np.uint8


@pytest.mark.parametrize(("width", "height"), [(512, 512), (640, 360), (360, 640)])
def test_framing_places_the_face_and_pads_without_black_bars(width: int, height: int) -> None:
    # A tight head shot: the canvas around the face needs more than the photo has.
    tight = synthetic_face(512)[60:470, 90:420]
    p = load_photo(encode(tight), width, height)
    assert (p.width, p.height) == (width, height)
    f = p.face
    assert f.width == pytest.approx(0.45 * min(width, height), rel=0.01)
    assert (f.left_eye[0] + f.right_eye[0]) / 2 == pytest.approx(width / 2, abs=1)
    crop = p.render(REST)
    for edge in (crop[:4], crop[-4:], crop[:, :4], crop[:, -4:]):
        assert edge.mean() > 60  # blurred stretch of the photo, not black


# --- animation ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def presenter() -> PhotoPresenter:
    return load_photo(encode(synthetic_face(512)), 512, name="face.png")


OPEN = FrameState(mouth=MouthPose(open=1.0))
MOVING = [
    OPEN,
    FrameState(mouth=MouthPose(open=0.5, round=1.0)),
    FrameState(mouth=MouthPose(press=1.0)),
    FrameState(mouth=MouthPose(open=0.3, wide=1.0)),
    FrameState(mouth=MouthPose(teeth_on_lip=1.0)),
    FrameState(blink=1.0),
    FrameState(brows=1.0, smile=1.0),
    FrameState(head_dx=6.0, head_dy=-3.0, head_angle=2.0, nod=1.0),
]


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)


@pytest.mark.parametrize(("width", "height"), [(256, 256), (512, 288), (180, 320)])
def test_render_shape_dtype_contiguity(width: int, height: int) -> None:
    p = load_photo(encode(synthetic_face(400)), width, height)
    assert not p.has_alpha
    for state in (REST, *MOVING):
        frame = p.render(state)
        assert frame.shape == (height, width, 3)
        assert frame.dtype == np.uint8
        assert frame.flags.c_contiguous


def test_rest_is_the_framed_photo_and_rendering_does_not_mutate(presenter: PhotoPresenter) -> None:
    a = presenter.render(REST)
    assert np.array_equal(a, presenter._base)  # a neutral photo is left as it is at rest
    assert not np.array_equal(a, presenter.render(OPEN))
    assert np.array_equal(presenter.render(REST), a)


@pytest.mark.parametrize("state", MOVING, ids=lambda s: repr(s)[:40])
def test_pixels_outside_the_head_and_neck_stay_still(
    presenter: PhotoPresenter, state: FrameState
) -> None:
    rest = presenter.render(REST)
    diff = _diff(rest, presenter.render(state))
    assert diff.any()
    x0, y0, x1, y1 = presenter.region
    assert (x1 - x0) * (y1 - y0) < 0.75 * presenter.width * presenter.height
    outside = diff.copy()
    outside[y0:y1, x0:x1] = 0
    assert not outside.any()  # background and shoulders beside the head: identical
    # No box: inside the canvas, the change fades out before the region's edge.
    edges = [diff[y0 : y0 + 2]] if y0 > 0 else []
    edges += [diff[:, x0 : x0 + 2]] if x0 > 0 else []
    edges += [diff[:, x1 - 2 : x1]] if x1 < presenter.width else []
    assert edges and max(int(e.max()) for e in edges) <= 2


@pytest.mark.parametrize(
    "state", [OPEN, FrameState(mouth=MouthPose(press=1.0)), FrameState(blink=1.0)]
)
def test_face_moves_stay_in_the_face(presenter: PhotoPresenter, state: FrameState) -> None:
    """Without head motion, only the face and the skin just around it change."""
    diff = _diff(presenter.render(REST), presenter.render(state))
    x, y, w, h = presenter.face_box
    outside = diff.copy()
    outside[max(0, y - h // 3) : y + h + h // 3, max(0, x - w // 5) : x + w + w // 5] = 0
    assert not outside.any()


def _vertical_shift(a: np.ndarray, b: np.ndarray, x: int, y0: int, y1: int) -> int:
    """How many px the content of column x (rows y0..y1) moved down from a to b."""
    col_a = a[y0:y1, x - 3 : x + 4].astype(np.float64).mean(axis=(1, 2))
    col_b = b[:, x - 3 : x + 4].astype(np.float64).mean(axis=(1, 2))
    scores = {}
    for s in range(-5, 60):
        if y0 + s < 0 or y1 + s > len(col_b):
            continue
        seg = col_b[y0 + s : y1 + s]
        scores[s] = float(np.abs(seg - col_a).mean())
    return min(scores, key=scores.get)


def test_chin_drops_when_the_mouth_opens_and_returns_at_rest() -> None:
    data = pytest.importorskip("skimage.data")
    p = load_photo(encode(data.astronaut()), 512, name="astronaut.png")
    f = p.face
    chin_x, chin_y = (int(v) for v in f.points[8])
    rest = p.render(REST)
    opened = p.render(OPEN)
    band = (chin_y - int(0.12 * f.width), chin_y + int(0.12 * f.width))
    drop = _vertical_shift(rest, opened, chin_x, *band)
    assert drop >= 0.12 * f.eye_distance  # ~20 px here: clearly visible
    assert (
        _vertical_shift(rest, p.render(FrameState(mouth=MouthPose(open=0.4))), chin_x, *band) < drop
    )
    assert np.array_equal(p.render(REST), rest)  # back at rest, exactly


def test_open_mouth_shows_a_shaded_inside_with_teeth(presenter: PhotoPresenter) -> None:
    f = presenter.face
    frame = presenter.render(FrameState(mouth=MouthPose(open=1.0, wide=0.15))).astype(np.float32)
    inner = np.round(f.points[60:68]).astype(int)
    top, bottom = int(inner[[1, 2, 3], 1].mean()), int(inner[[5, 6, 7], 1].mean())
    cx = int(inner[[0, 4], 0].mean())
    column = frame[top - 4 : bottom + 30, cx]
    assert column.sum(axis=1).min() < 150  # a dark cavity...
    assert column.sum(axis=1).max() > 450  # ...and light teeth
    assert len({tuple(px) for px in column.astype(int)}) > 10  # shaded, not one flat colour


def test_open_mouth_shows_a_tongue_low_in_the_mouth() -> None:
    data = pytest.importorskip("skimage.data")
    p = load_photo(encode(data.astronaut()), 720, name="astronaut.png")
    f = p.face
    frame = p.render(OPEN).astype(np.float32)
    inner = p._moved(list(range(60, 68)), p.weights(OPEN), 0.0, 0.0, 0.0)
    cx = int(inner[[0, 4], 0].mean())
    top, bottom = inner[[1, 2, 3], 1].mean(), inner[[5, 6, 7], 1].mean()
    gap = bottom - top
    assert gap > 0.15 * f.mouth_width
    column = frame[int(top + 0.3 * gap) : int(bottom - 0.05 * gap), cx - 2 : cx + 3].mean(axis=1)
    lum = column.mean(axis=1)
    dark = column[lum.argmin()]
    assert lum.min() < 90  # the cavity behind the teeth...
    lower = column[len(column) * 2 // 3 :]
    tongue = lower[lower.sum(axis=1).argmax()]
    # ...and lower down a lit, red tongue: lighter than the cavity and clearly red.
    assert tongue.sum() > dark.sum() + 120 and tongue[0] > 1.5 * tongue[1]


def test_a_relaxed_smile_closes_to_its_corners_with_no_dark_wedges() -> None:
    import cv2

    data = pytest.importorskip("skimage.data")
    p = load_photo(encode(data.astronaut()), 512, name="astronaut.png")
    f = p.face
    rest = p.render(REST).astype(np.float32).mean(axis=2)
    lips = np.zeros(rest.shape, np.uint8)
    cv2.fillPoly(lips, [np.round(f.points[48:60]).astype(np.int32)], 1)
    x, y = (int(v) for v in f.points[2])
    cheek = float(p._base[y - 5 : y + 5, x + 5 : x + 15].mean())
    # The line where the lips meet is darker than the lips, but nothing inside the lips is
    # as dark as an open gap (the smile's teeth gap was left open as a wedge at each corner,
    # and its dark corners were dragged onto the lip line).
    assert rest[lips.astype(bool)].min() > 0.4 * cheek


def test_a_closed_mouth_photo_opens_only_as_far_as_the_moves_open_it() -> None:
    import cv2

    data = pytest.importorskip("skimage.data")
    smiling = load_photo(encode(data.astronaut()), 512, name="astronaut.png")
    # Her relaxed frame is a photo with closed lips (and a line between them).
    p = load_photo(encode(smiling.render(REST)), 512, name="closed.png")
    assert not p.face.teeth_visible
    lips = np.zeros(p._base.shape[:2], np.uint8)
    cv2.fillPoly(lips, [np.round(p.face.points[48:60]).astype(np.int32)], 1)
    inside = lips.astype(bool)
    photo_darkest = p._base.astype(np.float32).mean(axis=2)[inside].min()
    # A smile in a pause moves the mouth without opening it: nothing is painted between the
    # lips (the landmarks leave a small gap there; a dark slot would open in every pause).
    paused = p.render(FrameState(smile=1.0)).astype(np.float32).mean(axis=2)
    assert paused[inside].min() > 0.75 * photo_darkest
    # Open, it shows drawn teeth (the photo has none of its own) over a dark cavity.
    opened = p.render(OPEN).astype(np.float32)
    inner = p._moved(list(range(60, 68)), p.weights(OPEN), 0.0, 0.0, 0.0)
    cx = int(inner[[0, 4], 0].mean())
    column = opened[int(inner[2, 1]) : int(inner[6, 1]), cx - 1 : cx + 2].mean(axis=1).sum(axis=1)
    assert column.max() > 500 and column.min() < 200


@pytest.mark.parametrize("angle", [-14, 10])
def test_a_tilted_head_or_a_tight_crop_animates(angle: int) -> None:
    """The mesh's outer ring fell outside the animated region for a head tilted ~8° or
    more, and loading the photo crashed in OpenCV's triangulation."""
    import cv2

    data = pytest.importorskip("skimage.data")
    a = data.astronaut()
    h, w = a.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    tilted = cv2.warpAffine(a, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)
    for rgb in (tilted, np.ascontiguousarray(tilted[40:300, 110:350])):
        p = load_photo(encode(rgb), 480, 270, name="tilted.png")
        rest = p.render(REST)
        assert _diff(rest, p.render(OPEN)).sum() > 0
        assert np.array_equal(p.render(REST), rest)


def test_a_face_the_rig_cannot_take_is_a_message_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cv2

    import core.engines.local.photo as photo_module

    def broken(*args: object, **kwargs: object) -> None:
        raise cv2.error("out of range")

    monkeypatch.setattr(photo_module, "build_rig", broken)
    with pytest.raises(InputError) as err:
        load_photo(encode(synthetic_face(400, seed=3)), 256, name="yo.png")
    assert err.value.message_id == "photo.cannot_animate"
    assert "yo.png" in err.value.text("es") and "de frente" in err.value.text("es")


def test_the_painted_mouth_follows_the_light_not_the_skin_tone() -> None:
    def look(rgb: np.ndarray):
        return load_photo(encode(rgb), 384, name="me.png")._look

    fair = look(synthetic_face(400, seed=3))
    dark = look(synthetic_face(400, seed=3, skin=(120, 80, 58)))
    dim = look((synthetic_face(400, seed=3) * 0.6).astype(np.uint8))
    # Darker skin in the same light: the same teeth and the same light inside the mouth (read
    # from the whites of the eyes), not a darker mouth.
    assert abs(dark.light - fair.light) < 0.05
    assert np.abs(dark.tooth - fair.tooth).max() < 8
    # The same face in a dimmer photo: everything drawn is dimmer too.
    assert dim.light < 0.75 * fair.light and dim.tooth.mean() < 0.75 * fair.tooth.mean()


def test_what_is_painted_is_as_soft_and_grainy_as_the_photo() -> None:
    from core.engines.local.photo_mouth import MouthLook, paint_inside

    inner = np.array(
        [[20, 40], [40, 32], [60, 30], [80, 32], [100, 40], [80, 56], [60, 60], [40, 56]],
        np.float64,
    )

    def painted(soft: float, grain: float) -> np.ndarray:
        out = np.full((80, 120, 3), 200, np.uint8)
        look = MouthLook(
            tooth=np.array([240.0, 230.0, 220.0], np.float32),
            light=1.0,
            mouth_width=80.0,
            soft=soft,
            grain=grain,
        )
        paint_inside(out, (0, 0), inner, look, opened=0.8, rnd=0.0, wide=0.0, teeth_lip=0.0)
        return out.astype(np.float32)

    def steepest_edge(img: np.ndarray) -> float:
        column = img[20:70, 60].mean(axis=1)  # down through the lower lip's edge
        return float(np.abs(np.diff(column[25:])).max())

    sharp, soft = painted(0.0, 0.0), painted(2.0, 0.0)
    assert steepest_edge(soft) < 0.6 * steepest_edge(sharp)
    grainy = painted(0.0, 4.0)
    cavity = (slice(44, 50), slice(50, 70))
    assert np.std(grainy[cavity] - sharp[cavity]) > 2.0
    assert np.array_equal(grainy, painted(0.0, 4.0))  # the same grain every time


def test_an_enlarged_photo_knows_how_much_it_was_enlarged() -> None:
    from core.engines.local.images import frame_face
    from core.engines.local.photo import locate

    rgb, face = locate(encode(synthetic_face(400, seed=3)), "me.png")
    assert face.scale == 1.0
    _, big = frame_face(rgb, face, 1200, 1200)
    _, small = frame_face(rgb, face, 100, 100)
    assert big.scale == pytest.approx(big.width / face.width, rel=1e-6) and big.scale > 1
    assert small.scale == pytest.approx(small.width / face.width, rel=0.05) and small.scale < 1


def test_blink_closes_the_eyelids(presenter: PhotoPresenter) -> None:
    rest, closed = presenter.render(REST), presenter.render(FrameState(blink=1.0))
    for eye in (presenter.face.left_eye, presenter.face.right_eye):
        ex, ey = int(eye[0]), int(eye[1])
        # The dark iris is covered by (lighter) lid skin.
        assert closed[ey - 1 : ey + 2, ex - 1 : ex + 2].mean() > rest[ey, ex].mean() + 40
    half = presenter.render(FrameState(blink=0.5))
    assert 0 < _diff(rest, half).sum() < _diff(rest, closed).sum()


def test_the_same_request_renders_byte_identical_frames() -> None:
    data = encode(synthetic_face(400, seed=3))
    a = load_photo(data, 320, 180)
    b = load_photo(data, 320, 180)
    for state in MOVING:
        assert a.render(state).tobytes() == b.render(state).tobytes()


def test_landmarks_are_found_once_and_kept_beside_a_stored_photo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.engines.local.photo as photo_module

    calls: list[int] = []
    real = photo_module.find_landmarks

    def counting(rgb, name="the photo"):
        calls.append(1)
        return real(rgb, name)

    monkeypatch.setattr(photo_module, "find_landmarks", counting)
    data = _pil_bytes(Image.fromarray(synthetic_face(400, seed=7)), "PNG")
    memo = tmp_path / "photo-x.face.json"
    photo_module.locate(data, "me.png", remember=memo)
    presenter = photo_module.load_photo(data, 256, name="me.png", remember=memo)
    assert len(calls) == 1 and presenter.width == 256 and memo.is_file()
    photo_module._faces.clear()  # a new process: only the file beside the photo remains
    again = photo_module.load_photo(data, 256, name="me.png", remember=memo)
    assert len(calls) == 1
    assert np.allclose(again.face.points, presenter.face.points, atol=0.01)
    other = _pil_bytes(Image.fromarray(synthetic_face(400, seed=8)), "PNG")
    photo_module.locate(other, "other.png", remember=memo)  # other bytes: found anew
    assert len(calls) == 2


def test_a_smiling_photo_relaxes_while_speaking_and_smiles_again_in_pauses() -> None:
    data = pytest.importorskip("skimage.data")
    p = load_photo(encode(data.astronaut()), 512, name="astronaut.png")
    pause = p.render(FrameState(smile=0.8))  # the timeline's smile in a pause
    assert np.array_equal(pause, p._base)  # her own smile, teeth and all
    speaking = p.render(REST)  # between words: relaxed towards a neutral mouth
    f = p.face
    inner = f.points[60:68]
    x0, y0 = inner.min(axis=0).astype(int)
    x1, y1 = inner.max(axis=0).astype(int) + 1
    assert _diff(pause, speaking)[y0:y1, x0:x1].mean() > 10  # the teeth gap has closed
    corners_then = f.points[[48, 54], 1].mean()
    relaxed = p.weights(REST)
    assert relaxed["relax"] == pytest.approx(1.0) and p.weights(FrameState(smile=0.8))["relax"] == 0
    assert corners_then < f.points[[62, 66], 1].mean()  # a smile: corners above the lip line


def test_a_smiling_photo_leaves_its_smile_gradually() -> None:
    """Leaving a pause, the lips start to close over the smile's teeth: the first small step
    switched the whole mouth at once to the painted inside (more change in one frame than
    from the smile to the closed mouth), a visible pop at every pause."""
    data = pytest.importorskip("skimage.data")
    p = load_photo(encode(data.astronaut()), 512, name="astronaut.png")
    f = p.face
    x0, y0 = f.points[48:60].min(axis=0).astype(int) - 4
    x1, y1 = f.points[48:60].max(axis=0).astype(int) + 5

    def mouth(smile: float) -> np.ndarray:
        return p.render(FrameState(smile=smile))[y0:y1, x0:x1].astype(np.float32)

    whole = np.abs(mouth(0.8) - mouth(0.0)).mean()
    smiles = np.round(np.arange(0.8, 0.5, -0.02), 2)
    steps = [np.abs(mouth(a) - mouth(b)).mean() / whole for a, b in pairwise(smiles)]
    assert max(steps) < 0.3


def test_moving_box_bounds_every_change(presenter: PhotoPresenter) -> None:
    x, y, w, h = presenter.moving_box
    rest = presenter.render(REST)
    for state in MOVING:
        diff = _diff(rest, presenter.render(state))
        diff[y : y + h, x : x + w] = 0
        assert not diff.any()


def test_the_mesh_covers_the_animated_region_without_holes(presenter: PhotoPresenter) -> None:
    import cv2

    x0, y0, x1, y1 = presenter.region
    rig = presenter._rig
    covered = np.zeros((y1 - y0, x1 - x0), np.uint8)
    for tri in rig.triangles:
        cv2.fillConvexPoly(covered, np.round(rig.points[tri] - [x0, y0]).astype(np.int32), 1)
    assert covered.mean() > 0.999
    x, y = rig.points[:, 0], rig.points[:, 1]
    boundary = int(((x == x.min()) | (x == x.max()) | (y == y.min()) | (y == y.max())).sum())
    assert len(rig.triangles) == 2 * len(rig.points) - 2 - boundary  # Euler: none dropped
