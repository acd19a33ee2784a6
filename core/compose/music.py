"""A music bed under the narration: decoded with PyAV, looped or trimmed to the video,
faded in and out, and ducked about 18 dB while the voice speaks (eased, not pumping)."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np

from core.errors import InputError

MAX_MUSIC_BYTES = 40 * 1024 * 1024
MAX_MUSIC_S = 20 * 60
BED_LEVEL = 0.22  # music peak in the gaps (about −13 dBFS): a bed, not a song
DUCK_DB = -18.0
FADE_S = 1.5
ATTACK_S, RELEASE_S = 0.12, 0.45  # the duck closes quickly, opens slowly
HOLD_S = 0.35  # speech gaps shorter than this keep the music down (no pumping)
ACCEPTED = "MP3, WAV, M4A or OGG"


def decode_music(path: Path, sample_rate: int, name: str = "") -> np.ndarray:
    """The file's audio as float32 mono at ``sample_rate``; InputError if it is not audio."""
    name = name or path.name
    if not path.is_file():
        raise InputError("music.missing_file", path=str(path))
    size = path.stat().st_size
    if size > MAX_MUSIC_BYTES:
        raise InputError(
            "music.too_big", name=name, mb=size / 1_048_576, limit_mb=MAX_MUSIC_BYTES // 1_048_576
        )
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise ValueError("no audio stream")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if total > MAX_MUSIC_S * sample_rate:
                    break
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except (av.FFmpegError, ValueError, OSError) as err:
        raise InputError("music.not_audio", name=name) from err
    audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if len(audio) < sample_rate // 2:
        raise InputError("music.too_short", name=name)
    if float(np.max(np.abs(audio))) < 1e-3:
        raise InputError("music.silent", name=name)
    return audio


def check_music(path: Path) -> None:
    decode_music(path, 8000)


def _fit_length(music: np.ndarray, n: int, sample_rate: int) -> np.ndarray:
    """``music`` trimmed to ``n`` samples, or looped with a short crossfade at each seam."""
    if len(music) >= n:
        return music[:n].copy()
    fade = min(len(music) // 4, sample_rate // 4)
    step = len(music) - fade
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
    out = np.zeros(n, np.float32)
    for pos in range(0, n, step):
        piece = music.copy()
        if pos and fade:
            piece[:fade] *= ramp  # fades in while the previous copy fades out
        if fade:
            piece[len(piece) - fade :] *= ramp[::-1]
        piece = piece[: n - pos]
        out[pos : pos + len(piece)] += piece
    return out


def speech_mask(voice: np.ndarray, sample_rate: int) -> np.ndarray:
    """1 where the voice speaks (20 ms frames above the quiet floor), gaps < HOLD_S closed."""
    hop = max(1, sample_rate // 50)
    n = len(voice) // hop + 1
    padded = np.zeros(n * hop, np.float32)
    padded[: len(voice)] = voice
    rms = np.sqrt(np.mean(padded.reshape(n, hop) ** 2, axis=1))
    loud = rms > max(0.01, 0.08 * float(rms.max(initial=0.0)))
    hold = round(HOLD_S * 50)
    on = np.flatnonzero(loud)
    for a, b in itertools.pairwise(on):
        if 1 < b - a <= hold:
            loud[a:b] = True
    return np.repeat(loud.astype(np.float32), hop)[: len(voice)]


def _smooth_gain(target: np.ndarray, sample_rate: int) -> np.ndarray:
    """Ease the gain towards the target: fast down (attack), slow up (release), per 10 ms."""
    step = max(1, sample_rate // 100)
    coarse = target[::step]
    out = np.empty_like(coarse)
    down = 1 - np.exp(-1 / (ATTACK_S * 100))
    up = 1 - np.exp(-1 / (RELEASE_S * 100))
    g = float(coarse[0]) if len(coarse) else 1.0
    for i, t in enumerate(coarse):
        g += (t - g) * (down if t < g else up)
        out[i] = g
    return np.interp(np.arange(len(target)), np.arange(len(coarse)) * step, out).astype(np.float32)


def mix(voice: np.ndarray, music: np.ndarray, sample_rate: int) -> np.ndarray:
    """``voice`` with ``music`` under it: looped/trimmed, faded, ducked, and kept in −1..1."""
    n = len(voice)
    bed = _fit_length(music, n, sample_rate)
    peak = float(np.max(np.abs(bed))) or 1.0
    bed *= BED_LEVEL / peak
    fade = min(int(FADE_S * sample_rate), n // 3)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        bed[:fade] *= ramp
        bed[n - fade :] *= ramp[::-1]
    duck = 10 ** (DUCK_DB / 20)
    target = 1.0 - (1.0 - duck) * speech_mask(voice, sample_rate)
    bed *= _smooth_gain(target, sample_rate)
    out = voice.astype(np.float32) + bed
    peak = float(np.max(np.abs(out), initial=0.0))
    if peak > 0.99:
        out *= 0.99 / peak
    return out
