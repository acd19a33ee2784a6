"""Input files kept under the data folder — uploaded slides, music and backgrounds
(``media/uploads/``), narrations (``narration/``) and photos (``photos/``) — and shared
through the media store, so that a render on a worker finds a file uploaded on an app
replica.

A kept file is referred to by its local path, as before (``APP_DATA_DIR/media/uploads/…``).
With an object store, the file is also put under the same key in the bucket
(:meth:`KeptFiles.share`), and a machine that does not have it fetches it by that key
(:meth:`KeptFiles.localize`). Kept files are content-addressed (their name is their
hash), so a copy can never be stale.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

from core.models import RenderRequest
from core.storage import MediaStore

MEDIA = "media"  # videos (media/<id>/) and uploads (media/uploads/) under the store
PHOTOS = "photos"
SHARED_FOLDERS = (MEDIA, PHOTOS, "narration")


class KeptFiles:
    def __init__(self, data_dir: Path, media: MediaStore) -> None:
        self.data_dir = Path(data_dir)
        self.media = media

    def key_of(self, path: Path | str) -> str | None:
        """The store key of a file kept under a data folder (this machine's, or the same
        layout on another machine: ``…/media/uploads/…``, ``…/narration/…``, ``…/photos/…``)."""
        path = Path(path)
        parts = path.relative_to(self.data_dir).parts if path.is_relative_to(self.data_dir) else ()
        for i in range(len(path.parts) - 1, -1, -1) if not parts else ():
            if path.parts[i] in SHARED_FOLDERS:
                parts = path.parts[i:]
                break
        shared = len(parts) >= 2 and parts[0] in SHARED_FOLDERS
        if not shared or (parts[0] == MEDIA and parts[1] != "uploads") or ".." in parts:
            return None
        return "/".join(parts)

    def share(self, path: Path) -> None:
        """Object store: put a kept input file (upload, narration, photo) where every machine
        finds it (nothing to do for local files; the same bytes are put once)."""
        key = None if self.media.is_local else self.key_of(path)
        if key is not None and not self.media.exists(key):
            self.media.put_file(path, key)

    def forget(self, path: Path) -> None:
        """Remove a kept file: this machine's copy, and the object store's."""
        key = None if self.media.is_local else self.key_of(path)
        if key is not None:
            self.media.delete(key)
        Path(path).unlink(missing_ok=True)

    def localize(self, path: str) -> str:
        """A kept input file's path on this machine: fetched from the object store when this
        machine does not have it (a render on a worker of an upload made on an app replica).
        Anything else is returned as it is."""
        if self.media.is_local or not path or Path(path).is_file():
            return path
        key = self.key_of(path)
        if key is None:
            return path
        local = self.data_dir / key
        with contextlib.suppress(FileNotFoundError):
            self.media.get_file(key, local)
        return str(local)

    def localize_request(self, request: RenderRequest) -> RenderRequest:
        """``request`` with its narration, slides, music, background image and photo on this
        machine (unchanged with local files, or when they are here already)."""
        if self.media.is_local:
            return request
        look = request.look
        look = replace(
            look,
            slides=tuple(self.localize(s) for s in look.slides),
            music=self.localize(look.music),
            background=self.localize(look.background),
        )
        return replace(
            request,
            audio=self.localize(request.audio) if request.audio else request.audio,
            avatar=self.localize(request.avatar) if request.avatar else request.avatar,
            look=look,
        )
