"""Built-in illustrated presenters, drawn entirely by code, rendered fast per frame.

Why it is built this way: a frame must cost a few ms, but good-looking art (anti-aliased,
softly shaded) is slow to draw. So each presenter is drawn once per canvas size at 2×
and box-filtered down, as two premultiplied RGBA layers: the body (neck, shoulders,
clothes) and the head. Per frame only the eyes (with the brows) and the mouth change;
they are drawn the same way as small sprites, cached by quantised pose, and pasted into
a copy of the head, which one ``warpAffine`` moves and one blend puts over the body.
The result is straight RGBA: the figure opaque, everything around it alpha 0, so the
composition layer can put it on any background.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import cv2
import numpy as np

from core.engines.local.illustrated_body import draw_background, draw_body
from core.engines.local.illustrated_canvas import Canvas
from core.engines.local.illustrated_cast import (
    BUILTIN_AVATARS,
    DESCRIPTIONS,
    builtin_ids,
    look_of,
)
from core.engines.local.illustrated_face import (
    downscale,
    draw_brows,
    draw_eye_overlay,
    draw_eyes,
    draw_mouth,
)
from core.engines.local.illustrated_frame import Placement
from core.engines.local.illustrated_head import draw_head
from core.engines.local.illustrated_look import EYE_BOX, FACE_BOX, MOUTH_BOX, PIVOT, Look
from core.engines.local.types import FrameState, MouthPose
from core.errors import InputError

__all__ = [
    "BUILTIN_AVATARS",
    "DESCRIPTIONS",
    "IllustratedPresenter",
    "backdrop",
    "builtin_ids",
    "load_illustrated",
]

_LEVELS = 12  # pose values are quantised to 1/12: finer than the eye can tell apart
_CACHE_BYTES = 160 * 1024 * 1024  # sprites per presenter (a 1080p mouth is ~250 KB)
_MIN_SIDE, _MAX_SIDE = 64, 4096
_SS = 2  # 2× supersampling: indistinguishable from 3× at video size, half the cost
_BROW_LEVELS = 6  # brows -1..1 in steps of 1/6
NOD_DROP = 9.0  # head units (1/512 of the art) the face dips at a full nod
NOD_SQUASH = 0.035  # and how much it foreshortens as it tips forward


def _check_size(width: int, height: int) -> None:
    for side in (width, height):
        if not _MIN_SIDE <= side <= _MAX_SIDE:
            raise InputError(
                "avatar.frame_size", width=width, height=height, min=_MIN_SIDE, max=_MAX_SIDE
            )


def _look(avatar_id: str) -> Look:
    look = look_of(avatar_id)
    if look is None:
        raise InputError("avatar.unknown_illustrated", ref=avatar_id, ids=", ".join(builtin_ids()))
    return look


def load_illustrated(avatar_id: str, width: int, height: int | None = None) -> IllustratedPresenter:
    """The built-in presenter ``avatar_id`` framed in a ``width``×``height`` canvas."""
    return IllustratedPresenter(_look(avatar_id), width, width if height is None else height)


def backdrop(avatar_id: str, width: int, height: int) -> np.ndarray:
    """The presenter's own soft background (RGB), for stills and plain videos."""
    _check_size(width, height)
    place = Placement.fit(width, height)
    c = place.canvas(_SS)
    draw_background(c, _look(avatar_id))
    return np.ascontiguousarray(downscale(c.rgb, _SS))


def _quantise(v: float, low: float = 0.0) -> int:
    return round(min(1.0, max(low, v)) * _LEVELS)


def _premultiplied(c: Canvas) -> np.ndarray:
    """The canvas as premultiplied RGBA at output size (drawing on black is premultiplied)."""
    np.minimum(c.rgb, c.alpha[..., None], out=c.rgb)
    return np.dstack([downscale(c.rgb, _SS), downscale(c.alpha, _SS)])


class IllustratedPresenter:
    """A ``Presenter``: ``render(state)`` → straight RGBA uint8 (height, width, 4)."""

    has_alpha = True

    def __init__(self, look: Look, width: int, height: int) -> None:
        _check_size(width, height)
        self.width, self.height = width, height
        self.look = look
        self.place = Placement.fit(width, height)
        fx0, fy0, fx1, fy1 = self.place.box(FACE_BOX)
        self.face_box = (fx0, fy0, fx1 - fx0, fy1 - fy0)

        body = self.place.canvas(_SS)
        draw_body(body, look)
        body_rgba = _premultiplied(body)
        del body

        head = self.place.canvas(_SS)
        draw_head(head, look)
        self._eye_box = self.place.box(EYE_BOX)
        self._mouth_box = self.place.box(MOUTH_BOX)
        self._eye_base = self._crop(head, self._eye_box)
        self._mouth_base = self._crop(head, self._mouth_box)
        _draw_eyes(head, look, 0.0, 0.0)
        draw_mouth(head, MouthPose(), look)
        head_rgba = _premultiplied(head)
        del head

        ys, xs = np.nonzero(head_rgba[..., 3])
        margin = max(2, round(0.04 * self.place.side))  # room for the head to move into
        boxes = (self._eye_box, self._mouth_box)  # sprites are pasted into the crop
        self._x0 = max(0, min(int(xs.min()) - margin, *(b[0] for b in boxes)))
        self._y0 = max(0, min(int(ys.min()) - margin, *(b[1] for b in boxes)))
        self._x1 = min(width, max(int(xs.max()) + margin + 1, *(b[2] for b in boxes)))
        self._y1 = min(height, max(int(ys.max()) + margin + 1, *(b[3] for b in boxes)))
        crop = np.s_[self._y0 : self._y1, self._x0 : self._x1]
        self.moving_box = (self._x0, self._y0, self._x1 - self._x0, self._y1 - self._y0)
        self._head = np.ascontiguousarray(head_rgba[crop])
        self._body_under = np.ascontiguousarray(body_rgba[crop])
        # Outside the head's crop nothing ever changes: the body, straight RGBA, once.
        self._base = _straight(body_rgba.copy())
        px, py = self.place.point(*PIVOT)
        self._pivot = (px - self._x0, py - self._y0)
        self._sprites: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._sprite_bytes = 0
        self._lock = threading.Lock()  # frames and the thumbnail may render on two threads

    # -- sprites -----------------------------------------------------------------------
    def _crop(self, c: Canvas, box: tuple[int, int, int, int]) -> Canvas:
        """The supersampled canvas under ``box`` (output pixels), as its own small canvas."""
        x0, y0, x1, y1 = (v * _SS for v in box)
        return Canvas(
            c.rgb[y0:y1, x0:x1].copy(),
            c.alpha[y0:y1, x0:x1].copy(),
            c.scale,
            c.ox + x0 / c.scale,
            c.oy + y0 / c.scale,
        )

    def _sprite(self, key: tuple) -> np.ndarray:
        with self._lock:
            hit = self._sprites.get(key)
            if hit is not None:
                self._sprites.move_to_end(key)
                return hit
        if key[0] == "eyes":
            c = self._eye_base.copy()
            _draw_eyes(c, self.look, key[1] / _LEVELS, key[2] / _BROW_LEVELS)
        else:
            c = self._mouth_base.copy()
            pose = MouthPose(*(v / _LEVELS for v in key[1:6]))
            draw_mouth(c, pose, self.look, grin=key[6] / _LEVELS)
        sprite = _premultiplied(c)
        with self._lock:
            if key not in self._sprites:
                self._sprites[key] = sprite
                self._sprite_bytes += sprite.nbytes
            while self._sprite_bytes > _CACHE_BYTES and len(self._sprites) > 1:
                self._sprite_bytes -= self._sprites.popitem(last=False)[1].nbytes
        return sprite

    def _paste(self, head: np.ndarray, box: tuple[int, int, int, int], sprite: np.ndarray) -> None:
        x0, y0, x1, y1 = box
        head[y0 - self._y0 : y1 - self._y0, x0 - self._x0 : x1 - self._x0] = sprite

    # -- frames ------------------------------------------------------------------------
    def render(self, state: FrameState) -> np.ndarray:
        """The frame for ``state``: body, then the head with its eyes and mouth, moved."""
        over = _premultiplied_over(self._posed_head(state), self._body_under)
        frame = self._base.copy()
        frame[self._y0 : self._y1, self._x0 : self._x1] = _straight(over)
        return frame

    def flattened(self, background: np.ndarray) -> Callable[[FrameState], np.ndarray]:
        """Frames over an opaque RGB ``background`` (the canvas's size), as RGB.

        The same pictures as ``over(render(state), background)``, for less: the body is put
        on the background once, and per frame the premultiplied head goes straight onto it.
        """
        from core.engines.local.alpha import over

        static = over(self._base, background)
        under = np.ascontiguousarray(static[self._y0 : self._y1, self._x0 : self._x1])

        def frame(state: FrameState) -> np.ndarray:
            out = static.copy()
            out[self._y0 : self._y1, self._x0 : self._x1] = _onto_opaque(
                self._posed_head(state), under
            )
            return out

        return frame

    def _posed_head(self, state: FrameState) -> np.ndarray:
        """The head layer (premultiplied RGBA, the crop) with this state's eyes and mouth, moved."""
        head = self._head.copy()
        eyes = (_quantise(state.blink), round(min(1.0, max(-1.0, state.brows)) * _BROW_LEVELS))
        if any(eyes):
            self._paste(head, self._eye_box, self._sprite(("eyes", *eyes)))
        m = state.mouth
        mouth = (m.open, m.wide, m.round, m.press, m.teeth_on_lip, state.smile)
        mouth_key = tuple(_quantise(v) for v in mouth)
        if any(mouth_key):
            self._paste(head, self._mouth_box, self._sprite(("mouth", *mouth_key)))
        matrix = self._motion(state)
        if matrix is not None:
            shape = (head.shape[1], head.shape[0])
            head = cv2.warpAffine(head, matrix, shape, flags=cv2.INTER_LINEAR)
        return head

    def _motion(self, state: FrameState) -> np.ndarray | None:
        """The head's affine move: shift, turn about the neck, and a nod (dip + foreshortening)."""
        unit = self.place.side / 512.0
        nod = min(1.0, max(0.0, state.nod))
        dx = state.head_dx * unit
        dy = (state.head_dy + NOD_DROP * nod) * unit
        angle = state.head_angle
        if abs(dx) < 1e-3 and abs(dy) < 1e-3 and abs(angle) < 1e-4:
            return None
        px, py = self._pivot
        a = np.radians(angle)
        cos, sin = np.cos(a), np.sin(a)
        squash = 1.0 - NOD_SQUASH * nod
        # rotate(angle) · scale(1, squash), both about the pivot, then shift
        linear = np.array([[cos, sin * squash], [-sin, cos * squash]])
        offset = np.array([px, py]) - linear @ np.array([px, py]) + (dx, dy)
        return np.hstack([linear, offset[:, None]])


def _draw_eyes(c: Canvas, look: Look, blink: float, brows: float) -> None:
    draw_brows(c, look, brows)
    draw_eyes(c, blink, look)
    draw_eye_overlay(c, look)


def _onto_opaque(front: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Premultiplied RGBA ``front`` over opaque RGB ``back`` → RGB (edges blended only)."""
    alpha = front[..., 3]
    out = back.copy()
    cv2.copyTo(cv2.cvtColor(front, cv2.COLOR_RGBA2RGB), cv2.compare(alpha, 254, cv2.CMP_GT), out)
    edge = np.flatnonzero((alpha.reshape(-1) - np.uint8(1)) < 254)
    if edge.size:
        f = front.reshape(-1, 4)[edge]
        keep = 255 - f[:, 3:4].astype(np.uint16)
        b = back.reshape(-1, 3)[edge].astype(np.uint16)
        out.reshape(-1, 3)[edge] = np.minimum(255, f[:, :3] + (b * keep + 127) // 255)
    return out


def _premultiplied_over(front: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Premultiplied ``front`` over ``back``. Nearly every pixel of a drawn layer is either
    opaque or empty, so those are copied and only the anti-aliased edge is blended."""
    alpha = front[..., 3]
    out = back.copy()
    cv2.copyTo(front, cv2.compare(alpha, 254, cv2.CMP_GT), out)
    edge = np.flatnonzero((alpha.reshape(-1) - np.uint8(1)) < 254)
    if edge.size:
        f, b = front.reshape(-1, 4)[edge], back.reshape(-1, 4)[edge].astype(np.uint16)
        keep = 255 - f[:, 3:4].astype(np.uint16)
        out.reshape(-1, 4)[edge] = np.minimum(255, f + (b * keep + 127) // 255)
    return out


def _straight(rgba: np.ndarray) -> np.ndarray:
    """Premultiplied RGBA → straight RGBA, in place (alpha-0 pixels stay 0, 0, 0, 0).

    Opaque and empty pixels are the same in both forms; only the thin anti-aliased edge
    (alpha 1..254) needs dividing, so only those few pixels are touched.
    """
    flat = rgba.reshape(-1, 4)
    alpha = flat[:, 3]
    edge = np.flatnonzero((alpha - np.uint8(1)) < 254)  # 1..254 (0 wraps to 255)
    if edge.size:
        a = alpha[edge].astype(np.uint16)[:, None]
        flat[edge, :3] = np.minimum(255, (flat[edge, :3] * np.uint16(255) + a // 2) // a)
    return rgba
