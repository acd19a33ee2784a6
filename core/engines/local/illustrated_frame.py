"""Where an illustrated presenter sits in a canvas of any shape: art units → canvas pixels.

The art is laid out in a 1×1 *figure square* (x right, y down): the head and shoulders of
a presenter. A landscape or square canvas shows the figure square at the canvas's full
height, centred (the shoulders and arms carry on sideways); a portrait canvas (9:16, a
third-of-frame column) shows it at the canvas's full width with the body carrying on down
to the bottom edge and a little room above the head.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.engines.local.illustrated_canvas import Canvas

PORTRAIT_HEADROOM = 0.3  # of the spare height, above the figure square (the rest is body)
# The art is drawn ZOOM× larger than the figure square, its point ANCHOR landing on TARGET
# of the square: the face spans a third of a square frame, eyes a third of the way down.
ZOOM = 1.22
ANCHOR = (0.5, 0.40)
TARGET = (0.5, 0.39)


@dataclass(frozen=True)
class Placement:
    """Art units → pixels: art (0, 0) lands on (``x0``, ``y0``), one unit is ``side`` px."""

    width: int
    height: int
    side: float
    x0: float
    y0: float

    @classmethod
    def fit(cls, width: int, height: int) -> Placement:
        if width >= height:
            square, fx, fy = float(height), (width - height) / 2.0, 0.0
        else:
            square, fx, fy = float(width), 0.0, (height - width) * PORTRAIT_HEADROOM
        side = square * ZOOM
        x0 = fx + square * TARGET[0] - side * ANCHOR[0]
        y0 = fy + square * TARGET[1] - side * ANCHOR[1]
        return cls(width, height, side, x0, y0)

    def canvas(self, ss: int) -> Canvas:
        """A blank canvas over the whole frame, ``ss``× supersampled."""
        return Canvas.blank(
            self.width * ss,
            self.height * ss,
            self.side * ss,
            -self.x0 / self.side,
            -self.y0 / self.side,
        )

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Art units → canvas pixels."""
        return (self.x0 + x * self.side, self.y0 + y * self.side)

    def box(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """An art-unit box (x0, y0, x1, y1) → the pixel box covering it, clipped to the frame."""
        ax, ay = self.point(box[0], box[1])
        bx, by = self.point(box[2], box[3])
        return (
            min(self.width, max(0, math.floor(ax))),
            min(self.height, max(0, math.floor(ay))),
            min(self.width, max(0, math.ceil(bx))),
            min(self.height, max(0, math.ceil(by))),
        )


def in_square(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """An art-unit box as fractions of a square frame (where it lands in a square video)."""
    x0, y0, x1, y1 = box

    def fx(x: float) -> float:
        return TARGET[0] + (x - ANCHOR[0]) * ZOOM

    def fy(y: float) -> float:
        return TARGET[1] + (y - ANCHOR[1]) * ZOOM

    return (fx(x0), fy(y0), fx(x1), fy(y1))
