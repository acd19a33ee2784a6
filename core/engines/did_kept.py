"""D-ID talks kept for reuse: a talk is paid once, whatever look it is composed into.

The raw talk (D-ID's face video as downloaded, and where the face is in it) is kept under a
key of what D-ID was asked to make — script, voice, presenter, narration — never of the look
(format, resolution, layout, slides, captions, music…). Changing only the look composes the
kept talk again instead of buying a new one. The video file sits in the cache's folder; the
cache entry names it and expires with it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.cache import Cache, make_key
from core.files import copy

KEPT_VERSION = "1"
KEPT_TTL_S = 30 * 24 * 3600  # a month: a talk is worth more than the disk it takes
FOLDER = "did-talks"


@dataclass(frozen=True)
class KeptTalk:
    talk_id: str
    path: Path
    face_box: tuple[int, int, int, int]  # in the talk video's pixels


def talk_key(parts: dict[str, Any]) -> str:
    """The key of a talk: ``parts`` must name everything D-ID is asked and nothing of the look."""
    return make_key("did-talk", KEPT_VERSION, **parts)


def _file(cache: Cache, key: str) -> Path:
    name = hashlib.sha256(key.encode()).hexdigest()[:32]
    return cache.directory / FOLDER / f"{name}.mp4"


def find_kept(cache: Cache, key: str) -> KeptTalk | None:
    """The talk kept under ``key``, or None (never kept, expired, or its file is gone)."""
    entry = cache.get(key)
    if not isinstance(entry, dict):
        return None
    path = _file(cache, key)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    box = entry.get("face_box") or (0, 0, 0, 0)
    return KeptTalk(str(entry.get("talk_id", "")), path, tuple(int(v) for v in box))  # type: ignore[arg-type]


def keep(
    cache: Cache, key: str, video: Path, talk_id: str, face_box: tuple[int, ...], now: float = 0.0
) -> None:
    """Keep the downloaded talk ``video`` under ``key`` (the file first, then the entry), and
    drop the files of talks whose entries have expired."""
    path = _file(cache, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    _prune(path.parent, now or time.time())
    copy(video, path)
    cache.set(key, {"talk_id": talk_id, "face_box": list(face_box)}, expire=KEPT_TTL_S)


def _prune(folder: Path, now: float) -> None:
    for old in folder.glob("*.mp4"):
        try:
            if now - old.stat().st_mtime > KEPT_TTL_S:
                old.unlink()
        except OSError:
            pass  # another process pruned it first
