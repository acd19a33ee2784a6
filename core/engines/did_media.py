"""Media around a D-ID talk: the JPEG we upload, and the Clip we make of the MP4 it returns.

D-ID returns a bare MP4 (no subtitles, a ``duration`` that is rounded), so word timings are
spread over the downloaded file's real duration, decoded with PyAV; the composer lays the
talk out and writes the subtitles and thumbnail like for any engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from core.compose.encode import FPS
from core.engines.base import Clip
from core.engines.did_http import PROVIDER
from core.errors import ProviderError
from core.subtitles import words_by_length

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # D-ID's limit for POST /images
MAX_UPLOAD_SIDE = 1920
SILENT_RATE = 22050


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


def video_size(path: Path) -> tuple[int, int]:
    """(width, height) of the video in ``path``."""
    try:
        with av.open(str(path)) as container:
            ctx = container.streams.video[0].codec_context
            return ctx.width, ctx.height
    except (av.FFmpegError, ValueError, OSError, IndexError) as err:
        raise _unreadable(path, err) from err


def _decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """The talk's speech as float32 mono (silence at 22.05 kHz when it has no audio)."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return np.zeros(0, np.float32), SILENT_RATE
        rate = container.streams.audio[0].rate or SILENT_RATE
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return audio.astype(np.float32), rate


def clip_from_mp4(path: Path, text: str) -> Clip:
    """The downloaded talk as a Clip: frames decoded on demand, speech decoded now, and
    word timings spread over the real duration (D-ID gives none)."""
    duration = video_duration(path)
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            still = next(container.decode(stream)).to_ndarray(format="rgb24")
        audio, rate = _decode_audio(path)
    except (av.FFmpegError, ValueError, OSError, IndexError, StopIteration) as err:
        raise _unreadable(path, err) from err
    n_frames = max(1, round(duration * FPS))

    def frames() -> Iterator[np.ndarray]:
        """Exactly ``n_frames`` RGB frames at FPS (the last one repeated if the file is short)."""
        last, count = still, 0
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                when = frame.time if frame.time is not None else count / FPS
                while count < n_frames and count / FPS < when - 0.5 / FPS:
                    yield last  # every slot before this frame shows the one before it
                    count += 1
                if count >= n_frames:
                    return
                last = frame.to_ndarray(format="rgb24")
        while count < n_frames:
            yield last
            count += 1

    lead = min(0.15, duration * 0.05)
    words = words_by_length(text, lead, max(lead, duration - lead))
    return Clip(
        fps=FPS,
        n_frames=n_frames,
        width=width,
        height=height,
        audio=audio,
        sample_rate=rate,
        words=words,
        frames=frames,
        has_alpha=False,
        still=still,
        progress_done=0.9,
    )
