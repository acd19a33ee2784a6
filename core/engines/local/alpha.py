"""Putting an RGBA presenter frame over an opaque background."""

from __future__ import annotations

import cv2
import numpy as np


def over(rgba: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Straight RGBA ``rgba`` over the RGB ``background`` (same size) → RGB uint8."""
    alpha = cv2.merge([rgba[..., 3]] * 3)
    front = cv2.multiply(np.ascontiguousarray(rgba[..., :3]), alpha, scale=1 / 255)
    back = cv2.multiply(background, cv2.bitwise_not(alpha), scale=1 / 255)
    return cv2.add(front, back)


def opaque(frame: np.ndarray, background: np.ndarray | None) -> np.ndarray:
    """``frame`` as RGB: RGBA goes over ``background`` (white when None), RGB is returned as is."""
    if frame.shape[2] == 3:
        return frame
    if background is None:
        background = np.full((*frame.shape[:2], 3), 255, np.uint8)
    return over(frame, background)
