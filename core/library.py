"""The library: records of videos and photos (core.db: SQLite, or PostgreSQL with
DATABASE_URL); their files in the media store
(core.storage: APP_DATA_DIR/media/<id>/, or ``<bucket>/<prefix>/media/<id>/`` with MEDIA_URL).

A video is rendered completely in a local staging folder first. Local store: the folder is
renamed into place, then its row is inserted. Object store: every file is uploaded under
``media/<id>/`` first, then the row is inserted; a crash between the two leaves objects with
no record, which ``core.sweep`` removes once they are older than MEDIA_ORPHAN_MINUTES. Either
way the library never lists a half-written video. Deleting a video removes its files too.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import RowMapping

from core import db
from core.cache import digest_bytes
from core.errors import InputError
from core.files import write_bytes
from core.kept_files import MEDIA, PHOTOS, KeptFiles
from core.models import SRT_FILE, THUMB_FILE, VIDEO_FILE, VTT_FILE, Avatar, Video
from core.storage import LocalStore, MediaStore

VIDEO_FILES = (VIDEO_FILE, SRT_FILE, VTT_FILE, THUMB_FILE)


def video_key(video_id: str, name: str = "") -> str:
    """A video's folder (or one of its files) in the media store."""
    return f"{MEDIA}/{video_id}/{name}" if name else f"{MEDIA}/{video_id}"


def _owner_alive(staging_name: str) -> bool:
    """Whether the process that made ``.staging-<pid>-<id>`` still runs (older names: no)."""
    pid = staging_name.removeprefix(".staging-").partition("-")[0]
    if not pid.isdigit() or "-" not in staging_name.removeprefix(".staging-"):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def photo_id_for(user: str, sha: str) -> str:
    """A photo's id: its content hash, made the user's own (the shared workspace, user "",
    keeps the plain content hash its photos always had)."""
    if not user:
        return "photo-" + sha[:12]
    return "photo-" + digest_bytes(f"{user}\n{sha}".encode())[:12]


@dataclass
class VideoRecord:
    id: str
    script: str
    language: str
    engine: str
    voice: str
    avatar: str
    size: int
    duration_s: float
    title: str = ""
    user: str = ""
    created_at: float = 0.0
    cache_key: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    folder: Path = Path()  # local store: the files; object store: this machine's copies
    media: MediaStore | None = field(default=None, repr=False, compare=False)

    @property
    def video_path(self) -> Path:
        return self.folder / VIDEO_FILE

    @property
    def captions_burned(self) -> bool:
        """The captions are drawn in the picture (a player's subtitle track would show them
        a second time)."""
        look = self.settings.get("look")
        return isinstance(look, dict) and look.get("captions") == "burn"

    @property
    def srt_path(self) -> Path:
        return self.folder / SRT_FILE

    @property
    def vtt_path(self) -> Path:
        return self.folder / VTT_FILE

    @property
    def thumbnail_path(self) -> Path:
        return self.folder / THUMB_FILE

    def complete(self) -> bool:
        """All four files are stored (in the media store: the store is the truth)."""
        if self.media is not None and not self.media.is_local:
            return set(VIDEO_FILES) <= self.media.names(video_key(self.id))
        return all(
            p.is_file()
            for p in (self.video_path, self.srt_path, self.vtt_path, self.thumbnail_path)
        )

    def to_video(self, cached: bool = False, render_s: float = 0.0) -> Video:
        return Video(
            video=self.video_path,
            subtitles=self.srt_path,
            vtt=self.vtt_path,
            thumbnail=self.thumbnail_path,
            duration_s=self.duration_s,
            engine=self.engine,
            voice=self.voice,
            avatar=self.avatar,
            cached=cached,
            render_s=render_s,
            id=self.id,
            has_subtitles=self.settings.get("subtitles", True) is not False,
            note=str(self.settings.get("note", "")),
            width=int(self.settings.get("width") or self.size),
            height=int(self.settings.get("height") or self.size),
            format=str(self.settings.get("format") or "1:1"),
            layout=str(self.settings.get("layout") or "full"),
            scenes=int(self.settings.get("scenes") or 1),
        )


class Library:
    """``db`` is the application's database (core.db.Database): every record lives there,
    in SQLite under ``data_dir`` or in PostgreSQL when ``database_url`` is given."""

    def __init__(
        self, data_dir: Path, database_url: str | None = None, *, media: MediaStore | None = None
    ) -> None:
        self.data_dir = Path(data_dir)
        with contextlib.suppress(OSError):  # as with SQLite's file, even when PostgreSQL holds
            self.data_dir.mkdir(parents=True, exist_ok=True)  # the records (cache, copies)
        self.db = db.Database.for_data_dir(self.data_dir, database_url)
        self.media_dir = self.data_dir / MEDIA
        self.photos_dir = self.data_dir / PHOTOS
        self.media: MediaStore = media if media is not None else LocalStore(self.data_dir)
        # with an object store: this machine's own copies of videos (a cache, never the truth)
        self.copies_dir = self.data_dir / "media-copies"
        self.kept = KeptFiles(self.data_dir, self.media)  # uploads, narrations, photos

    # -- videos -----------------------------------------------------------------------------
    def staging_dir(self) -> Path:
        """A fresh folder beside the media folders, to render into before ``add_video``."""
        path = self.media_dir / f".staging-{os.getpid()}-{new_id()}"  # pid: see clean_staging
        path.mkdir(parents=True)
        return path

    def add_video(self, staging: Path, record: VideoRecord) -> VideoRecord:
        """Move a complete staging folder into place and record it (atomically)."""
        record.id = record.id or new_id()
        record.created_at = record.created_at or time.time()
        if not self.media.is_local:
            self._upload(staging, record.id)  # every file stored before the row exists
        final = self._folder(record.id)
        try:
            if not self.media.is_local:  # a stale copy here: the store is the truth
                shutil.rmtree(final, ignore_errors=True)
            final.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(final)
        except BaseException:
            self._forget_files(record.id)
            raise
        record.folder, record.media = final, self.media
        try:
            self.db.execute(
                "INSERT INTO videos (id, owner, created_at, title, script, language, engine,"
                " voice, avatar, size, duration_s, cache_key, settings_json) VALUES (:id, :owner,"
                " :created_at, :title, :script, :language, :engine, :voice, :avatar, :size,"
                " :duration_s, :cache_key, :settings_json)",
                {
                    "id": record.id, "owner": record.user, "created_at": record.created_at,
                    "title": record.title, "script": record.script, "language": record.language,
                    "engine": record.engine, "voice": record.voice, "avatar": record.avatar,
                    "size": record.size, "duration_s": record.duration_s,
                    "cache_key": record.cache_key, "settings_json": json.dumps(record.settings),
                },
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(final, ignore_errors=True)
            self._forget_files(record.id)
            raise
        return record

    def _folder(self, video_id: str) -> Path:
        """Where a video's files are on this machine (object store: copies, maybe absent)."""
        return (self.media_dir if self.media.is_local else self.copies_dir) / video_id

    def _upload(self, staging: Path, video_id: str) -> None:
        """Put every file of ``staging`` under ``media/<id>/``; on failure remove what was put
        (a crash instead leaves objects with no record: the sweeper's work)."""
        if self.media.names(video_key(video_id)):  # never overwrite another video's files
            raise FileExistsError(f"media/{video_id} is taken")
        try:
            for path in sorted(staging.iterdir()):
                if path.is_file():
                    self.media.put_file(path, video_key(video_id, path.name))
        except BaseException:
            self._forget_files(video_id)
            raise

    def _forget_files(self, video_id: str) -> None:
        if not self.media.is_local:
            with contextlib.suppress(Exception):  # the sweeper removes them otherwise
                self.media.delete_prefix(video_key(video_id))

    def local_copy(self, record: VideoRecord, names: tuple[str, ...] = VIDEO_FILES) -> VideoRecord:
        """``record`` with its files on this machine (object store: downloaded once into this
        machine's copies; the local store: as it is). FileNotFoundError when one is gone."""
        if self.media.is_local:
            return record
        for name in names:
            path = record.folder / name
            if not path.is_file():
                self.media.get_file(video_key(record.id, name), path)
        return record

    def video_url(self, record: VideoRecord, name: str) -> str | None:
        """A short-lived signed URL of one of the video's files, or None (local files, or a
        store that cannot sign: then the app serves ``local_copy``'s file)."""
        return None if self.media.is_local else self.media.sign(video_key(record.id, name))

    def source(self, record: VideoRecord, name: str) -> str | None:
        """Where a reader gets one of the video's files: a signed URL, else its path on this
        machine (fetched from the object store when needed); None when it is gone."""
        url = self.video_url(record, name)
        if url:
            return url
        path = record.folder / name
        if not path.is_file() and not self.media.is_local:
            with contextlib.suppress(FileNotFoundError):
                self.local_copy(record, (name,))
        return str(path) if path.is_file() else None

    def location(self, record: VideoRecord, name: str) -> str:
        """Where one of the video's files is kept, to print: its path, or its object's URL
        (``s3://bucket/prefix/media/<id>/video.mp4``)."""
        if self.media.is_local:
            return str(record.folder / name)
        return f"{self.media.description}/{video_key(record.id, name)}"

    def read(self, record: VideoRecord, name: str) -> bytes:
        """One of the video's files, as bytes (FileNotFoundError when it is gone)."""
        path = record.folder / name
        if self.media.is_local or path.is_file():
            return path.read_bytes()
        return self.media.read_bytes(video_key(record.id, name))

    def video_ids(self) -> set[str]:
        """Every recorded video's id (the sweeper compares them with the stored folders)."""
        return {r["id"] for r in self.db.all("SELECT id FROM videos")}

    def _record(self, row: RowMapping) -> VideoRecord:
        return VideoRecord(
            id=row["id"],
            user=row["owner"],
            created_at=row["created_at"],
            title=row["title"],
            script=row["script"],
            language=row["language"],
            engine=row["engine"],
            voice=row["voice"],
            avatar=row["avatar"],
            size=row["size"],
            duration_s=row["duration_s"],
            cache_key=row["cache_key"],
            settings=json.loads(row["settings_json"] or "{}"),
            folder=self._folder(row["id"]),
            media=self.media,
        )

    def get_video(self, video_id: str) -> VideoRecord | None:
        row = self.db.one("SELECT * FROM videos WHERE id = :id", {"id": video_id})
        return self._record(row) if row else None

    def list_videos(
        self,
        user: str = "",
        search: str = "",
        engine: str | None = None,
        limit: int = 200,
    ) -> list[VideoRecord]:
        sql = "SELECT * FROM videos WHERE owner = :owner"
        args: dict[str, Any] = {"owner": user, "limit": limit}
        if search.strip():  # the title, the script, or the voice's or presenter's name or id
            columns = ("title", "script", "voice", "avatar", *self._settings_text())
            # lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not
            sql += " AND (" + " OR ".join(
                f"lower({c}) LIKE lower(:needle) ESCAPE '\\'" for c in columns
            ) + ")"  # fmt: skip
            args["needle"] = (
                "%"
                + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
        if engine:
            sql += " AND engine = :engine"
            args["engine"] = engine
        sql += " ORDER BY created_at DESC LIMIT :limit"
        return [self._record(r) for r in self.db.all(sql, args)]

    def _settings_text(self) -> tuple[str, str]:
        """The voice's and presenter's names inside ``settings_json``, as SQL expressions."""
        if self.db.dialect == "postgresql":
            return (
                "(settings_json::jsonb ->> 'voice_name')",
                "(settings_json::jsonb ->> 'avatar_name')",
            )
        return (
            "json_extract(settings_json, '$.voice_name')",
            "json_extract(settings_json, '$.avatar_name')",
        )

    def delete_video(self, video_id: str) -> bool:
        deleted = self.db.execute("DELETE FROM videos WHERE id = :id", {"id": video_id})
        # the row first: a crash in between leaves files without a record (swept), never
        # a record without files
        if not self.media.is_local:
            self.media.delete_prefix(video_key(video_id))
        shutil.rmtree(self._folder(video_id), ignore_errors=True)
        return deleted > 0

    def save_upload(self, data: bytes, name: str, user: str = "") -> Path:
        """Keep an uploaded file (slides, music, a background) by its content; its path.

        The same bytes are kept once per user; the name keeps only a safe suffix.
        """
        digest = digest_bytes(data)
        suffix = "".join(c for c in Path(name).suffix.lower() if c.isalnum() or c == ".")[:8]
        folder = self.media_dir / "uploads" / digest_bytes(user.encode())[:16]
        path = folder / f"{digest[:32]}{suffix}"
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            write_bytes(path, data)
        self.kept.share(path)
        return path

    def clean_staging(self) -> None:
        """Remove staging folders left by a crash (called at start-up): those of processes
        that are gone. A live worker's render beside this one (same machine) is left alone."""
        if self.media_dir.is_dir():
            for path in self.media_dir.glob(".staging-*"):
                if not _owner_alive(path.name):
                    shutil.rmtree(path, ignore_errors=True)

    # -- photos -----------------------------------------------------------------------------
    def add_photo(self, data: bytes, name: str, user: str = "", suffix: str = ".jpg") -> Avatar:
        """Store an (already validated) photo; the same bytes twice give the same avatar.

        A photo belongs to its user: two users uploading the same picture get two photos
        (their own id and file), so deleting one never touches the other.
        """
        sha = digest_bytes(data)
        found = self._photo_by_sha(user, sha)
        if found is not None:
            return found
        photo_id = photo_id_for(user, sha)
        file = f"{photo_id}{suffix}"
        write_bytes(self.photos_dir / file, data)
        self.kept.share(self.photos_dir / file)
        self.db.execute(
            "INSERT INTO photos (id, owner, name, sha256, file, created_at)"
            " VALUES (:id, :owner, :name, :sha, :file, :now)"
            " ON CONFLICT DO NOTHING",  # the same upload from two tabs at once: one row
            {"id": photo_id, "owner": user, "name": name[:80] or "Photo", "sha": sha,
             "file": file, "now": time.time()},
        )  # fmt: skip
        stored = self._photo_by_sha(user, sha)
        if stored is None:  # pragma: no cover — only if the id clashed with another user's
            raise InputError("library.photo_not_stored")
        return stored

    def _photo_by_sha(self, user: str, sha: str) -> Avatar | None:
        row = self.db.one(
            "SELECT * FROM photos WHERE owner = :owner AND sha256 = :sha",
            {"owner": user, "sha": sha},
        )
        return self._photo(row) if row else None

    def _photo(self, row: RowMapping) -> Avatar:
        path = Path(self.kept.localize(str(self.photos_dir / row["file"])))  # object store: fetched
        return Avatar(id=row["id"], name=row["name"], kind="photo", path=path)

    def list_photos(self, user: str = "") -> list[Avatar]:
        rows = self.db.all(
            "SELECT * FROM photos WHERE owner = :owner ORDER BY created_at", {"owner": user}
        )
        return [self._photo(r) for r in rows]

    def get_photo(self, photo_id: str, user: str = "") -> Avatar | None:
        row = self.db.one(
            "SELECT * FROM photos WHERE id = :id AND owner = :owner",
            {"id": photo_id, "owner": user},
        )
        return self._photo(row) if row else None

    def delete_photo(self, photo_id: str, user: str = "") -> bool:
        photo = self.get_photo(photo_id, user)
        if photo is None:
            return False
        self.db.execute(
            "DELETE FROM photos WHERE id = :id AND owner = :owner", {"id": photo_id, "owner": user}
        )
        if photo.path is not None:
            if not self.media.is_local:
                self.media.delete(f"{PHOTOS}/{photo.path.name}")
            photo.path.unlink(missing_ok=True)
            photo.path.with_name(photo.path.stem + ".face.json").unlink(missing_ok=True)
        return True

    # -- presets and preferences ------------------------------------------------------------
    def save_preset(self, name: str, data: dict[str, Any], user: str = "") -> None:
        name = name.strip()
        if not name:
            raise InputError("preset.no_name")
        self.db.execute(
            "INSERT INTO presets (owner, name, data_json, created_at)"
            " VALUES (:owner, :name, :data, :now)"
            " ON CONFLICT (owner, name) DO UPDATE SET data_json = excluded.data_json",
            {"owner": user, "name": name[:60], "data": json.dumps(data), "now": time.time()},
        )

    def presets(self, user: str = "") -> dict[str, dict[str, Any]]:
        rows = self.db.all(
            "SELECT name, data_json FROM presets WHERE owner = :owner ORDER BY name",
            {"owner": user},
        )
        return {r["name"]: json.loads(r["data_json"]) for r in rows}

    def delete_preset(self, name: str, user: str = "") -> None:
        self.db.execute(
            "DELETE FROM presets WHERE owner = :owner AND name = :name",
            {"owner": user, "name": name},
        )

    def get_pref(self, key: str, default: Any = None, user: str = "") -> Any:
        row = self.db.one(
            "SELECT value_json FROM prefs WHERE owner = :owner AND key = :key",
            {"owner": user, "key": key},
        )
        return json.loads(row["value_json"]) if row else default

    def set_pref(self, key: str, value: Any, user: str = "") -> None:
        self.db.execute(
            "INSERT INTO prefs (owner, key, value_json) VALUES (:owner, :key, :value)"
            " ON CONFLICT (owner, key) DO UPDATE SET value_json = excluded.value_json",
            {"owner": user, "key": key, "value": json.dumps(value)},
        )
