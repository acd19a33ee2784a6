"""Synthetic test images drawn with OpenCV, so the tests need no committed media (and a PNG
whose header claims a size it does not have, for the decompression-bomb checks).

``synthetic_face`` draws a frontal, evenly lit face that OpenCV's Haar face cascades accept:
what they key on is a dark band of brows and eyes over brighter cheeks, a bright nose bridge
and a darker mouth line, so those are drawn with clear contrast, then softened like a photo.
"""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
from PIL import Image


def synthetic_face(
    size: int = 512,
    *,
    seed: int = 0,
    closed_mouth: bool = True,
    skin: tuple[int, int, int] = (214, 170, 140),
) -> np.ndarray:
    """An RGB uint8 portrait: one face, centred, about 45% of the width, on a plain backdrop.

    Geometry (for assertions): face centre x = size/2; eyes at y ≈ 0.42·size; the line between
    the lips at y ≈ 0.64·size.
    """
    s = size / 512.0
    rng = np.random.default_rng(seed)
    yy = np.linspace(0.0, 1.0, size, dtype=np.float32)[:, None, None]
    img = (np.array([150.0, 165.0, 180.0]) * (1.0 - 0.25 * yy)) * np.ones((1, size, 3))
    img = np.ascontiguousarray(img.astype(np.uint8))

    def p(x: float, y: float) -> tuple[int, int]:
        return (round(x * s), round(y * s))

    def r(a: float, b: float) -> tuple[int, int]:
        return (round(a * s), round(b * s))

    hair = (70, 48, 35)
    cv2.ellipse(img, p(256, 200), r(128, 120), 0, 0, 360, hair, -1, cv2.LINE_AA)  # hair
    neck = tuple(round(0.92 * c) for c in skin)
    cv2.rectangle(img, p(200, 380), p(312, 520), neck, -1)  # neck
    cv2.ellipse(img, p(256, 560), r(200, 90), 0, 0, 360, (60, 70, 110), -1, cv2.LINE_AA)
    cv2.ellipse(img, p(256, 262), r(108, 138), 0, 0, 360, skin, -1, cv2.LINE_AA)  # face
    cv2.ellipse(img, p(256, 150), r(112, 45), 0, 180, 360, hair, -1, cv2.LINE_AA)  # fringe
    for side in (-1, 1):
        ex = 256 + side * 46
        cv2.ellipse(
            img, p(ex, 203), r(30, 7), 0, 180, 360, (80, 55, 40), max(1, round(5 * s)), cv2.LINE_AA
        )
        cv2.ellipse(img, p(ex, 222), r(22, 10), 0, 0, 360, (235, 232, 228), -1, cv2.LINE_AA)
        cv2.circle(img, p(ex, 222), round(8.5 * s), (75, 50, 35), -1, cv2.LINE_AA)
        cv2.circle(img, p(ex, 222), round(4 * s), (15, 10, 10), -1, cv2.LINE_AA)
        cv2.ellipse(img, p(ex, 222), r(22, 10), 0, 180, 360, (40, 25, 20), 2, cv2.LINE_AA)
        cv2.circle(img, p(256 + side * 12, 300), round(5 * s), (120, 75, 60), -1, cv2.LINE_AA)
        cv2.line(
            img,
            p(256 + side * 10, 232),
            p(256 + side * 16, 292),
            (185, 140, 112),
            max(1, round(3 * s)),
            cv2.LINE_AA,
        )
    cv2.ellipse(img, p(256, 318), r(34, 9), 0, 180, 360, (170, 90, 90), -1, cv2.LINE_AA)
    cv2.ellipse(img, p(256, 326), r(32, 11), 0, 0, 180, (185, 100, 100), -1, cv2.LINE_AA)
    if closed_mouth:
        cv2.line(img, p(224, 326), p(288, 326), (95, 40, 45), max(1, round(3 * s)), cv2.LINE_AA)
    else:
        cv2.ellipse(img, p(256, 326), r(26, 6), 0, 0, 360, (60, 20, 25), -1, cv2.LINE_AA)
    out = cv2.GaussianBlur(img, (0, 0), 1.2 * s).astype(np.int16)
    out += rng.integers(-4, 5, size=out.shape, dtype=np.int16)
    return np.clip(out, 0, 255).astype(np.uint8)


def encode(rgb: np.ndarray, fmt: str = "PNG", **save_args: object) -> bytes:
    """Encode an RGB array as image file bytes with Pillow."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format=fmt, **save_args)
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width×height pixels (a decompression bomb; nothing that
    size is allocated, the pixels are not included)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
