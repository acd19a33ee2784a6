"""The person's own narration: checking a file before any work, and keeping an upload.

An uploaded or recorded narration is stored by content under ``<data>/narration/`` (the
same recording twice is one file), so a queued job can read it after the page has moved
on, and the render's cache key is the hash of its bytes, never its name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.audio.decode import AUDIO_EXTENSIONS, MAX_SECONDS, decode_audio
from core.errors import InputError
from core.files import write_bytes

NARRATION_DIR = "narration"
NARRATION_RATE = 22050  # the offline engine's rate (checked against it by its tests)


@dataclass(frozen=True)
class Narration:
    path: Path
    digest: str  # sha256 of the file's bytes
    duration_s: float


def _size_error(label: str, size: int, max_mb: float) -> InputError:
    return InputError("audio.too_big", name=label, mb=size / 1e6, limit_mb=max_mb)


def check_narration(path: str | Path, max_mb: float, sample_rate: int) -> Narration:
    """Validate a narration file before any slow work: it exists, fits the size cap, decodes,
    is at most 10 minutes long and is not silent. Raises ``InputError`` saying what to fix."""
    file = Path(path).expanduser()
    label = file.name or str(path)
    if not file.is_file():
        raise InputError("audio.not_found", name=str(path))
    size = file.stat().st_size
    if size > max_mb * 1e6:
        raise _size_error(label, size, max_mb)
    data = file.read_bytes()
    audio = decode_audio(data, sample_rate, max_seconds=MAX_SECONDS, name=label)
    return Narration(file, hashlib.sha256(data).hexdigest(), len(audio) / sample_rate)


def store_narration(data_dir: Path, data: bytes, name: str, max_mb: float) -> Path:
    """Keep an uploaded/recorded narration under the data folder; returns its path.

    Refuses (``InputError``) a file over ``max_mb`` or with an extension that is not audio;
    whether it decodes is checked when the render is planned.
    """
    suffix = Path(name).suffix.lower().lstrip(".") or "wav"
    if suffix not in AUDIO_EXTENSIONS:
        raise InputError("audio.not_audio", name=name)
    if len(data) > max_mb * 1e6:
        raise _size_error(name, len(data), max_mb)
    digest = hashlib.sha256(data).hexdigest()
    final = Path(data_dir) / NARRATION_DIR / f"{digest[:32]}.{suffix}"
    if not final.is_file():
        write_bytes(final, data)
    return final


def load_narration(path: Path, sample_rate: int) -> np.ndarray:
    """The samples of a narration that ``check_narration`` accepted."""
    return decode_audio(Path(path), sample_rate, max_seconds=MAX_SECONDS)
