"""Showing a square, opaque presenter (a photo) in a canvas of any shape.

The square is rendered at the canvas's longer side and the canvas is cut out of it
around the face, so the picture always fills the canvas (no bars) and the face stays
in view. A presenter that frames itself natively does not need this.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from core.engines.local.types import FrameState


class SquarePresenter(Protocol):
    size: int

    def render(self, state: FrameState) -> np.ndarray: ...


class FittedSquare:
    """A ``Presenter`` (has_alpha False) cut out of a square presenter rendered larger."""

    has_alpha = False

    def __init__(
        self,
        inner: SquarePresenter,
        width: int,
        height: int,
        face: tuple[float, float, float, float],
    ) -> None:
        """``face`` is (x, y, w, h) of the face, brow to chin, in ``inner``'s pixels."""
        side = inner.size
        if side < max(width, height):
            raise ValueError(f"a {side} px square cannot fill {width}×{height}")
        self.inner = inner
        self.width, self.height = width, height
        fx, fy, fw, fh = face
        cx, cy = fx + fw / 2.0, fy + fh / 2.0
        self._x0 = int(min(side - width, max(0, round(cx - width / 2.0))))
        self._y0 = int(min(side - height, max(0, round(cy - height * 0.45))))
        self.face_box = (round(fx) - self._x0, round(fy) - self._y0, round(fw), round(fh))

    def render(self, state: FrameState) -> np.ndarray:
        frame = self.inner.render(state)
        window = frame[self._y0 : self._y0 + self.height, self._x0 : self._x0 + self.width]
        return np.ascontiguousarray(window)
