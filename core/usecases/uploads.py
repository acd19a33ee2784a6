"""Files a caller sends for a video (the HTTP API): slides (a PDF or images), a background
image, music, and the person's own narration — checked as the app and the command line
check them, kept among the user's uploads (the library's storage) and named by an id.

    up = app.uploads.add(user, "slides", data, "deck.pdf")   # InputError saying what to fix
    app.uploads.path(user, up.id, "slides")                  # for RenderRequest / Look
    app.uploads.delete(user, up.id)

An upload belongs to its user: another user's id is NotFound, like a missing one. The same
bytes of the same kind uploaded twice by one user are one upload (the same id).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.audio.decode import AUDIO_EXTENSIONS, MAX_SECONDS, decode_audio
from core.compose.music import MAX_MUSIC_BYTES, decode_music
from core.compose.slides import MAX_PDF_BYTES, PDF_MAGIC, open_slides
from core.engines.local.images import MAX_BYTES as MAX_IMAGE_BYTES
from core.engines.local.images import load_image
from core.errors import InputError, NotFound
from core.jobstore import QUEUED, RUNNING
from core.library import new_id
from core.usecases.context import WithDatabase

KINDS = ("slides", "image", "music", "narration")
CHECK_RATE = 16_000  # audio is decoded at this rate to check it (what is kept is the file)


@dataclass(frozen=True)
class Upload:
    id: str
    kind: str
    name: str
    bytes: int
    sha256: str
    created_at: float
    file: str = field(repr=False)  # where it is kept: never shown to a caller
    info: dict[str, Any] = field(default_factory=dict)  # pages, duration_s, width, height

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "object": "upload", "kind": self.kind, "name": self.name,
            "bytes": self.bytes, "sha256": self.sha256, "created_at": self.created_at,
            "pages": self.info.get("pages"), "duration_s": self.info.get("duration_s"),
            "width": self.info.get("width"), "height": self.info.get("height"),
        }  # fmt: skip


def _suffix(name: str) -> str:
    return "".join(c for c in Path(name).suffix.lower() if c.isalnum() or c == ".")[:8]


class Uploads(WithDatabase):
    def limits(self) -> dict[str, int]:
        """The largest file of each kind, in bytes."""
        return {
            "slides": MAX_PDF_BYTES,
            "image": MAX_IMAGE_BYTES,
            "music": MAX_MUSIC_BYTES,
            "narration": int(self.ctx.settings.max_audio_mb * 1e6),
        }

    # -- checks: the same as the app's and the command line's ---------------------------------
    def _check(self, kind: str, data: bytes, name: str) -> dict[str, Any]:
        if kind == "image":
            picture = load_image(data, name=f"Background {name}")
            return {"width": int(picture.shape[1]), "height": int(picture.shape[0])}
        if kind == "narration":
            if _suffix(name).lstrip(".") not in AUDIO_EXTENSIONS:
                raise InputError("audio.not_audio", name=name)
            samples = decode_audio(data, CHECK_RATE, max_seconds=MAX_SECONDS, name=name)
            return {"duration_s": round(len(samples) / CHECK_RATE, 3)}
        is_pdf = data.startswith(PDF_MAGIC)
        suffix = ".pdf" if is_pdf else _suffix(name)
        with tempfile.TemporaryDirectory(prefix="parlante-upload-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            if kind == "music":
                samples = decode_music(path, CHECK_RATE, name=name)
                return {"duration_s": round(len(samples) / CHECK_RATE, 3)}
            if suffix != ".pdf":  # one slide picture (a deck of them is checked when used)
                picture = load_image(data, name=f"Slide {name}")
                return {"width": int(picture.shape[1]), "height": int(picture.shape[0])}
            slides = open_slides([str(path)])  # a PDF: readable, not encrypted, pages, sizes
            try:
                return {"pages": slides.count}
            finally:
                slides.close()

    # -- the use cases ----------------------------------------------------------------------------
    def add(self, user: str, kind: str, data: bytes, name: str) -> Upload:
        """Check and keep an upload of ``kind``; InputError saying what to fix (the message id
        ``upload.too_big`` when it is over the kind's limit)."""
        if kind not in KINDS:
            raise InputError("upload.unknown_kind", kind=kind[:40], kinds=", ".join(KINDS))
        name = (Path(name or kind).name or kind)[:120]
        limit = self.limits()[kind]
        if len(data) > limit:
            raise InputError("upload.too_big", name=name, kind=kind, mb=len(data) / 1_048_576,
                             limit_mb=limit / 1_048_576)  # fmt: skip
        if not data:
            raise InputError("upload.empty", name=name)
        digest = hashlib.sha256(data).hexdigest()
        known = self._db.one(
            "SELECT * FROM uploads WHERE owner = :owner AND kind = :kind AND sha256 = :sha",
            {"owner": user, "kind": kind, "sha": digest},
        )
        if known is not None and self._present(known["file"]):
            return self._upload(known)
        info = self._check(kind, data, name)
        path = self.ctx.services.library.save_upload(data, name, user)
        upload_id = "up_" + new_id()
        self._db.execute(
            "INSERT INTO uploads (id, owner, kind, name, bytes, sha256, file, info_json,"
            " created_at) VALUES (:id, :owner, :kind, :name, :bytes, :sha, :file, :info, :now)"
            " ON CONFLICT (owner, kind, sha256) DO UPDATE"
            " SET file = excluded.file, name = excluded.name, info_json = excluded.info_json",
            {"id": upload_id, "owner": user, "kind": kind, "name": name, "bytes": len(data),
             "sha": digest, "file": str(path), "info": json.dumps(info), "now": self.clock()},
        )  # fmt: skip
        return self._by_hash(user, kind, digest)

    def _present(self, file: str) -> bool:
        """Whether a kept upload still exists (here, or fetched from the object store when it
        was uploaded through another replica)."""
        return Path(self.ctx.services.library.kept.localize(file)).is_file()

    def _by_hash(self, user: str, kind: str, digest: str) -> Upload:
        row = self._db.one(
            "SELECT * FROM uploads WHERE owner = :owner AND kind = :kind AND sha256 = :sha",
            {"owner": user, "kind": kind, "sha": digest},
        )
        return self._upload(row)

    @staticmethod
    def _upload(row: Any) -> Upload:
        return Upload(
            id=row["id"], kind=row["kind"], name=row["name"], bytes=int(row["bytes"]),
            sha256=row["sha256"], created_at=float(row["created_at"]), file=row["file"],
            info=json.loads(row["info_json"] or "{}"),
        )  # fmt: skip

    def get(self, user: str, upload_id: str) -> Upload:
        """The user's upload; NotFound for a missing one or another user's."""
        row = self._db.one(
            "SELECT * FROM uploads WHERE id = :id AND owner = :owner",
            {"id": upload_id, "owner": user},
        )
        if row is None:
            raise NotFound("upload.not_found", id=upload_id[:80])
        return self._upload(row)

    def list(self, user: str, limit: int = 100, offset: int = 0) -> tuple[list[Upload], int]:
        """A page of the user's uploads (newest first) and how many there are in all."""
        total = self._db.scalar(
            "SELECT COUNT(*) FROM uploads WHERE owner = :owner", {"owner": user}
        )
        rows = self._db.all(
            "SELECT * FROM uploads WHERE owner = :owner ORDER BY created_at DESC, id"
            " LIMIT :limit OFFSET :offset",
            {"owner": user, "limit": limit, "offset": offset},
        )
        return [self._upload(r) for r in rows], int(total)

    def path(self, user: str, upload_id: str, kind: str) -> str:
        """Where the user's upload of ``kind`` is kept, for a render request."""
        upload = self.get(user, upload_id)
        if upload.kind != kind:
            raise InputError("upload.wrong_kind", id=upload.id, kind=upload.kind, wanted=kind)
        local = self.ctx.services.library.kept.localize(upload.file)  # object store: fetched
        if not Path(local).is_file():
            raise NotFound("upload.not_found", id=upload_id[:80])
        return local  # a worker elsewhere fetches it by the same key (KeptFiles)

    def _used_by(self, user: str, file: str) -> str | None:
        """A queued or running video of ``user`` that needs ``file``, if any (the same kept
        file, whichever machine's folder the request names it in)."""
        kept = self.ctx.services.library.kept
        wanted = kept.key_of(file) or file
        for job in self.ctx.runner.jobs(user, (QUEUED, RUNNING)):
            look = job.request.look
            for path in (job.request.audio, look.music, look.background, *look.slides):
                if path and (kept.key_of(path) or path) == wanted:
                    return job.id
        return None

    def delete(self, user: str, upload_id: str) -> None:
        """Forget the upload; its file goes too unless another upload keeps the same bytes.
        Videos already made keep their picture and sound; while a queued or running video
        needs it, it is refused (InputError ``upload.in_use``)."""
        upload = self.get(user, upload_id)
        job_id = self._used_by(user, upload.file)
        if job_id is not None:
            raise InputError("upload.in_use", id=upload.id, video=job_id)
        self._db.execute(
            "DELETE FROM uploads WHERE id = :id AND owner = :owner",
            {"id": upload.id, "owner": user},
        )
        others = self._db.scalar(
            "SELECT COUNT(*) FROM uploads WHERE file = :file", {"file": upload.file}
        )
        if not others:  # here, and in the object store
            self.ctx.services.library.kept.forget(Path(upload.file))
