"""Presenters: the built-in ones and the user's own photos (upload, list, delete), and the
still the video will frame. A photo is only ever the uploader's."""

from __future__ import annotations

from core import previews
from core.avatars import list_avatars
from core.models import Avatar
from core.usecases.context import Context
from core.usecases.preferences import Preferences


class Presenters:
    def __init__(self, ctx: Context, preferences: Preferences) -> None:
        self.ctx = ctx
        self.preferences = preferences

    def list(self, user: str) -> list[Avatar]:
        """The built-in presenters, then the user's photos."""
        return list_avatars(self.ctx.services.library, user)

    def find(self, user: str, avatar_id: str | None) -> Avatar | None:
        """The presenter ``avatar_id`` among the user's (None: the first built-in)."""
        return previews.find_avatar(self.ctx.services.library, avatar_id, user)

    def chosen(self, user: str) -> Avatar | None:
        return self.find(user, self.preferences.load(user).avatar)

    def still_png(self, avatar: Avatar, size: int = 256) -> bytes:
        """A still of the presenter at rest, as the video will frame it (PNG)."""
        return previews.avatar_png(avatar, size)

    def add_photo(self, user: str, data: bytes, name: str) -> tuple[Avatar, bytes]:
        """Check an upload (type, size, a face: InputError saying what to fix), keep it as the
        user's photo and return it with its cropped face (PNG)."""
        return previews.add_photo(self.ctx.services.library, data, name, user)

    def photo_advice(self, data: bytes, name: str) -> list[str]:
        """Advice ids on how well a photo will animate (small, blurred, turned…); never
        refuses (``add_photo`` does)."""
        return previews.photo_advice(data, name)

    def delete_photo(self, user: str, avatar_id: str) -> bool:
        """Delete the user's photo; if it was the chosen presenter, the first built-in is."""
        deleted = self.ctx.services.library.delete_photo(avatar_id, user)
        if deleted and self.preferences.load(user).avatar == avatar_id:
            self.preferences.change(user, avatar=None)
        return deleted
