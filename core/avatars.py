"""Which presenter a render uses: the built-in illustrated ones and the person's photos, by
id or by path (resolving only; drawing a presenter is the offline engine's
core/engines/local/presenters.py)."""

from __future__ import annotations

from pathlib import Path

from core.cache import digest_bytes
from core.errors import InputError
from core.library import Library
from core.models import Avatar

ILLUSTRATION_VERSION = "4"  # bump when the drawings change: cached videos are redone
MAX_PHOTO_BYTES = 15 * 1024 * 1024
PHOTO_DIGEST = "photo:rig-1:"  # bump when photos animate differently: cached videos are redone


def builtin_avatars() -> list[Avatar]:
    from core.engines.local.illustrated import BUILTIN_AVATARS

    return list(BUILTIN_AVATARS)


def list_avatars(library: Library | None, user: str = "") -> list[Avatar]:
    photos = library.list_photos(user) if library is not None else []
    return builtin_avatars() + photos


def _check_photo(data: bytes, name: str) -> None:
    """Refuse what is not a usable photo (not an image, too large, no face) with InputError."""
    from core.engines.local.photo import locate

    locate(data, name=name)


def resolve_avatar(ref: str | None, library: Library | None, user: str = "") -> tuple[Avatar, str]:
    """The avatar ``ref`` names (built-in id, stored photo id, or image path) and its digest."""
    builtins = builtin_avatars()
    if not ref:
        return builtins[0], f"builtin:{builtins[0].id}:{ILLUSTRATION_VERSION}"
    for avatar in builtins:
        if avatar.id == ref:
            return avatar, f"builtin:{avatar.id}:{ILLUSTRATION_VERSION}"
    if library is not None:
        photo = library.get_photo(ref, user)
        if photo is not None and photo.path is not None:
            return photo, PHOTO_DIGEST + digest_bytes(photo.path.read_bytes())
    path = Path(ref).expanduser()
    if path.is_file():
        size = path.stat().st_size
        if size > MAX_PHOTO_BYTES:
            raise InputError(
                "photo.upload_too_big", name=path.name, mb=size / 1_048_576,
                limit_mb=MAX_PHOTO_BYTES // (1024 * 1024),
            )  # fmt: skip
        data = path.read_bytes()
        _check_photo(data, path.name)
        return Avatar(
            id=str(path), name=path.stem, kind="photo", path=path
        ), PHOTO_DIGEST + digest_bytes(data)
    if path.suffix or "/" in ref or "\\" in ref:
        raise InputError("avatar.photo_not_found", ref=ref)
    ids = ", ".join(a.id for a in builtins)
    raise InputError("avatar.unknown", ref=ref, ids=ids)
