"""Putting an RGBA presenter frame over an opaque background."""

from __future__ import annotations

import cv2
import numpy as np

from core.engines.local.types import REST, FrameState, Presenter


def over(rgba: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Straight RGBA ``rgba`` over the RGB ``background`` (same size) → RGB uint8.

    A presenter is opaque or empty almost everywhere: those pixels are copied, and only
    the thin anti-aliased edge is blended.
    """
    alpha = rgba[..., 3]
    out = background.copy()
    cv2.copyTo(cv2.cvtColor(rgba, cv2.COLOR_RGBA2RGB), cv2.compare(alpha, 254, cv2.CMP_GT), out)
    edge = np.flatnonzero((alpha.reshape(-1) - np.uint8(1)) < 254)
    if edge.size:
        a = alpha.reshape(-1)[edge].astype(np.uint16)[:, None]
        front = rgba.reshape(-1, 4)[edge, :3].astype(np.uint16)
        back = background.reshape(-1, 3)[edge].astype(np.uint16)
        out.reshape(-1, 3)[edge] = (front * a + back * (255 - a) + 127) // 255
    return out


def opaque(frame: np.ndarray, background: np.ndarray | None) -> np.ndarray:
    """``frame`` as RGB: RGBA goes over ``background`` (white when None), RGB is returned as is."""
    if frame.shape[2] == 3:
        return frame
    if background is None:
        background = np.full((*frame.shape[:2], 3), 255, np.uint8)
    return over(frame, background)


class Flattened:
    """A presenter's frames over a fixed background, as RGB, redoing only its moving box."""

    def __init__(self, presenter: Presenter, background: np.ndarray | None) -> None:
        self.presenter = presenter
        self.background = background
        # A presenter that can draw itself straight onto a background does it faster.
        fast = getattr(presenter, "flattened", None)
        self._fast = fast(background) if fast is not None and background is not None else None
        x, y, w, h = presenter.moving_box
        self._box = np.s_[y : y + h, x : x + w]
        self._static = opaque(presenter.render(REST), background)
        self._back = None if background is None else np.ascontiguousarray(background[self._box])

    def __call__(self, state: FrameState) -> np.ndarray:
        if self._fast is not None:
            return self._fast(state)
        frame = self.presenter.render(state)
        if frame.shape[2] == 3:
            return frame
        out = self._static.copy()
        out[self._box] = opaque(frame[self._box], self._back)
        return out
