"""The user's videos: the history (videos and unfinished or failed jobs), a video's files,
delete, and "use again". Another user's video is never listed, opened or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import history
from core.choices import Choices, choices_from_video
from core.errors import NotFound
from core.history import HistoryItem
from core.library import VideoRecord
from core.models import SRT_FILE, THUMB_FILE, VIDEO_FILE
from core.usecases.context import Context
from core.usecases.preferences import Preferences


@dataclass(frozen=True)
class Reuse:
    """What "use again" gives back: the choices the video was made with (now the current
    ones), its script and title, and its look (slides, music, title card) as stored."""

    choices: Choices
    script: str
    title: str = ""
    look: dict[str, Any] | None = None


def is_link(source: str) -> bool:
    """Whether a media source (``Videos.source``) is a signed URL rather than a local file."""
    return source.startswith(("https://", "http://"))


class Videos:
    def __init__(self, ctx: Context, preferences: Preferences) -> None:
        self.ctx = ctx
        self.preferences = preferences

    def history(
        self,
        user: str,
        search: str = "",
        engine: str | None = None,
        status: str | None = None,
    ) -> list[HistoryItem]:
        """The user's videos and jobs, newest first, filtered by text, engine and status."""
        library, runner = self.ctx.services.library, self.ctx.runner
        return history.history(library, runner, user, search, engine, status)

    def open(self, user: str, video_id: str) -> VideoRecord:
        """The video with all its files (NotFound: not the user's, or its files are gone)."""
        record = self.ctx.own_video(user, video_id)
        if not record.complete():
            raise NotFound("library.video_files_missing")
        return record

    def source(self, user: str, record: VideoRecord, name: str) -> str:
        """Where the browser gets one of the video's files (``video.mp4``, ``subtitles.vtt``,
        ``thumbnail.jpg``…): a short-lived signed URL of the object store, or a path on this
        machine for the app to serve (local files, or a store that cannot sign).
        NotFound when the video is not the user's or the file is gone."""
        found = self.ctx.services.library.source(self._own(user, record), name)
        if found is None:
            raise NotFound("library.video_files_missing")
        return found

    def result(self, user: str, record: VideoRecord) -> dict[str, Any]:
        """The video as the command line prints it (``Video.to_json``), its files named
        where they are kept: paths here, or the object store's URLs with MEDIA_URL."""
        library = self.ctx.services.library
        data = self._own(user, record).to_video().to_json()
        for key, name in (("video", VIDEO_FILE), ("subtitles", SRT_FILE),
                          ("thumbnail", THUMB_FILE)):  # fmt: skip
            if data.get(key) is not None:  # no subtitles stays None
                data[key] = library.location(record, name)
        return data

    def read(self, user: str, record: VideoRecord, name: str) -> bytes:
        """One of the video's files as bytes (downloads, subtitles for the player)."""
        try:
            return self.ctx.services.library.read(self._own(user, record), name)
        except FileNotFoundError:
            raise NotFound("library.video_files_missing") from None

    def _own(self, user: str, record: VideoRecord) -> VideoRecord:
        if record.user != user:
            raise NotFound("library.video_not_found")
        return record

    def delete(self, user: str, video_id: str) -> None:
        """Delete the video and its files."""
        self.ctx.services.library.delete_video(self.ctx.own_video(user, video_id).id)

    def use_again(self, user: str, video_id: str) -> Reuse:
        """Make the video's engine, language, voice, presenter, rate and look the current
        choices."""
        record = self.ctx.own_video(user, video_id)
        current = self.preferences.load(user)
        look = record.settings.get("look")
        made_with = choices_from_video(
            current, record.engine, record.language, record.voice, record.avatar,
            record.settings.get("rate"),
        ).with_look(look)  # fmt: skip
        return Reuse(
            choices=self.preferences.save(user, made_with), script=record.script,
            title=record.title, look=look,
        )  # fmt: skip
