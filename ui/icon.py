"""The page icon, drawn here and served by the app itself.

A Material icon or an emoji as ``page_icon`` makes the browser fetch the favicon from a
font or emoji host; an app that runs offline (and in schools) must make no third-party
requests, so the icon is an image that Streamlit serves from its own media endpoint.
"""

from __future__ import annotations

import functools

from PIL import Image, ImageDraw

BLUE = (47, 111, 235, 255)  # the theme's primaryColor
WHITE = (255, 255, 255, 255)


@functools.cache
def page_icon(size: int = 64) -> Image.Image:
    """A speech bubble with three sound bars on the theme's blue (RGBA, ``size`` px)."""
    ss = 4  # drawn large, then reduced: smooth edges
    big = size * ss
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    m = big // 6
    draw.rounded_rectangle((m, m, big - m, big - 2 * m), radius=big // 8, fill=WHITE)
    tail = [(big // 3, big - 2 * m - 1), (big // 3 + m, big - 2 * m - 1), (big // 3, big - m)]
    draw.polygon(tail, fill=WHITE)
    mid_y = (m + big - 2 * m) // 2
    bar = big // 14
    for i, height in enumerate((0.18, 0.34, 0.18)):
        x = big // 2 + (i - 1) * bar * 2
        h = int(big * height / 2)
        draw.rounded_rectangle((x - bar // 2, mid_y - h, x + bar // 2, mid_y + h), radius=bar // 2,
                               fill=BLUE)  # fmt: skip
    return im.resize((size, size), Image.Resampling.LANCZOS)
