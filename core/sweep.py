"""Files without records and records without files: count them, and sweep the first kind.

A video becomes visible when its row is inserted, after every file is stored
(core.library). A crash between the upload and the insert leaves a folder ``media/<id>/``
with no row, and deleting a video removes the row before the files, so the only leftover
kind is *files without a record*. :func:`sweep` removes such folders once their newest file
is older than ``grace_s`` (MEDIA_ORPHAN_MINUTES), so an upload still under way is never
touched; it also removes this machine's copies of videos that are gone.

Kept D-ID talks shared through an object store (``did-talks/``, core.shared_talks) are not
videos and never orphans: the orphan pass lists only ``media/``. They expire by age instead
(a month after they were kept), in the same sweep.

*Records without files* must never happen; :func:`mismatches` counts both kinds (the scale
benchmark prints them, and they must be 0).
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field

from core.errors import ConfigError
from core.kept_files import MEDIA
from core.library import VIDEO_FILES, Library, video_key
from core.shared_talks import SharedTalks
from core.storage import Entry

NOT_VIDEOS = ("uploads",)  # folders under media/ that hold kept inputs, not videos
SAFE_ORPHANS = 20  # more leftovers than this (and than records): the wrong database?
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mismatches:
    files_without_records: list[str] = field(default_factory=list)  # video ids (folders)
    records_without_files: list[str] = field(default_factory=list)  # ids missing any file

    def to_json(self) -> dict[str, int]:
        return {
            "files_without_records": len(self.files_without_records),
            "records_without_files": len(self.records_without_files),
        }


def _video_folders(library: Library) -> list[Entry]:
    return [
        e
        for e in library.media.folders(MEDIA)
        if e.name not in NOT_VIDEOS and not e.name.startswith(".")  # .staging-*: local only
    ]


def mismatches(library: Library) -> Mismatches:
    """Folders in the store with no record, and records whose files are not all stored."""
    folders = {e.name: e for e in _video_folders(library)}
    ids = library.video_ids()
    orphans = sorted(name for name in folders if name not in ids)
    missing = sorted(i for i in ids if i not in folders or not set(VIDEO_FILES) <= folders[i].names)
    return Mismatches(orphans, missing)


def sweep(
    library: Library, grace_s: float, now: float | None = None, force: bool = False
) -> list[str]:
    """Remove stored folders with no record whose newest file is older than ``grace_s``;
    also this machine's copies of videos no longer recorded, and shared D-ID talks older
    than a month. The ids of the videos removed.

    Crashes leave a few such folders. Many more than there are records means the database
    is not the one these media belong to (a new DATABASE_URL over an old bucket): then
    nothing is removed and ConfigError says so, unless ``force``.
    """
    now = time.time() if now is None else now
    if not library.media.is_local:  # by age, whatever the records say
        expired = SharedTalks(library.media).expire(now)
        if expired:
            _log.info("%d kept D-ID talks older than a month removed", len(expired))
    folders = _video_folders(library)  # listed before the records are read: a video
    ids = library.video_ids()  # recorded after the listing is younger than grace_s anyway
    old = [e.name for e in folders if e.name not in ids and now - e.modified > grace_s]
    if len(old) > max(SAFE_ORPHANS, len(ids)) and not force:
        raise ConfigError("storage.sweep_refused", variable="DATABASE_URL", count=len(old),
                          records=len(ids), store=library.media.description)  # fmt: skip
    for name in old:
        library.media.delete_prefix(video_key(name))
    if not library.media.is_local and library.copies_dir.is_dir():
        for folder in library.copies_dir.iterdir():  # a cache: a copy is fetched again
            if folder.name not in ids and now - folder.stat().st_mtime > grace_s:
                shutil.rmtree(folder, ignore_errors=True)
    return sorted(old)
