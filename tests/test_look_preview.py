"""The Look panel's preview still: drawn the way the chosen engine will show the presenter.

Whether the presenter is a cut-out (alpha, the whole frame in ``full``) is what the engine
declares (``Capabilities.cutouts``), not a check of the engine's name in the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from core.config import Settings
from core.engines import registry
from core.engines.base import Capabilities
from core.models import Avatar, Look
from core.usecases import Parlante
from tests import fake_engine

TEXT = "Hola a todos, hoy hablamos del agua."


class CutoutFake(fake_engine.FakeEngine):
    capabilities = Capabilities(cutouts=True)


class OpaqueFake(fake_engine.FakeEngine):
    capabilities = Capabilities(cutouts=False)


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(registry.ENGINES, "cutouts", CutoutFake)
    monkeypatch.setitem(registry.ENGINES, "opaque", OpaqueFake)
    parlante = Parlante.open(Settings.from_sources({"APP_DATA_DIR": str(data_dir)}))
    yield parlante
    parlante.close(timeout=5)


def illustrated() -> Avatar:
    from core.avatars import builtin_avatars

    return next(a for a in builtin_avatars() if a.kind == "illustrated")


def test_the_engine_declares_whether_the_preview_shows_a_cutout(
    app: Parlante, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.usecases import looks

    asked: list[Any] = []
    monkeypatch.setattr(looks, "preview_png", lambda *args: asked.append(args[3]) or b"png")
    look = Look(format="16:9", layout="full", background="slate")
    photo = Avatar("p1", "Foto", "photo", Path("/nonexistent.jpg"))
    app.looks.preview_png(look, TEXT, illustrated(), "cutouts")
    app.looks.preview_png(look, TEXT, illustrated(), "opaque")
    app.looks.preview_png(look, TEXT, photo, "cutouts")
    app.looks.preview_png(look, TEXT, None, "cutouts")
    assert asked == [True, False, False, False]


def test_a_cutout_preview_puts_the_presenter_on_the_theme(app: Parlante) -> None:
    """In ``full`` a cut-out presenter stands on the chosen theme across the whole frame;
    an engine without cut-outs shows the presenter's own picture, so the previews differ."""
    look = Look(format="16:9", layout="full", background="slate")
    cut = app.looks.preview_png(look, TEXT, illustrated(), "cutouts")
    flat = app.looks.preview_png(look, TEXT, illustrated(), "opaque")
    a = cv2.imdecode(np.frombuffer(cut, np.uint8), cv2.IMREAD_COLOR)
    b = cv2.imdecode(np.frombuffer(flat, np.uint8), cv2.IMREAD_COLOR)
    assert a.shape == b.shape
    assert np.abs(a.astype(int) - b.astype(int)).max() > 40
