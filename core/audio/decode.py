"""Any audio file (WAV, MP3, M4A/AAC, OGG/Opus, WEBM, FLAC) → float32 mono samples, via PyAV.

PyAV's wheels carry FFmpeg's decoders, so nothing is installed on the machine. The
resampler converts to mono float at the rate asked for; decoding stops (and says so)
as soon as the audio is longer than allowed, so a three-hour file costs nothing.
"""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np

from core.errors import InputError
from core.messages import Msg, msg

MAX_SECONDS = 600.0  # 10 minutes: longer narration is refused
SILENCE_DBFS = -50.0  # audio whose loudest 50 ms stays below this is "silent"
AUDIO_EXTENSIONS = ("wav", "mp3", "m4a", "aac", "ogg", "oga", "opus", "webm", "flac", "mp4")


def decode_audio(
    source: Path | bytes,
    sample_rate: int,
    *,
    max_seconds: float = MAX_SECONDS,
    name: str | Msg = "",
) -> np.ndarray:
    """Mono float32 samples in -1..1 at ``sample_rate``.

    Raises ``InputError`` for a file that is not audio (or has no audio stream), that is
    longer than ``max_seconds``, or that is silent. ``name`` is how the file is called in
    messages (defaults to the path's name).
    """
    label: str | Msg = name or (source.name if isinstance(source, Path) else "")
    label = label or msg("audio.the_recording")
    if isinstance(source, Path) and not source.is_file():
        raise InputError("audio.not_found", name=label)
    handle = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    chunks: list[np.ndarray] = []
    total = 0
    limit = int(max_seconds * sample_rate)
    try:
        with av.open(handle, mode="r") as container:
            if not container.streams.audio:
                raise InputError("audio.no_track", name=label)
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1).copy())
                    total += chunks[-1].size
                if total > limit:
                    raise InputError("audio.too_long", name=label, minutes=max_seconds / 60)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1).copy())
    except InputError:
        raise
    except (av.FFmpegError, ValueError, OSError) as err:
        raise InputError("audio.unreadable", name=label, reason=type(err).__name__) from None
    audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if audio.size < sample_rate * 0.2:
        raise InputError("audio.empty", name=label)
    if audio.size > limit:
        raise InputError("audio.too_long", name=label, minutes=max_seconds / 60)
    np.clip(audio, -1.0, 1.0, out=audio)
    if loudest_dbfs(audio, sample_rate) < SILENCE_DBFS:
        raise InputError("audio.silent", name=label)
    return audio


def loudest_dbfs(audio: np.ndarray, sample_rate: int, window_s: float = 0.05) -> float:
    """RMS level of the loudest ``window_s`` stretch, in dB below full scale."""
    hop = max(1, int(window_s * sample_rate))
    n = len(audio) // hop
    if n == 0:
        return -120.0
    frames = audio[: n * hop].astype(np.float64).reshape(n, hop)
    rms = float(np.sqrt((frames**2).mean(axis=1)).max())
    return 20.0 * np.log10(max(rms, 1e-6))
