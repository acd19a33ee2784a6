"""A library record for tests: a short Spanish video with every field filled in."""

from __future__ import annotations

from core.library import VideoRecord


def record(**kw: object) -> VideoRecord:
    base = dict(
        id="", script="Hola a todos", language="es", engine="local", voice="v", avatar="a",
        size=512, duration_s=3.0, title="Hola",
    )  # fmt: skip
    base.update(kw)
    return VideoRecord(**base)  # type: ignore[arg-type]
