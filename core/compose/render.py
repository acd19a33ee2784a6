"""The composer's driver: a Clip and a LookPlan become the MP4, subtitles and thumbnail.

Composition runs on a producer thread (drawing, then RGB → YUV) while the main thread
encodes, so on two cores drawing hides behind x264. Audio is the clip's speech, delayed by
the title card when there is one, with the music bed mixed under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from core.compose.compositor import Compositor, Scenery, background_picture, scene_starts
from core.compose.encode import FrameRing, encode_mp4
from core.compose.layouts import CORNERS, Stage, emptiest_corner, stage
from core.compose.look import TITLE_S, LookPlan
from core.compose.prefetch import prefetch
from core.engines.base import SRT_FILE, THUMB_FILE, VIDEO_FILE, VTT_FILE, Clip
from core.files import write_bytes, write_text
from core.messages import msg
from core.models import Cue, ProgressFn, no_progress
from core.subtitles import TimedWord, cues_from_words, to_srt, to_vtt

THUMB_AT = 0.3
PREFETCH = 8  # composed frames waiting for the encoder
COMPOSE_VERSION = "compose-1"  # part of every render's cache key: bump when the picture changes


@dataclass
class Composed:
    duration_s: float
    width: int
    height: int
    format: str
    layout: str
    scenes: int
    extra: dict[str, Any] = field(default_factory=dict)

    def to_settings(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "layout": self.layout,
            "scenes": self.scenes,
            **self.extra,
        }


def choose_stage(plan: LookPlan, background: np.ndarray) -> Stage:
    """The layout's geometry; for ``corner``, the corner that hides least of the slides."""
    s = plan.stage()
    if plan.look.layout != "corner":
        return s
    scale = 4
    w, h = plan.width // scale, plan.height // scale
    small_bg = cv2.resize(background, (w, h), interpolation=cv2.INTER_AREA)
    pictures = []
    if plan.slides is not None:
        x, y, cw, ch = (v // scale for v in s.content)
        for k in range(plan.slides.count):
            frame = small_bg.copy()
            slide = plan.slides.render(k, max(1, cw), max(1, ch))
            sh, sw = slide.shape[:2]
            ox, oy = x + (cw - sw) // 2, y + (ch - sh) // 2
            frame[oy : oy + sh, ox : ox + sw] = slide
            pictures.append(cv2.resize(frame, (plan.width, plan.height)))
    else:
        pictures.append(background)
    corner = emptiest_corner(plan.width, plan.height, pictures) if pictures else CORNERS[0]
    return stage(plan.width, plan.height, "corner", corner)


def timed_words(clip: Clip, lead_s: float) -> list[TimedWord]:
    return [TimedWord(w.text, w.start + lead_s, w.end + lead_s) for w in clip.words]


def mixed_audio(clip: Clip, plan: LookPlan, lead_frames: int) -> np.ndarray:
    lead = np.zeros(round(lead_frames * clip.sample_rate / clip.fps), np.float32)
    voice = np.concatenate([lead, np.asarray(clip.audio, np.float32)])
    total = round((lead_frames + clip.n_frames) * clip.sample_rate / clip.fps)
    voice = np.pad(voice, (0, max(0, total - len(voice))))[:total]
    if not plan.look.music:
        return voice
    from core.compose.music import decode_music, mix

    return mix(voice, decode_music(Path(plan.look.music), clip.sample_rate), clip.sample_rate)


def build(clip: Clip, plan: LookPlan) -> tuple[Compositor, list[Cue]]:
    """The compositor for ``clip`` laid out by ``plan``, and the subtitle cues (video time)."""
    look = plan.look
    own = None
    if plan.background_kind == "presenter" and clip.backdrop is not None:
        own = clip.backdrop(plan.width, plan.height)
    background = (
        np.array(own)
        if own is not None
        else background_picture(
            plan.background_kind, look.background, plan.width, plan.height, clip.still
        )
    )
    background.setflags(write=False)
    the_stage = choose_stage(plan, background)
    lead_frames = round(TITLE_S * clip.fps) if look.title else 0
    cues = cues_from_words(timed_words(clip, lead_frames / clip.fps))
    counts = [len(scene.split()) for scene in plan.scenes]
    starts = scene_starts(list(clip.words), counts, clip.duration_s)
    scenery = Scenery(background, plan.slides, plan.theme, look.title)
    style = look.caption_style if look.captions == "burn" else None
    return Compositor(the_stage, clip, scenery, starts, cues, style, lead_frames), cues


def compose_video(
    clip: Clip, plan: LookPlan, workdir: Path, on_progress: ProgressFn = no_progress
) -> Composed:
    """Write VIDEO_FILE, SRT_FILE, VTT_FILE and THUMB_FILE for ``clip`` laid out by ``plan``."""
    compositor, cues = build(clip, plan)
    n, lead_frames = compositor.n_frames, compositor.lead
    audio = mixed_audio(clip, plan, lead_frames)
    thumb_index = lead_frames + min(clip.n_frames - 1, int(clip.n_frames * THUMB_AT))
    thumb: list[np.ndarray] = []
    start = clip.progress_done
    step = max(1, n // 50)

    ring = FrameRing(plan.width, plan.height, slots=PREFETCH + 3)

    def yuv_frames() -> Iterator[av.VideoFrame]:
        for i, yuv in enumerate(compositor.frames_i420()):
            if i == thumb_index and compositor.current is not None:
                thumb.append(compositor.current.copy())
            yield ring.fill(yuv)  # a copy: the compositor reuses its buffer

    def frame_done(i: int) -> None:
        if i % step == 0 or i == n:
            on_progress("compose", start + (0.95 - start) * i / n, msg("progress.frame", i=i, n=n))

    encode_mp4(
        prefetch(yuv_frames(), depth=PREFETCH),
        n,
        audio,
        clip.sample_rate,
        workdir / VIDEO_FILE,
        plan.width,
        plan.height,
        fps=clip.fps,
        on_frame=frame_done,
    )
    on_progress("subtitles", 0.96, msg("progress.subtitles"))
    write_subtitles(cues, n / clip.fps, compositor.stage, workdir)
    write_thumbnail(thumb[0] if thumb else compositor.base(0), workdir / THUMB_FILE)
    return Composed(
        duration_s=n / clip.fps,
        width=plan.width,
        height=plan.height,
        format=plan.look.format,
        layout=plan.look.layout,
        scenes=len(plan.scenes),
        extra={"corner": compositor.stage.corner} if compositor.stage.corner else {},
    )


def write_subtitles(cues: list[Cue], duration_s: float, s: Stage, workdir: Path) -> None:
    cues = [Cue(c.start, min(c.end, duration_s), c.lines) for c in cues if c.start < duration_s]
    write_text(workdir / SRT_FILE, to_srt(cues))
    write_text(workdir / VTT_FILE, to_vtt(cues, settings=s.vtt_settings()))


def write_thumbnail(rgb: np.ndarray, dest: Path) -> None:
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    longest = max(bgr.shape[:2])
    if longest > 640:  # a thumbnail, not a second copy of the frame
        scale = 640 / longest
        bgr = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise RuntimeError("could not encode the thumbnail")
    write_bytes(dest, jpeg.tobytes())
