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


@dataclass(frozen=True)
class Placement:
    """Figure square of ``side`` px with its top-left corner at (``x0``, ``y0``) canvas px."""

    width: int
    height: int
    side: float
    x0: float
    y0: float

    @classmethod
    def fit(cls, width: int, height: int) -> Placement:
        if width >= height:
            return cls(width, height, float(height), (width - height) / 2.0, 0.0)
        return cls(width, height, float(width), 0.0, (height - width) * PORTRAIT_HEADROOM)

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
