"""The photo presenter: safe loading (images.py), cropping and animation (photo.py).

Every image is generated here; scikit-image's astronaut is used only when installed.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.engines.local.images import MAX_BYTES, WORK_MAX_SIDE, load_image
from core.engines.local.photo import PhotoPresenter, crop_to_face, face_crop, load_photo
from core.engines.local.types import REST, FrameState, MouthPose
from core.errors import InputError
from tests.face_images import encode, synthetic_face

# --- loading -----------------------------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width×height pixels (nothing that size is allocated)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


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
        load_image(_png_claiming(width, height), name="huge.png")


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


# --- cropping ----------------------------------------------------------------------------------


def test_face_crop_for_preview_from_path(tmp_path: Path) -> None:
    path = tmp_path / "me.jpg"
    path.write_bytes(encode(synthetic_face(600), "JPEG", quality=92))
    crop = face_crop(path, 300)
    assert crop.shape == (300, 300, 3) and crop.dtype == np.uint8


def test_crop_places_face_and_pads_without_black_bars() -> None:
    # A tight head shot: the square around the face needs more than the photo has.
    tight = synthetic_face(512)[60:470, 90:420]
    rgb = load_image(encode(tight))
    from core.engines.local.face import find_face

    crop, face = crop_to_face(rgb, find_face(rgb), 512)
    assert face.w == pytest.approx(0.45 * 512, rel=0.01)
    assert face.x + face.w / 2 == pytest.approx(256, abs=1)
    assert face.eye_y == pytest.approx(0.40 * 512, abs=1)
    for edge in (crop[:4], crop[-4:], crop[:, :4], crop[:, -4:]):
        assert edge.mean() > 60  # blurred mirror of the photo, not black


# --- animation ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def presenter() -> PhotoPresenter:
    return load_photo(encode(synthetic_face(512)), 512, name="face.png")


OPEN = FrameState(mouth=MouthPose(open=1.0))


@pytest.mark.parametrize("size", [256, 512, 1080])
def test_render_shape_dtype_contiguity(size: int) -> None:
    p = load_photo(encode(synthetic_face(400)), size)
    for state in (REST, OPEN, FrameState(blink=1.0, head_dx=5, head_angle=2)):
        frame = p.render(state)
        assert frame.shape == (size, size, 3)
        assert frame.dtype == np.uint8
        assert frame.flags.c_contiguous


def test_rest_is_the_crop_and_repeatable(presenter: PhotoPresenter) -> None:
    a, b = presenter.render(REST), presenter.render(REST)
    assert np.array_equal(a, b)
    other = presenter.render(OPEN)
    assert not np.array_equal(a, other)
    assert np.array_equal(presenter.render(REST), a)  # rendering does not mutate the base


def _diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)


@pytest.mark.parametrize(
    "pose",
    [
        MouthPose(open=1.0),
        MouthPose(open=0.5, round=1.0),
        MouthPose(press=1.0),
        MouthPose(open=0.3, wide=1.0),
        MouthPose(teeth_on_lip=1.0),
    ],
    ids=["open", "round", "press", "wide", "teeth"],
)
def test_mouth_poses_change_only_the_mouth(presenter: PhotoPresenter, pose: MouthPose) -> None:
    rest = presenter.render(REST)
    frame = presenter.render(FrameState(mouth=pose))
    diff = _diff(rest, frame)
    f = presenter.face
    mouth = diff[int(f.mouth_y - f.mouth_hh) : int(f.mouth_y + 2 * f.mouth_hh),
                 int(f.mouth_x - f.mouth_hw) : int(f.mouth_x + f.mouth_hw)]  # fmt: skip
    assert mouth.mean() > 4  # visibly different around the lips
    y0, y1, x0, x1 = presenter.mouth_region
    outside = diff.copy()
    outside[y0:y1, x0:x1] = 0
    assert not outside.any()  # forehead, eyes, background: identical
    assert not diff[: int(f.eye_y)].any()


def test_open_reveals_dark_mouth_interior(presenter: PhotoPresenter) -> None:
    f = presenter.face
    frame = presenter.render(OPEN).astype(np.float32)
    centre = frame[int(f.mouth_y) + 3 : int(f.mouth_y) + 8, int(f.mouth_x) - 3 : int(f.mouth_x) + 3]
    assert centre.mean() < 90


@pytest.mark.parametrize("pose", [MouthPose(open=1.0), MouthPose(round=1.0, open=1.0)])
def test_no_seam_at_the_animated_region_border(presenter: PhotoPresenter, pose: MouthPose) -> None:
    """The warp fades to nothing before the region's edge: no box can show."""
    diff = _diff(presenter.render(REST), presenter.render(FrameState(mouth=pose)))
    y0, y1, x0, x1 = presenter.mouth_region
    ring = np.concatenate(
        [diff[y0 : y0 + 3, x0:x1].ravel(), diff[y1 - 3 : y1, x0:x1].ravel(),
         diff[y0:y1, x0 : x0 + 3].ravel(), diff[y0:y1, x1 - 3 : x1].ravel()]
    )  # fmt: skip
    assert ring.max() <= 2
    # Just inside, still almost nothing: the change fades in gradually, it does not start at
    # a line.
    inner = diff[y0 + 3 : y1 - 3, x0 + 3 : x1 - 3]
    inner_ring = np.concatenate(
        [inner[:4].ravel(), inner[-4:].ravel(), inner[:, :4].ravel(), inner[:, -4:].ravel()]
    )
    assert inner_ring.max() <= 4


def test_blink_changes_the_eyes_only(presenter: PhotoPresenter) -> None:
    rest = presenter.render(REST)
    closed = presenter.render(FrameState(blink=1.0))
    diff = _diff(rest, closed)
    f = presenter.face
    for ex, ey in (f.left_eye, f.right_eye):
        eye = diff[int(ey - f.eye_hh) : int(ey + f.eye_hh), int(ex - f.eye_hw) : int(ex + f.eye_hw)]
        assert eye.mean() > 15
        # The iris (dark) is covered by lid skin (lighter).
        assert closed[int(ey), int(ex)].mean() > rest[int(ey), int(ex)].mean() + 40
    assert not diff[int(f.mouth_y - f.mouth_hh) :].any()
    half = presenter.render(FrameState(blink=0.5))
    assert 0 < _diff(rest, half).sum() < diff.sum()


def test_head_motion_moves_the_frame(presenter: PhotoPresenter) -> None:
    rest = presenter.render(REST)
    moved = presenter.render(FrameState(head_dx=6.0, head_dy=-3.0, head_angle=2.0))
    assert _diff(rest, moved).mean() > 2
    # Shifting right by 6 px at 512: the moved frame matches the rest frame shifted.
    shifted = presenter.render(FrameState(head_dx=6.0))
    assert np.abs(shifted[100:400, 106:406].astype(int) - rest[100:400, 100:400]).mean() < 1.0


def test_astronaut_animates() -> None:
    data = pytest.importorskip("skimage.data")
    p = load_photo(encode(data.astronaut()), 512, name="astronaut.png")
    rest, opened = p.render(REST), p.render(OPEN)
    f = p.face
    assert f.w == pytest.approx(0.45 * 512, rel=0.01)
    y0, y1, x0, x1 = p.mouth_region
    diff = _diff(rest, opened)
    assert diff[y0:y1, x0:x1].mean() > 3
    outside = diff.copy()
    outside[y0:y1, x0:x1] = 0
    assert not outside.any()


def test_a_checked_photo_is_not_searched_for_a_face_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.engines.local.photo as photo_module

    calls: list[int] = []
    real = photo_module.find_face

    def counting(rgb, name="the photo"):
        calls.append(1)
        return real(rgb, name)

    monkeypatch.setattr(photo_module, "find_face", counting)
    data = _pil_bytes(Image.fromarray(synthetic_face(400, seed=7)), "PNG")
    photo_module.locate(data, "me.png")
    presenter = photo_module.load_photo(data, 256, "me.png")
    assert len(calls) == 1 and presenter.size == 256
    other = _pil_bytes(Image.fromarray(synthetic_face(400, seed=8)), "PNG")
    photo_module.locate(other, "other.png")
    assert len(calls) == 2  # different bytes, searched anew
