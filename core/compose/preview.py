"""A preview still of a look, before anything is rendered: the first scene as it will appear
(the presenter at rest, the first slide, a caption of the first words), in well under a second.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import cv2
import numpy as np

from core.compose.look import LookPlan, check_look
from core.compose.render import build
from core.engines.base import Clip
from core.models import Avatar, Look
from core.subtitles import TimedWord

FPS = 25


def preview_clip(plan: LookPlan, avatar: Avatar | None) -> Clip:
    """A one-frame clip: the presenter at rest at the layout's canvas, the first words."""
    words = [TimedWord(w, 0.0, 1.0) for w in (plan.scenes[0] if plan.scenes else "").split()[:12]]
    clip = Clip(
        fps=FPS,
        n_frames=1,
        width=0,
        height=0,
        audio=np.zeros(FPS, np.float32),
        sample_rate=FPS * 40,
        words=words,
    )
    canvas = plan.stage().canvas
    if avatar is None or canvas is None:
        return clip
    from core.engines.local.presenters import backdrop, load_presenter
    from core.engines.local.types import REST

    presenter = load_presenter(avatar, *canvas)
    picture = presenter.render(REST)
    clip.width, clip.height = canvas
    clip.frames = lambda: iter([picture])
    clip.face_box = tuple(presenter.face_box)  # type: ignore[assignment]
    clip.has_alpha = bool(presenter.has_alpha)
    clip.still = picture
    clip.backdrop = functools.partial(backdrop, avatar)
    return clip


def preview_still(plan: LookPlan, avatar: Avatar | None, cutout: bool | None = None) -> np.ndarray:
    """The first frame of the first scene (after any title card), RGB (height, width, 3).

    ``cutout``: the engine shows the presenter with alpha (the offline engine's illustrated
    presenters); by default, whenever the avatar is illustrated.
    """
    if cutout is None:
        cutout = avatar is not None and avatar.kind == "illustrated"
    plan = replace(plan, cutout=cutout)
    compositor, _ = build(preview_clip(plan, avatar), plan)
    compositor.lead = 0  # show the first scene, not the title card
    compositor.n_frames = 1
    compositor.scene_frames = [0]
    compositor.cues = [c.__class__(0.0, 1.0, c.lines) for c in compositor.cues[:1]]
    frame = next(compositor.frames())
    return frame.copy()


PREVIEW_SHORT_SIDE = 360  # the preview is drawn small: the layout is proportional


def preview_png(look: Look, text: str, avatar: Avatar | None, cutout: bool | None = None) -> bytes:
    """The preview still of ``look`` for ``text`` as a PNG (InputError for a bad look)."""
    plan = check_look(look, text)
    scale = PREVIEW_SHORT_SIDE / min(plan.width, plan.height)
    if scale < 1:
        plan = replace(
            plan,
            width=round(plan.width * scale) // 2 * 2,
            height=round(plan.height * scale) // 2 * 2,
        )
    ok, png = cv2.imencode(
        ".png", cv2.cvtColor(preview_still(plan, avatar, cutout), cv2.COLOR_RGB2BGR)
    )
    if not ok:
        raise RuntimeError("could not encode the preview")
    return png.tobytes()
