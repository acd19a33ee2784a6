"""Paid talks shared by every machine through the media store (MEDIA_URL).

A D-ID talk is paid once (core.engines.did_kept keeps it in this machine's cache). With an
object store, the kept talk is also put in the store, so a render of the same talk on
another worker fetches it instead of buying it again. Each talk is a folder of two objects::

    did-talks/<name>/talk.mp4     the raw talk video, as D-ID made it
    did-talks/<name>/talk.json    {"talk_id", "face_box", "created", "bytes"}

``<name>`` is the hash of what D-ID was asked (never of the look). The video is put first
and the small JSON last, so a talk whose JSON can be read is whole; a reader that finds the
video's size different from ``bytes`` treats it as missing. A folder per talk lets the
store's own listing (``folders``: newest time per folder) and ``delete_prefix`` expire it.

Talks are not library videos: the orphan sweep (core.sweep) looks only under ``media/``,
and :func:`expire` removes talks older than :data:`TALK_TTL_S`, the same month a talk is
kept on one machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.storage import MediaStore

PREFIX = "did-talks"
VIDEO, META = "talk.mp4", "talk.json"
TALK_TTL_S = 30 * 24 * 3600  # a month: a talk is worth more than the storage it takes


@dataclass(frozen=True)
class SharedTalk:
    """What the store says about a talk (its video is where :meth:`SharedTalks.fetch` put it)."""

    talk_id: str
    face_box: tuple[int, int, int, int]
    created: float  # seconds since the epoch when it was first kept

    def left_s(self, now: float) -> float:
        """Seconds this talk may still be reused (≤ 0: expired)."""
        return self.created + TALK_TTL_S - now


def talk_folder(name: str) -> str:
    return f"{PREFIX}/{name}"


class SharedTalks:
    """Kept talks in a shared store. Store failures are raised (typed, from the store): the
    caller decides that a lookup or an upload that failed must not fail a render."""

    def __init__(self, store: MediaStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    @property
    def where(self) -> str:
        return self.store.description  # a MEDIA_URL never holds credentials (core.media_url)

    def put(self, name: str, video: Path, talk_id: str, face_box: tuple[int, ...]) -> bool:
        """Share the talk ``video`` under ``name``; False when it was shared already."""
        folder = talk_folder(name)
        if self.store.exists(f"{folder}/{META}"):  # another worker shared the same talk
            return False
        meta = {
            "talk_id": talk_id,
            "face_box": [int(v) for v in face_box],
            "created": self.clock(),
            "bytes": video.stat().st_size,
        }
        self.store.put_file(video, f"{folder}/{VIDEO}")  # the video first: JSON means whole
        self.store.put_bytes(f"{folder}/{META}", json.dumps(meta).encode())
        return True

    def fetch(self, name: str, dest: Path) -> SharedTalk | None:
        """The talk shared under ``name`` with its video copied to ``dest`` (atomically), or
        None when there is none, it has expired, or it is not whole."""
        folder = talk_folder(name)
        try:
            meta = _parse(json.loads(self.store.read_bytes(f"{folder}/{META}")))
        except FileNotFoundError:
            return None
        if meta is None:
            raise ValueError(f"{folder}/{META} is not a talk's description")
        talk, size = meta
        if talk.left_s(self.clock()) <= 0:
            return None  # the sweeper removes it
        try:
            self.store.get_file(f"{folder}/{VIDEO}", dest)
        except FileNotFoundError:  # expired and removed between the two reads
            return None
        got = dest.stat().st_size
        if got != size:
            dest.unlink(missing_ok=True)
            raise ValueError(f"{folder}/{VIDEO} has {got} bytes, not {size}")
        return talk

    def expire(self, now: float | None = None) -> list[str]:
        """Remove talks first kept more than :data:`TALK_TTL_S` ago; their names."""
        now = self.clock() if now is None else now
        old = [e.name for e in self.store.folders(PREFIX) if now - e.modified > TALK_TTL_S]
        for name in old:
            self.store.delete_prefix(talk_folder(name))
        return sorted(old)


def _parse(data: Any) -> tuple[SharedTalk, int] | None:
    """A talk's JSON as (SharedTalk, video bytes), or None when it is not one."""
    if not isinstance(data, dict):
        return None
    talk_id, box, created, size = (data.get(k) for k in ("talk_id", "face_box", "created", "bytes"))
    if not isinstance(talk_id, str) or not isinstance(box, list) or len(box) != 4:
        return None
    if not all(isinstance(v, int) for v in box) or not isinstance(created, int | float):
        return None
    if not isinstance(size, int) or size <= 0:
        return None
    return SharedTalk(talk_id, (box[0], box[1], box[2], box[3]), float(created)), size
