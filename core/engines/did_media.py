"""Media around a D-ID talk: the JPEG we upload, and what we derive from the MP4 it returns.

D-ID returns a bare MP4 (no subtitles, no thumbnail, a ``duration`` that is rounded), so
subtitles are timed against the downloaded file's real duration, decoded with PyAV, and
the thumbnail is a frame of that same file.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from core.engines.base import SRT_FILE, VTT_FILE
from core.engines.did_http import PROVIDER
from core.errors import ProviderError
from core.files import write_bytes, write_text
from core.models import Cue
from core.subtitles import cues_from_words, to_srt, to_vtt, words_by_length

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # D-ID's limit for POST /images
MAX_UPLOAD_SIDE = 1920
THUMB_AT = 0.3  # the thumbnail is the frame at this share of the video (mouth mid-word)


def jpeg_for_upload(rgb: np.ndarray) -> bytes:
    """An RGB still as a JPEG inside D-ID's limits (JPEG/PNG, ≤ 10 MB, sensible size)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, MAX_UPLOAD_SIDE / max(height, width))
    if scale < 1.0:
        rgb = cv2.resize(rgb, (round(width * scale), round(height * scale)), cv2.INTER_AREA)
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    for quality in (92, 80, 65):
        ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok and len(data) <= MAX_UPLOAD_BYTES:
            return data.tobytes()
    raise ValueError("could not encode the presenter within D-ID's 10 MB upload limit")


def _unreadable(path: Path, err: Exception) -> ProviderError:
    return ProviderError(
        "did.video_unreadable", detail=f"{type(err).__name__}: {err}", provider=PROVIDER
    )


def video_duration(path: Path) -> float:
    """The real duration in seconds: the video stream's, else the container's, else decoded."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ValueError("no video stream")
            stream = container.streams.video[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            if container.duration:
                return container.duration / 1_000_000
            end = Fraction(0)
            for frame in container.decode(stream):
                if frame.pts is not None and frame.time_base is not None:
                    step = 1 / stream.average_rate if stream.average_rate else Fraction(0)
                    end = max(end, frame.pts * frame.time_base + step)
            return float(end)
    except (av.FFmpegError, ValueError, OSError) as err:
        raise _unreadable(path, err) from err


def video_frame(path: Path, at_s: float) -> np.ndarray:
    """The RGB frame shown at ``at_s`` seconds (the last decodable one before it)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            picked = None
            for frame in container.decode(stream):
                picked = frame
                if frame.time is not None and frame.time >= at_s:
                    break
            if picked is None:
                raise ValueError("no decodable frame")
            return picked.to_ndarray(format="rgb24")
    except (av.FFmpegError, ValueError, OSError, IndexError) as err:
        raise _unreadable(path, err) from err


def write_thumbnail(video: Path, dest: Path, duration_s: float) -> None:
    rgb = video_frame(video, duration_s * THUMB_AT)
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 88])
    if not ok:
        raise RuntimeError("could not encode the thumbnail")
    write_bytes(dest, jpeg.tobytes())


def write_subtitles(text: str, duration_s: float, workdir: Path) -> int:
    """SRT + VTT cues per sentence, spread over the real duration; returns the cue count.

    A short lead-in and tail are left silent, as D-ID's presenters breathe before and
    after speaking.
    """
    lead = min(0.15, duration_s * 0.05)
    words = words_by_length(text, lead, max(lead, duration_s - lead))
    cues = [  # the last cue may linger past the end; never beyond the video
        Cue(c.start, min(c.end, duration_s), c.lines) for c in cues_from_words(words)
    ]
    write_text(workdir / SRT_FILE, to_srt(cues))
    write_text(workdir / VTT_FILE, to_vtt(cues))
    return len(cues)
