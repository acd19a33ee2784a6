"""The History gallery: finished videos from the library and jobs still queued, running,
failed or cancelled, as one list of plain items, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import message_text
from core.jobs import JobRunner
from core.jobstore import CANCELLED, DONE, FAILED, QUEUED, RUNNING, STATUSES, Job
from core.library import Library, VideoRecord
from core.models import THUMB_FILE, short_title

__all__ = ["STATUSES", "HistoryItem", "history"]


@dataclass(frozen=True)
class HistoryItem:
    kind: str  # "video" | "job"
    id: str  # the video id or the job id
    title: str
    created_at: float
    engine: str
    voice: str
    duration_s: float | None
    status: str
    error: str = ""  # why a job failed, in English
    stage: str = ""
    fraction: float = 0.0
    thumbnail: str | None = None  # a signed URL or a path on this machine
    script: str = ""
    error_data: dict[str, Any] | None = None  # the same as id + parameters (any language)
    format: str = ""  # a video's shape: "16:9", "9:16", "1:1"
    width: int = 0
    height: int = 0
    voice_id: str = ""
    language: str = ""
    avatar: str = ""  # the presenter's id (a built-in's or a photo's)
    avatar_name: str = ""

    def error_text(self, lang: str = "en") -> str:
        return message_text(self.error_data, lang, self.error)


def _from_video(library: Library, v: VideoRecord) -> HistoryItem:
    return HistoryItem(
        kind="video",
        id=v.id,
        title=v.title or short_title(v.script),
        created_at=v.created_at,
        engine=v.engine,
        voice=str(v.settings.get("voice_name") or v.voice),
        duration_s=v.duration_s,
        status=DONE,
        thumbnail=library.source(v, THUMB_FILE),  # a signed URL, or a file here
        script=v.script,
        format=str(v.settings.get("format") or "1:1"),
        width=int(v.settings.get("width") or v.size),
        height=int(v.settings.get("height") or v.size),
        voice_id=v.voice,
        language=v.language,
        avatar=v.avatar,
        avatar_name=str(v.settings.get("avatar_name") or ""),
    )


def _from_job(j: Job) -> HistoryItem:
    return HistoryItem(
        kind="job",
        id=j.id,
        title=j.title or short_title(j.request.text),
        created_at=j.created_at,
        engine=j.engine,
        voice=j.request.voice_id or "",
        duration_s=None,
        status=j.status,
        error=j.error,
        error_data=j.error_data,
        stage=j.stage,
        fraction=j.fraction,
        script=j.request.text,
        voice_id=j.request.voice_id or "",
        language=j.request.language,
        avatar=j.request.avatar or "",
    )


def history(
    library: Library,
    runner: JobRunner,
    user: str = "",
    search: str = "",
    engine: str | None = None,
    status: str | None = None,
) -> list[HistoryItem]:
    items: list[HistoryItem] = []
    if status in (None, DONE):
        items += [_from_video(library, v) for v in library.list_videos(user, search, engine)]
    if status != DONE:
        wanted = (status,) if status else (QUEUED, RUNNING, FAILED, CANCELLED)
        needle = search.strip().casefold()
        for job in runner.jobs(user, wanted, engine):
            item = _from_job(job)
            fields = (item.title, item.script, item.voice_id, item.avatar)
            if not needle or any(needle in f.casefold() for f in fields):
                items.append(item)
    return sorted(items, key=lambda i: i.created_at, reverse=True)
