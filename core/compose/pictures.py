"""Fitting pictures into rectangles: cover (crop to fill) or contain (letterbox), no stretch."""

from __future__ import annotations

import cv2
import numpy as np


def _resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    shrink = width < w or height < h
    interp = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    return cv2.resize(image, (width, height), interpolation=interp)


def cover_crop(
    src_w: int, src_h: int, width: int, height: int, centre: tuple[float, float] | None = None
) -> tuple[int, int, int, int]:
    """The largest (x, y, w, h) of the source with the target's shape, around ``centre``."""
    scale = max(width / src_w, height / src_h)
    cw, ch = min(src_w, round(width / scale)), min(src_h, round(height / scale))
    cx, cy = centre if centre is not None else (src_w / 2, src_h / 2)
    x = int(min(max(0, round(cx - cw / 2)), src_w - cw))
    y = int(min(max(0, round(cy - ch / 2)), src_h - ch))
    return x, y, cw, ch


HAIR = 1.1  # room above the brow for the hair, in face heights (brow to chin)


def framed_crop(
    src_w: int,
    src_h: int,
    width: int,
    height: int,
    face: tuple[int, int, int, int],
    eyeline: float = 0.42,
    max_zoom: float = 1.12,
) -> tuple[int, int, int, int]:
    """The (x, y, w, h) of the source to show in a ``width``×``height`` frame, framed like a
    filmed presenter: the face's centre ``eyeline`` of the way down, not in the middle (which
    leaves empty room above the head), yet with room for the hair (a face's height above
    ``face``, which is brow to chin). Zooms in up to ``max_zoom`` when the source has too
    little room below the face; centred on the face across."""
    fx, fy, fw, fh = face
    if not (fw and fh):
        return cover_crop(src_w, src_h, width, height)
    cx, cy = fx + fw / 2, fy + fh / 2
    _, _, cw, ch = cover_crop(src_w, src_h, width, height)
    fits = min(cy / eyeline, (src_h - cy) / (1 - eyeline))  # tallest crop with the face there
    ch2 = max(ch / max_zoom, min(ch, fits))
    cw2 = min(src_w, ch2 * width / height)
    ch2 = cw2 * height / width
    cw, ch = max(1, round(cw2)), max(1, min(src_h, round(ch2)))
    x = int(min(max(0, round(cx - cw / 2)), src_w - cw))
    top = min(cy - eyeline * ch, fy - HAIR * fh)
    y = int(min(max(0, round(top)), src_h - ch))
    return x, y, cw, ch


def cover(
    image: np.ndarray, width: int, height: int, centre: tuple[float, float] | None = None
) -> np.ndarray:
    """``image`` cropped to the target's shape (around ``centre``) and scaled to fill it."""
    x, y, w, h = cover_crop(image.shape[1], image.shape[0], width, height, centre)
    return np.ascontiguousarray(_resize(image[y : y + h, x : x + w], width, height))


def contain(image: np.ndarray, width: int, height: int) -> tuple[np.ndarray, int, int]:
    """``image`` scaled to fit inside the target, and its offset there (letterbox)."""
    h, w = image.shape[:2]
    scale = min(width / w, height / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    return _resize(image, nw, nh), (width - nw) // 2, (height - nh) // 2


def blend(dst: np.ndarray, src: np.ndarray, alpha: np.ndarray) -> None:
    """``dst`` ← src·α + dst·(1−α) in place; ``alpha`` is uint8 (h, w), 255 = opaque src."""
    weight = alpha.astype(np.float32)
    weight *= 1.0 / 255.0
    dst[...] = cv2.blendLinear(
        np.ascontiguousarray(src), np.ascontiguousarray(dst), weight, 1.0 - weight
    )


def paste(frame: np.ndarray, image: np.ndarray, x: int, y: int) -> None:
    """Paste RGB or RGBA ``image`` with its top-left at (x, y), clipped to the frame."""
    h, w = image.shape[:2]
    H, W = frame.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 >= x1 or y0 >= y1:
        return
    part = image[y0 - y : y1 - y, x0 - x : x1 - x]
    if part.shape[2] == 4:
        blend(frame[y0:y1, x0:x1], part[..., :3], part[..., 3])
    else:
        frame[y0:y1, x0:x1] = part
