"""Video formats: the shape of the channel (16:9, 9:16, 1:1) and the short side in pixels."""

from __future__ import annotations

from core.errors import InputError

FORMATS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
RESOLUTIONS = (720, 1080)
DEFAULT_FORMAT, DEFAULT_RESOLUTION = "16:9", 720
MIN_SQUARE, MAX_SQUARE = 256, 1080  # the old --size: any even square in this range


def _even(value: float) -> int:
    n = round(value)
    return n - n % 2


def frame_size(fmt: str, resolution: int) -> tuple[int, int]:
    """(width, height) in pixels: ``resolution`` is the short side."""
    check_format(fmt, resolution)
    a, b = FORMATS[fmt]
    short = _even(resolution)
    if a >= b:
        return _even(short * a / b), short
    return short, _even(short * b / a)


def check_format(fmt: str, resolution: int) -> None:
    if fmt not in FORMATS:
        raise InputError("look.unknown_format", value=fmt, choices=", ".join(FORMATS))
    if fmt == "1:1" and resolution not in RESOLUTIONS:
        if not MIN_SQUARE <= resolution <= MAX_SQUARE:
            raise InputError("look.size_range", low=MIN_SQUARE, high=MAX_SQUARE, value=resolution)
        return
    if resolution not in RESOLUTIONS:
        raise InputError(
            "look.unknown_resolution",
            value=resolution,
            choices=" / ".join(map(str, RESOLUTIONS)),
        )
