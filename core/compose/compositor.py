"""The frame compositor: background + slide + presenter + captions, one frame at a time.

Frames stream: a scene's still picture (background and slide) is drawn once and kept
while it is on screen (two at most, during a crossfade); the presenter's frames come from
the clip's own stream; caption patches are drawn once per cue. Nothing holds the video.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from core.compose import captions as cap
from core.compose.layouts import Rect, Stage, font_px
from core.compose.pictures import blend, cover, cover_crop, framed_crop, paste
from core.compose.slides import Slides
from core.compose.themes import THEMES, theme_image
from core.engines.base import Clip
from core.models import Cue

CROSSFADE_S = 0.4
RING_PX = 0.018  # the bubble's ring, as a share of the frame's short side


@dataclass
class Scenery:
    """What is behind the presenter: the background picture and the slides on it."""

    background: np.ndarray  # RGB, full frame (read-only)
    slides: Slides | None
    theme: str
    title: str = ""


def background_picture(
    kind: str, spec: str, width: int, height: int, still: np.ndarray | None
) -> np.ndarray:
    """The full-frame background for a theme id, ``blur`` (the presenter's still) or an image."""
    if kind == "image":
        from core.engines.local.images import load_image

        return cover(load_image(Path(spec), name="Background"), width, height)
    if kind == "blur" and still is not None:
        small = cover(still[..., :3], max(16, width // 8), max(16, height // 8))
        small = cv2.GaussianBlur(small, (0, 0), sigmaX=max(2.0, width / 300))
        big = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
        return (big.astype(np.float32) * 0.8).astype(np.uint8)  # a little darker: depth
    return np.array(theme_image(spec if spec in THEMES else "slate", width, height))


def scene_starts(words: list, counts: list[int], duration: float) -> list[float]:
    """When each scene starts (s, clip time): halfway through the pause before its first word.

    ``counts`` are the words per scene in the script; when the engine's words don't add up
    to the same number, the scenes are placed by their share of the characters instead.
    """
    if len(counts) <= 1:
        return [0.0]
    starts = [0.0]
    if words and sum(counts) == len(words):
        i = 0
        for n in counts[:-1]:
            i += n
            prev_end, nxt = words[i - 1].end, words[min(i, len(words) - 1)].start
            starts.append((prev_end + nxt) / 2 if nxt >= prev_end else nxt)
        return starts
    total = sum(counts) or 1
    acc = 0
    for n in counts[:-1]:
        acc += n
        starts.append(duration * acc / total)
    return starts


class Compositor:
    def __init__(
        self,
        stage: Stage,
        clip: Clip,
        scenery: Scenery,
        starts: list[float],
        cues: list[Cue],
        caption_style: str | None,
        lead_frames: int,
    ) -> None:
        self.stage, self.clip, self.scenery = stage, clip, scenery
        self.fps = clip.fps
        self.lead = lead_frames  # title card frames before the clip starts
        self.n_frames = lead_frames + clip.n_frames
        self.scene_frames = [lead_frames + round(s * self.fps) for s in starts]
        self.cues = cues
        self.caption_style = caption_style
        self.fade = max(1, round(CROSSFADE_S * self.fps))
        self._bases: dict[int, np.ndarray] = {}
        self._patches: dict[int, tuple[np.ndarray, int, int]] = {}
        self._strips: dict[tuple[int, int], np.ndarray] = {}  # caption over a scene, drawn
        self.changed: list[Rect] | None = None
        self._scene_now: int | None = None  # the scene behind this frame (None: crossfading)
        self._bubble_key: int | None = None
        self._bubble_empty: np.ndarray | None = None
        self.current: np.ndarray | None = None
        self._prepare_presenter()

    # --- set-up ---------------------------------------------------------------------------

    def _prepare_presenter(self) -> None:
        s, clip = self.stage, self.clip
        self._crop: tuple[int, int, int, int] | None = None
        self._circle: np.ndarray | None = None
        self._feather: np.ndarray | None = None
        self._moving: Rect | None = None  # where the clip's frames differ, in the rectangle
        if s.presenter is None or clip.frames is None:
            return
        x, _, w, h = s.presenter
        if (clip.width, clip.height) != (w, h):
            if s.bubble:  # the face in the middle of the circle
                fx, fy, fw, fh = clip.face_box
                centre = (fx + fw / 2, fy + fh / 2) if fw and fh else None
                self._crop = cover_crop(clip.width, clip.height, w, h, centre)
            else:  # framed like a filmed presenter
                self._crop = framed_crop(clip.width, clip.height, w, h, clip.face_box)
        elif clip.moving_box is not None:
            mx, my, mw, mh = _clip_rect(clip.moving_box, (h, w))
            self._moving = (mx, my, mw, mh) if mw and mh else None
        if s.bubble:
            big = np.zeros((h * 4, w * 4), np.uint8)
            cv2.circle(big, (w * 2, h * 2), w * 2 - 2, 255, -1, cv2.LINE_AA)
            self._circle = cv2.resize(big, (w, h), interpolation=cv2.INTER_AREA)
            self._bubble_fill = np.empty((h, w, 3), np.uint8)
            self._bubble_fill[:] = THEMES[self.scenery.theme].bubble
        else:
            # A picture that does not reach the frame's sides fades into the background there.
            edge = max(2, round(0.05 * w))
            ramp = np.ones(w, np.float32)
            if x > 0:
                ramp[:edge] = np.linspace(0.0, 1.0, edge)
            if x + w < s.width:
                ramp[w - edge :] = np.linspace(1.0, 0.0, edge)
            column = np.ones(h, np.float32)
            y = s.presenter[1]
            if y > 0:
                column[:edge] = np.linspace(0.0, 1.0, edge)
            if y + h < s.height:
                column[h - edge :] = np.linspace(1.0, 0.0, edge)
            if (ramp < 1).any() or (column < 1).any():
                self._feather = (np.minimum(column[:, None], ramp[None, :]) * 255).astype(np.uint8)

    def base(self, scene: int) -> np.ndarray:
        """Scene ``scene``'s still picture: background, slide, bubble ring (cached)."""
        if scene not in self._bases:
            if len(self._bases) >= 2:
                self._bases.pop(min(self._bases))
            self._bases[scene] = self._draw_base(scene)
        return self._bases[scene]

    def _draw_base(self, scene: int) -> np.ndarray:
        s, sc = self.stage, self.scenery
        frame = np.array(sc.background)
        if scene < 0:  # the title card
            return self._title(frame)
        if sc.slides is not None:
            x, y, w, h = s.content
            picture = sc.slides.render(min(scene, sc.slides.count - 1), w, h)
            ph, pw = picture.shape[:2]
            paste(frame, picture, x + (w - pw) // 2, y + (h - ph) // 2)
        if s.bubble and s.presenter is not None and self.clip.frames is not None:
            x, y, w, h = s.presenter
            ring = max(2, round(RING_PX * min(s.width, s.height)))
            centre = (x + w // 2, y + h // 2)
            shadow = frame.copy()
            cv2.circle(shadow, (centre[0], centre[1] + ring), w // 2 + ring, (0, 0, 0), -1,
                       cv2.LINE_AA)  # fmt: skip
            cv2.addWeighted(shadow, 0.35, frame, 0.65, 0, dst=frame)
            cv2.circle(frame, centre, w // 2 + ring, THEMES[sc.theme].accent, -1, cv2.LINE_AA)
        return frame

    def _title(self, frame: np.ndarray) -> np.ndarray:
        s, theme = self.stage, THEMES[self.scenery.theme]
        px = round(font_px(s.width, s.height) * 1.9)
        width = round(0.8 * s.safe[2])
        lines = cap.wrap_title(self.scenery.title, px, width)
        patch = cap.text_patch(lines, px, width, style="plain", colour=theme.text, weight="Bold")
        ph, pw = patch.shape[:2]
        paste(frame, patch, (s.width - pw) // 2, (s.height - ph) // 2)
        return frame

    # --- per frame ------------------------------------------------------------------------

    def scene_at(self, index: int) -> int:
        if index < self.lead:
            return -1
        k = 0
        for i, start in enumerate(self.scene_frames):
            if index >= start:
                k = i
        return k

    def _backdrop(self, index: int, out: np.ndarray, known: int | None = None) -> int | None:
        """Draw the still picture behind frame ``index``; returns its scene, or None during a
        crossfade. ``known``: the scene already in ``out`` (then nothing is copied)."""
        k = self.scene_at(index)
        # Crossfade into scene k over the frames around its start (and out of the title).
        starts = [self.lead, *self.scene_frames[1:]] if self.lead else self.scene_frames[1:]
        for j, start in enumerate(starts):
            half = self.fade // 2
            if start - half <= index < start + self.fade - half:
                new = j if self.lead else j + 1
                t = (index - (start - half) + 1) / (self.fade + 1)
                cv2.addWeighted(self.base(new - 1), 1 - t, self.base(new), t, 0, dst=out)
                return None
        if known != k:
            np.copyto(out, self.base(k))
        return k

    def _presenter(
        self, picture: np.ndarray, out: np.ndarray, partial: bool, restore: bool
    ) -> Rect:
        """Draw the presenter; returns the rectangle it changed.

        ``partial``: the previous frame's presenter is still in ``out`` over this scene, so
        only the clip's moving box is redrawn (outside it every frame equals the still).
        ``restore``: ``out`` holds something else where the presenter goes (last frame's
        presenter), so the scene is put back there first.
        """
        s = self.stage
        assert s.presenter is not None
        x, y, w, h = s.presenter
        if self._crop is not None:
            cx, cy, cw, ch = self._crop
            picture = cv2.resize(
                picture[cy : cy + ch, cx : cx + cw], (w, h), interpolation=cv2.INTER_AREA
            )
        sx, sy, sw, sh = self._moving if partial and self._moving else (0, 0, w, h)
        sub = np.s_[sy : sy + sh, sx : sx + sw]
        region = out[y + sy : y + sy + sh, x + sx : x + sx + sw]
        rect = (x + sx, y + sy, sw, sh)
        part = picture[sub]
        rgb = part[..., :3]
        if self._circle is not None:
            if picture.shape[2] == 4:
                # One blend: over what the empty bubble shows (its fill inside the circle,
                # the scene outside), weighted by the presenter's alpha times the circle's.
                scene = self._scene_now  # None while crossfading: the scene changes per frame
                if scene is None or self._bubble_key != scene:
                    empty = out[y : y + h, x : x + w].copy()
                    if restore and scene is not None:
                        empty[...] = self.base(scene)[y : y + h, x : x + w]
                    blend(empty, self._bubble_fill, self._circle)
                    self._bubble_empty, self._bubble_key = empty, scene
                assert self._bubble_empty is not None
                weight = cv2.multiply(part[..., 3], self._circle[sub], scale=1 / 255)
                mixed = self._bubble_empty[sub].copy()
                blend(mixed, rgb, weight)
                region[...] = mixed
            else:
                if restore:
                    self._restore(region, rect)
                blend(region, rgb, self._circle[sub])
            return rect
        if restore:
            self._restore(region, rect)
        if picture.shape[2] == 4:
            alpha = part[..., 3]
            if self._feather is not None:
                alpha = cv2.multiply(alpha, self._feather[sub], scale=1 / 255)
            bx, by, bw, bh = cv2.boundingRect(alpha)
            if bw and bh:
                blend(
                    region[by : by + bh, bx : bx + bw],
                    rgb[by : by + bh, bx : bx + bw],
                    alpha[by : by + bh, bx : bx + bw],
                )
            return rect if restore else (x + sx + bx, y + sy + by, bw, bh)
        if self._feather is not None:
            blend(region, rgb, self._feather[sub])
        else:
            region[...] = rgb
        return rect

    def _restore(self, region: np.ndarray, rect: Rect) -> None:
        """Put the current scene's still picture back under ``rect`` (``region`` of out)."""
        if self._scene_now is None:
            return  # crossfading: out was drawn afresh this frame
        x, y, w, h = rect
        region[...] = self.base(self._scene_now)[y : y + h, x : x + w]

    def _cue_at(self, index: int) -> int:
        """The cue on screen at frame ``index`` (-1: none). Cues are in the video's time."""
        t = index / self.fps
        return next((i for i, c in enumerate(self.cues) if c.start <= t < c.end), -1)

    def _caption(self, i: int, out: np.ndarray, scene: int | None, clear: bool) -> Rect:
        """Draw cue ``i``; returns the rectangle it changed. ``clear``: nothing else drew
        there, so the caption over scene ``scene`` can come from a cache."""
        cue = self.cues[i]
        if i not in self._patches:
            if len(self._patches) > 4:
                self._patches.pop(min(self._patches))
            x, y, w, h = self.stage.captions
            px = font_px(self.stage.width, self.stage.height)
            patch = cap.text_patch(cue.lines, px, w, style=self.caption_style or "box")
            ph, pw = patch.shape[:2]
            self._patches[i] = (patch, x + (w - pw) // 2, y + h - ph)
        patch, px_, py_ = self._patches[i]
        ph, pw = patch.shape[:2]
        rect = _clip_rect((px_, py_, pw, ph), out.shape)
        x, y, w, h = rect
        if scene is not None and clear:
            key = (scene, i)
            if key not in self._strips:
                if len(self._strips) > 6:
                    self._strips.pop(next(iter(self._strips)))
                paste(out, patch, px_, py_)
                self._strips[key] = out[y : y + h, x : x + w].copy()
            else:
                out[y : y + h, x : x + w] = self._strips[key]
            return rect
        paste(out, patch, px_, py_)
        return rect

    def frames(self) -> Iterator[np.ndarray]:
        """The composed RGB frames, in order (the same buffer is reused: copy to keep one).

        Within a scene only what changed is redrawn: the presenter's moving box, and the
        caption when its cue changes (or when it lies over the presenter). ``self.changed``
        lists the rectangles that differ from the previous frame (None: the whole frame).
        """
        out = np.empty((self.stage.height, self.stage.width, 3), np.uint8)
        source = self.clip.frames() if self.clip.frames is not None else None
        show = self.stage.presenter is not None and source is not None
        # A caption over the presenter is drawn again whenever the presenter is.
        under = show and _overlap(self.stage.presenter, self.stage.captions)  # type: ignore[arg-type]
        scene: int | None = None
        presenter_on = False  # last frame's presenter is in ``out``
        shown_cue, caption_rect = -1, None  # the caption in ``out`` and where it is
        for index in range(self.n_frames):
            previous = scene
            scene = self._backdrop(index, out, known=previous)
            self._scene_now = scene
            fresh = scene is None or scene != previous  # ``out`` was drawn anew
            changed: list[Rect] = []
            picture = next(source) if index >= self.lead and source is not None else None
            cue = self._cue_at(index) if self.caption_style else -1
            redo_caption = fresh or cue != shown_cue or (under and picture is not None)
            if not fresh and redo_caption and caption_rect is not None:
                cx, cy, cw, ch = caption_rect  # take the old caption away
                out[cy : cy + ch, cx : cx + cw] = self.base(scene)[cy : cy + ch, cx : cx + cw]  # type: ignore[arg-type]
                changed.append(caption_rect)
            if fresh:
                shown_cue, caption_rect = -1, None
            if show and picture is not None:
                partial = presenter_on and not fresh and not under
                restore = presenter_on and not fresh
                changed.append(self._presenter(picture, out, partial, restore))
                presenter_on = True
            if redo_caption:
                caption_rect = None
                if cue >= 0:
                    clear = not show or not under
                    caption_rect = self._caption(cue, out, scene, clear)
                    changed.append(caption_rect)
                shown_cue = cue
            self.changed = None if fresh else changed
            yield out
        if self.scenery.slides is not None:
            self.scenery.slides.close()

    def frames_i420(self) -> Iterator[np.ndarray]:
        """The frames as YUV 4:2:0 for the encoder, converting only what changed since the
        previous frame. The same buffer is reused: use (or copy) each before the next.
        ``self.current`` is the RGB frame just made."""
        height, width = self.stage.height, self.stage.width
        yuv = np.empty((height * 3 // 2, width), np.uint8)
        planes = _planes(yuv, width, height)
        for rgb in self.frames():
            self.current = rgb
            if self.changed is None:
                cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420, dst=yuv)
            else:
                for rect in self.changed:
                    _convert(rgb, planes, rect)
            yield yuv


def _clip_rect(rect: Rect, shape: tuple[int, ...]) -> Rect:
    x, y, w, h = rect
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(shape[1], x + w), min(shape[0], y + h)
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _planes(yuv: np.ndarray, width: int, height: int) -> tuple[np.ndarray, ...]:
    flat = yuv.reshape(-1)
    n, q = width * height, width * height // 4
    return (
        yuv[:height],
        flat[n : n + q].reshape(height // 2, width // 2),
        flat[n + q : n + 2 * q].reshape(height // 2, width // 2),
    )


def _convert(rgb: np.ndarray, planes: tuple[np.ndarray, ...], rect: Rect) -> None:
    """RGB → I420 of one rectangle (widened to even edges) into the frame's planes."""
    x, y, w, h = rect
    if w <= 0 or h <= 0:
        return
    x0, y0 = x - x % 2, y - y % 2
    x1 = min(rgb.shape[1], x + w + (x + w) % 2)
    y1 = min(rgb.shape[0], y + h + (y + h) % 2)
    w, h = x1 - x0, y1 - y0
    part = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2YUV_I420)
    flat = part.reshape(-1)
    n, q = w * h, w * h // 4
    Y, U, V = planes
    Y[y0:y1, x0:x1] = flat[:n].reshape(h, w)
    U[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = flat[n : n + q].reshape(h // 2, w // 2)
    V[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2] = flat[n + q : n + 2 * q].reshape(h // 2, w // 2)
