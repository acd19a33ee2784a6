"""Drawing a presenter: the built-in illustrated ones and photos, framed for a canvas, and a
still of one at rest. The engines get presenters from here; which presenter a render uses is
decided elsewhere (core/avatars.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.engines.local.types import Presenter
from core.models import Avatar


def load_presenter(avatar: Avatar, width: int, height: int) -> Presenter:
    """The presenter of ``avatar``, framed head-and-shoulders in a ``width``×``height`` canvas."""
    if avatar.kind == "illustrated":
        from core.engines.local.illustrated import load_illustrated

        return load_illustrated(avatar.id, width, height)
    from core.engines.local.photo import load_photo

    assert avatar.path is not None
    return load_photo(
        avatar.path, width, height, name=avatar.name, remember=remembered_face(avatar)
    )


def remembered_face(avatar: Avatar) -> Path | None:
    """Where a stored photo's landmarks are kept (beside it in the library), else None."""
    if avatar.kind != "photo" or avatar.path is None or not avatar.id.startswith("photo-"):
        return None
    return avatar.path.with_name(avatar.path.stem + ".face.json")


def backdrop(avatar: Avatar, width: int, height: int) -> np.ndarray | None:
    """The presenter's own background (RGB) for a plain video, or None when it is opaque."""
    if avatar.kind == "illustrated":
        from core.engines.local.illustrated import backdrop as illustrated_backdrop

        return illustrated_backdrop(avatar.id, width, height)
    return None


def still(avatar: Avatar, size: int) -> np.ndarray:
    """A still, opaque RGB square of the presenter at rest (D-ID uploads and previews)."""
    from core.engines.local.alpha import opaque
    from core.engines.local.types import REST

    frame = load_presenter(avatar, size, size).render(REST)
    return opaque(frame, backdrop(avatar, size, size) if frame.shape[2] == 4 else None)


def still_with_face(
    avatar: Avatar, width: int, height: int
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The presenter at rest as an opaque RGB ``width``×``height`` picture (what D-ID animates),
    and its face box (x, y, w, h) in that picture."""
    from core.engines.local.alpha import opaque
    from core.engines.local.types import REST

    presenter = load_presenter(avatar, width, height)
    frame = presenter.render(REST)
    picture = opaque(frame, backdrop(avatar, width, height) if frame.shape[2] == 4 else None)
    return picture, tuple(presenter.face_box)  # type: ignore[return-value]
