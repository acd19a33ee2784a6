"""Loading a person's photo safely, and framing it as the output square around the face.

Any entry point (CLI path, uploaded bytes) goes through ``load_image``.

A photo comes from outside, so it is treated as hostile: the byte size and the pixel count are
checked before any pixel is decoded (a 100 kB PNG can claim to be 30000×30000), only the formats
we can vouch for are opened, and whatever mode it is in becomes plain RGB uint8 the right way up.

GIF and BMP are refused on purpose: GIFs are usually animations or 256-colour graphics, BMPs
carry no orientation and are rare from phones; saying "save it as JPEG or PNG" is clearer than
half-supporting them.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.engines.local.face import FaceBox
from core.engines.local.landmarks import Face
from core.errors import InputError

MAX_BYTES = 15 * 1024 * 1024  # a phone JPEG is 2–8 MB; 15 MB leaves room without inviting abuse
MAX_PIXELS = 40_000_000  # 40 megapixels, checked from the header before decoding
MIN_SIDE = 64  # below this there is no face worth animating
WORK_MAX_SIDE = 2048  # longest side kept after loading; the video is at most 1080 px

_PIL_FORMATS = ("JPEG", "PNG", "WEBP")

FACE_WIDTH_FRACTION = 0.45  # the face box is this share of the output width
EYE_LINE = 0.40  # the eyes sit at this share of the output height


def sniff_format(data: bytes) -> str | None:
    """The image format from the magic bytes, or None. Extensions lie; the first bytes do not."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _read_source(source: Path | str | bytes, name: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError("photo.missing_file", name=name, path=str(path))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _too_big_bytes(name, size)
        data = path.read_bytes()
    if not data:
        raise InputError("photo.empty", name=name)
    if len(data) > MAX_BYTES:
        raise _too_big_bytes(name, len(data))
    return data


def _too_big_bytes(name: str, size: int) -> InputError:
    return InputError(
        "photo.too_big", name=name, mb=size / 1_048_576, limit_mb=MAX_BYTES // 1_048_576
    )


def _too_many_pixels(name: str, width: int, height: int) -> InputError:
    return InputError(
        "photo.too_many_pixels", name=name, width=width, height=height,
        limit_mp=MAX_PIXELS // 1_000_000,
    )  # fmt: skip


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode to RGB: transparency goes over white, 16/32-bit grey is rescaled."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im, dtype=np.float32)
        top = 255.0 if im.mode == "F" or float(arr.max(initial=0)) <= 255.0 else 65535.0
        grey = np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        im.mode in ("P", "L", "RGB") and "transparency" in im.info
    )
    if has_alpha:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode == "RGB":
        return im
    return im.convert("RGB")


def load_image(source: Path | bytes, name: str = "photo") -> np.ndarray:
    """Read a JPEG/PNG/WebP photo into an upright RGB uint8 array (longest side ≤ 2048 px).

    Raises ``InputError`` (with a message naming the limit or the accepted formats) for anything
    that is not a readable photo of a sensible size.
    """
    data = _read_source(source, name)
    fmt = sniff_format(data)
    if fmt is None:
        raise InputError("photo.not_image", name=name)
    try:
        im = Image.open(io.BytesIO(data), formats=_PIL_FORMATS)
    except Image.DecompressionBombError as err:
        raise InputError("photo.bomb", name=name, limit_mp=MAX_PIXELS // 1_000_000) from err
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as err:
        raise InputError("photo.damaged", name=name, format=fmt) from err
    with im:
        width, height = im.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(name, width, height)
        if min(width, height) < MIN_SIDE:
            raise InputError("photo.too_small", name=name, width=width, height=height, min=MIN_SIDE)
        if fmt == "JPEG":
            # Decode huge JPEGs at 1/2, 1/4 or 1/8 scale directly: faster and less memory.
            im.draft(im.mode, (WORK_MAX_SIDE, WORK_MAX_SIDE))
        try:
            im.load()
            upright = ImageOps.exif_transpose(im)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as err:
            raise InputError("photo.truncated", name=name) from err
        rgb = _to_rgb(upright)
        if max(rgb.size) > WORK_MAX_SIDE:
            rgb = rgb.copy()
            rgb.thumbnail((WORK_MAX_SIDE, WORK_MAX_SIDE), Image.Resampling.LANCZOS)
        return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def crop_to_face(rgb: np.ndarray, face: FaceBox, size: int) -> tuple[np.ndarray, FaceBox]:
    """A ``size`` square with the face ~45% of the width, centred, eyes at 40% height.

    Where the photo does not reach, its edge pixels are stretched outwards and heavily blurred,
    so a close-up selfie gets a soft background instead of black bars. (A mirrored border was
    tried first: it shows ghostly mirrored heads.)
    """
    scale = FACE_WIDTH_FRACTION * size / face.w
    src = rgb
    if scale < 1.0:  # shrink with area averaging first: warpAffine alone would alias
        src = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        face, scale_left = face.transformed(scale, 0.0, 0.0), 1.0
    else:
        scale_left = scale
    cx = face.x + face.w / 2.0
    dx = size / 2.0 - scale_left * cx
    dy = EYE_LINE * size - scale_left * face.eye_y
    matrix = np.array([[scale_left, 0.0, dx], [0.0, scale_left, dy]], dtype=np.float64)
    return _place(src, matrix, (size, size)), face.transformed(scale_left, dx, dy)


def _place(src: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``src`` moved by ``matrix`` into a canvas of ``size`` (width, height); where the photo
    does not reach, its edge stretched outwards and blurred (no black bars)."""
    interp = cv2.INTER_LINEAR if matrix[0, 0] == 1.0 else cv2.INTER_CUBIC
    sharp = cv2.warpAffine(src, matrix, size, flags=interp, borderMode=cv2.BORDER_REPLICATE)
    valid = cv2.warpAffine(
        np.ones(src.shape[:2], np.float32),
        matrix,
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    if float(valid.min()) < 0.999:
        short = min(size)
        blurred = cv2.GaussianBlur(sharp, (0, 0), sigmaX=max(2.0, short * 0.05))
        alpha = cv2.GaussianBlur(valid, (0, 0), sigmaX=max(1.0, short * 0.012))[..., None]
        alpha = np.minimum(alpha * 1.6, 1.0)  # keep the photo itself sharp up to its edge
        sharp = (sharp * alpha + blurred * (1.0 - alpha)).round().astype(np.uint8)
    return np.ascontiguousarray(sharp)


def frame_face(rgb: np.ndarray, face: Face, width: int, height: int) -> tuple[np.ndarray, Face]:
    """The photo framed head-and-shoulders in a ``width``×``height`` canvas, and the face there.

    The face (cheek to cheek) is ``FACE_WIDTH_FRACTION`` of the canvas's shorter side, centred
    across, the eyes at ``EYE_LINE`` of the height (a little lower in a tall canvas, which has
    room for the shoulders). Where the photo does not reach, its edge is stretched and blurred.
    """
    short = min(width, height)
    scale = FACE_WIDTH_FRACTION * short / max(1.0, face.width)
    eye_y = EYE_LINE * height if height <= width else 0.5 * height - 0.16 * width
    src = rgb
    if scale < 1.0:  # shrink with area averaging first: warpAffine alone would alias
        src = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        sx, sy = src.shape[1] / rgb.shape[1], src.shape[0] / rgb.shape[0]
        face = Face(face.points * [sx, sy], face.detector, face.teeth_visible, face.scale * sx)
        scale_left = 1.0
    else:
        scale_left = scale
    cx = float((face.left_eye[0] + face.right_eye[0]) / 2.0)
    dx = width / 2.0 - scale_left * cx
    dy = eye_y - scale_left * face.eye_y
    matrix = np.array([[scale_left, 0.0, dx], [0.0, scale_left, dy]], dtype=np.float64)
    return _place(src, matrix, (width, height)), face.transformed(scale_left, dx, dy)
