"""Built-in illustrated presenters, drawn entirely by code, rendered fast per frame.

Why it is built this way: a frame must cost ~2 ms, but good-looking art (anti-aliased,
softly shaded) is slow to draw. So each presenter is drawn once per output size at 2–3×
and box-filtered down, as two layers: the static body (background, shoulders, clothes)
and the head (premultiplied RGBA). Per frame only the eyes and mouth change; they are
drawn the same way as small sprites, cached by quantised pose, and pasted into a copy of
the head, which one ``warpAffine`` moves and one blend puts over the body.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np

from core.engines.local.illustrated_body import draw_background, draw_body
from core.engines.local.illustrated_canvas import Canvas
from core.engines.local.illustrated_face import (
    downscale,
    draw_eye_overlay,
    draw_eyes,
    draw_mouth,
)
from core.engines.local.illustrated_head import draw_head
from core.engines.local.illustrated_look import EYE_BOX, MOUTH_BOX, PIVOT, Look
from core.engines.local.types import FrameState, MouthPose
from core.errors import InputError
from core.models import Avatar

_LEVELS = 12  # pose values are quantised to 1/12: finer than the eye can tell apart
_CACHE_SIZE = 2048  # sprites per presenter; a sprite is a few KB
_MIN_SIZE, _MAX_SIZE = 64, 4096


@dataclass(frozen=True)
class _Builtin:
    avatar: Avatar
    look: Look
    description: str


_BUILTINS: tuple[_Builtin, ...] = (
    _Builtin(
        Avatar("ana", "Ana — teacher", "illustrated"),
        Look(
            skin=(236, 188, 152),
            hair=(78, 48, 36),
            iris=(92, 60, 40),
            hair_style="bun",
            outfit="cardigan",
            clothes=(222, 168, 62),
            inner=(250, 246, 236),
            background=((252, 232, 212), (243, 205, 182)),
            lashes=True,
            lips=(196, 104, 100),
        ),
        "a teacher with a dark-brown bun, mustard cardigan and pendant, on peach",
    ),
    _Builtin(
        Avatar("leo", "Leo — presenter", "illustrated"),
        Look(
            skin=(246, 210, 186),
            hair=(150, 82, 46),
            iris=(70, 110, 140),
            hair_style="short",
            outfit="blazer",
            clothes=(44, 62, 104),
            inner=(206, 226, 244),
            beard=True,
            background=((218, 234, 247), (184, 209, 233)),
            jaw=0.24,
        ),
        "a presenter with short auburn hair and beard, navy blazer and open collar, on light blue",
    ),
    _Builtin(
        Avatar("nia", "Nia — storyteller", "illustrated"),
        Look(
            skin=(132, 84, 60),
            hair=(42, 30, 28),
            iris=(60, 36, 26),
            hair_style="curly",
            outfit="scoop_top",
            clothes=(236, 112, 88),
            inner=(248, 226, 150),
            background=((214, 242, 228), (172, 220, 200)),
            earrings=(232, 190, 80),
            lashes=True,
            lips=(120, 58, 56),
        ),
        "a storyteller with big curly hair, gold hoops and a coral top with beads, on mint",
    ),
    _Builtin(
        Avatar("samira", "Samira — scientist", "illustrated"),
        Look(
            skin=(212, 160, 122),
            hair=(50, 36, 32),
            iris=(84, 54, 34),
            hair_style="hijab",
            outfit="tunic",
            clothes=(234, 196, 108),
            inner=(250, 240, 220),
            background=((234, 226, 248), (206, 196, 234)),
            scarf=(54, 122, 130),
            lashes=True,
            lips=(180, 94, 92),
        ),
        "a scientist in a teal hijab over a saffron tunic, on lavender",
    ),
    _Builtin(
        Avatar("kenji", "Kenji — tutor", "illustrated"),
        Look(
            skin=(240, 204, 170),
            hair=(36, 34, 44),
            iris=(50, 36, 30),
            hair_style="side_part",
            outfit="sweater",
            clothes=(82, 136, 104),
            inner=(250, 250, 248),
            background=((251, 242, 204), (242, 224, 172)),
            glasses=(48, 44, 56),
            jaw=0.26,
        ),
        "a tutor with a black side-swept fringe, glasses and a green striped sweater, on yellow",
    ),
)

BUILTIN_AVATARS: tuple[Avatar, ...] = tuple(b.avatar for b in _BUILTINS)
DESCRIPTIONS: dict[str, str] = {b.avatar.id: b.description for b in _BUILTINS}


def builtin_ids() -> list[str]:
    """The ids of the built-in presenters, in display order."""
    return [a.id for a in BUILTIN_AVATARS]


def load_illustrated(avatar_id: str, size: int) -> IllustratedPresenter:
    """The built-in presenter ``avatar_id`` drawn for ``size``×``size`` frames."""
    for b in _BUILTINS:
        if b.avatar.id == avatar_id:
            return IllustratedPresenter(b.look, size)
    raise InputError(
        f"Unknown illustrated presenter {avatar_id!r}. Choose one of: {', '.join(builtin_ids())}."
    )


def _box_px(box: tuple[float, float, float, float], size: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (
        math.floor(x0 * size),
        math.floor(y0 * size),
        math.ceil(x1 * size),
        math.ceil(y1 * size),
    )


def _quantise(v: float) -> int:
    return round(min(1.0, max(0.0, v)) * _LEVELS)


class IllustratedPresenter:
    """A ``Presenter``: ``render(state)`` → RGB uint8 (size, size, 3), C-contiguous."""

    def __init__(self, look: Look, size: int) -> None:
        if not _MIN_SIZE <= size <= _MAX_SIZE:
            raise InputError(f"Frame size {size} is out of range; use {_MIN_SIZE}–{_MAX_SIZE} px.")
        self.size = size
        self.look = look
        self._ss = 2  # 2× supersampling: indistinguishable from 3× at video size, half the cost
        big = size * self._ss
        body = Canvas.blank(big, big, float(big))
        draw_background(body, look)
        draw_body(body, look)
        self._body = np.ascontiguousarray(downscale(body.rgb, self._ss))
        del body

        head = Canvas.blank(big, big, float(big))
        draw_head(head, look)
        self._eye_box = _box_px(EYE_BOX, size)
        self._mouth_box = _box_px(MOUTH_BOX, size)
        self._eye_base = self._crop(head, self._eye_box)
        self._mouth_base = self._crop(head, self._mouth_box)
        draw_eyes(head, 0.0, look)
        draw_eye_overlay(head, look)
        draw_mouth(head, MouthPose(), look)
        np.minimum(head.rgb, head.alpha[..., None], out=head.rgb)  # keep it premultiplied
        rgb, alpha = downscale(head.rgb, self._ss), downscale(head.alpha, self._ss)
        del head

        ys, xs = np.nonzero(alpha)
        margin = math.ceil(16 * size / 512)
        boxes = (self._eye_box, self._mouth_box)  # sprites are pasted into the crop
        self._x0 = max(0, min(int(xs.min()) - margin, *(b[0] for b in boxes)))
        self._y0 = max(0, min(int(ys.min()) - margin, *(b[1] for b in boxes)))
        self._x1 = min(size, max(int(xs.max()) + margin + 1, *(b[2] for b in boxes)))
        self._y1 = min(size, max(int(ys.max()) + margin + 1, *(b[3] for b in boxes)))
        # One premultiplied RGBA array, so a head movement is a single warp.
        self._head_rgba = np.ascontiguousarray(
            np.dstack([rgb, alpha])[self._y0 : self._y1, self._x0 : self._x1]
        )
        self._pivot = (PIVOT[0] * size - self._x0, PIVOT[1] * size - self._y0)
        self._sprites: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # frames and the thumbnail may render on two threads

    # -- sprites -----------------------------------------------------------------------
    def _crop(self, c: Canvas, box: tuple[int, int, int, int]) -> Canvas:
        """The supersampled canvas under ``box`` (output pixels), as its own small canvas."""
        s = self._ss
        x0, y0, x1, y1 = box
        return Canvas(
            c.rgb[y0 * s : y1 * s, x0 * s : x1 * s].copy(),
            c.alpha[y0 * s : y1 * s, x0 * s : x1 * s].copy(),
            c.scale,
            x0 / self.size,
            y0 / self.size,
        )

    def _sprite(self, key: tuple) -> np.ndarray:
        with self._lock:
            hit = self._sprites.get(key)
            if hit is not None:
                self._sprites.move_to_end(key)
                return hit
        if key[0] == "eyes":
            c = self._eye_base.copy()
            draw_eyes(c, key[1] / _LEVELS, self.look)
            draw_eye_overlay(c, self.look)
        else:
            c = self._mouth_base.copy()
            draw_mouth(c, MouthPose(*(v / _LEVELS for v in key[1:])), self.look)
        np.minimum(c.rgb, c.alpha[..., None], out=c.rgb)
        sprite = downscale(c.rgb, self._ss)
        with self._lock:
            self._sprites[key] = sprite
            if len(self._sprites) > _CACHE_SIZE:
                self._sprites.popitem(last=False)
        return sprite

    def _paste(self, head: np.ndarray, box: tuple[int, int, int, int], sprite: np.ndarray) -> None:
        x0, y0, x1, y1 = box
        head[y0 - self._y0 : y1 - self._y0, x0 - self._x0 : x1 - self._x0, :3] = sprite

    # -- frames ------------------------------------------------------------------------
    def render(self, state: FrameState) -> np.ndarray:
        """The frame for ``state``: body, then the head with its eyes and mouth, moved."""
        head = self._head_rgba.copy()
        blink = _quantise(state.blink)
        if blink:
            self._paste(head, self._eye_box, self._sprite(("eyes", blink)))
        m = state.mouth
        mouth = (m.open, m.wide, m.round, m.press, m.teeth_on_lip)
        mouth_key = tuple(_quantise(v) for v in mouth)
        if any(mouth_key):
            self._paste(head, self._mouth_box, self._sprite(("mouth", *mouth_key)))
        scale = self.size / 512.0
        dx, dy, angle = state.head_dx * scale, state.head_dy * scale, state.head_angle
        if abs(dx) > 1e-3 or abs(dy) > 1e-3 or abs(angle) > 1e-4:
            matrix = cv2.getRotationMatrix2D(self._pivot, angle, 1.0)
            matrix[0, 2] += dx
            matrix[1, 2] += dy
            shape = (head.shape[1], head.shape[0])
            head = cv2.warpAffine(head, matrix, shape, flags=cv2.INTER_LINEAR)
        frame = self._body.copy()
        region = frame[self._y0 : self._y1, self._x0 : self._x1]
        inverse = cv2.cvtColor(255 - head[..., 3], cv2.COLOR_GRAY2RGB)
        behind = cv2.multiply(region, inverse, scale=1 / 255)
        region[:] = cv2.add(behind, np.ascontiguousarray(head[..., :3]))
        return frame
