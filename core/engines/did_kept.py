"""D-ID talks kept for reuse: a talk is paid once, whatever look it is composed into.

The raw talk (D-ID's face video as downloaded, and where the face is in it) is kept under a
key of what D-ID was asked to make — script, voice, presenter, narration — never of the look
(format, resolution, layout, slides, captions, music…). Changing only the look composes the
kept talk again instead of buying a new one. The video file sits in the cache's folder; the
cache entry names it and expires with it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.cache import Cache, make_key
from core.errors import AppError
from core.files import copy
from core.shared_talks import TALK_TTL_S, SharedTalks

KEPT_VERSION = "1"
KEPT_TTL_S = TALK_TTL_S  # a month: a talk is worth more than the disk it takes
FOLDER = "did-talks"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptTalk:
    talk_id: str
    path: Path
    face_box: tuple[int, int, int, int]  # in the talk video's pixels


def talk_key(parts: dict[str, Any]) -> str:
    """The key of a talk: ``parts`` must name everything D-ID is asked and nothing of the look."""
    return make_key("did-talk", KEPT_VERSION, **parts)


def _name(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _file(cache: Cache, key: str) -> Path:
    return cache.directory / FOLDER / f"{_name(key)}.mp4"


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
    cache: Cache,
    key: str,
    video: Path,
    talk_id: str,
    face_box: tuple[int, ...],
    now: float = 0.0,
    expire_s: float = KEPT_TTL_S,
) -> None:
    """Keep the downloaded talk ``video`` under ``key`` (the file first, then the entry), and
    drop the files of talks whose entries have expired."""
    path = _file(cache, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    _prune(path.parent, now or time.time())
    if Path(video).resolve() != path.resolve():
        copy(video, path)
    cache.set(key, {"talk_id": talk_id, "face_box": list(face_box)}, expire=expire_s)


# What a shared store may raise while it is down, refuses, or holds something unreadable.
STORE_FAILURES = (AppError, OSError, ValueError)
ASK_AGAIN_S = 60.0  # a store that just failed a lookup is not asked again for the same talk


class KeptTalks:
    """Kept talks on this machine, and in the shared store when there is one."""

    def __init__(
        self,
        cache: Cache,
        shared: SharedTalks | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.shared = shared
        self.clock = clock
        self._failed: dict[str, float] = {}  # key → when its lookup failed (one render asks
        # twice: is it paid work, then render; a store that is down costs its retries once)

    def find(self, key: str) -> KeptTalk | None:
        """The talk kept under ``key``: this machine's, else the shared store's (fetched here
        first), else None. A shared store that fails is a miss, logged."""
        kept = find_kept(self.cache, key)
        if kept is not None or self.shared is None:
            return kept
        if self.clock() - self._failed.get(key, -ASK_AGAIN_S) < ASK_AGAIN_S:
            return None
        name, path = _name(key), _file(self.cache, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            talk = self.shared.fetch(name, path)
        except STORE_FAILURES as err:
            self._failed = {k: t for k, t in self._failed.items() if self.clock() - t < ASK_AGAIN_S}
            self._failed[key] = self.clock()
            _log.warning("kept talk %s: the shared store %s could not be read (%s); a new talk "
                         "will be made", name, self.shared.where, _why(err))  # fmt: skip
            return None
        self._failed.pop(key, None)
        if talk is None:
            return None
        left = talk.left_s(self.clock())
        keep(self.cache, key, path, talk.talk_id, talk.face_box, self.clock(), expire_s=left)
        _log.info("kept talk %s (D-ID talk %s) fetched from %s", name, talk.talk_id,
                  self.shared.where)  # fmt: skip
        return find_kept(self.cache, key)

    def keep(self, key: str, video: Path, talk_id: str, face_box: tuple[int, ...]) -> None:
        """Keep the talk here, then share it. The talk is made and kept whatever the store
        does: a failed upload is logged, never raised."""
        keep(self.cache, key, video, talk_id, face_box, self.clock())
        if self.shared is None:
            return
        name = _name(key)
        try:
            self.shared.put(name, _file(self.cache, key), talk_id, face_box)
        except STORE_FAILURES as err:
            _log.warning("kept talk %s (D-ID talk %s) not shared through %s (%s): other "
                         "workers will make their own", name, talk_id, self.shared.where,
                         _why(err))  # fmt: skip


def _why(err: BaseException) -> str:
    """A store failure in words without secrets: typed errors' own (redacted) message, else
    the exception's class only (a library's text may quote a URL with a token)."""
    if isinstance(err, AppError):
        return err.message
    return f"{type(err).__name__}: {err}" if isinstance(err, ValueError) else type(err).__name__


def _prune(folder: Path, now: float) -> None:
    for old in folder.glob("*.mp4"):
        try:
            if now - old.stat().st_mtime > KEPT_TTL_S:
                old.unlink()
        except OSError:
            pass  # another process pruned it first
