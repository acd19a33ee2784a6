"""How a video looks (format, resolution, layout, background, captions, music, title card,
slides): the catalogue to choose from, the user's uploads, slide thumbnails and a preview."""

from __future__ import annotations

from pathlib import Path

from core.compose.catalogue import LAYOUT_NOTES
from core.compose.formats import FORMATS, RESOLUTIONS
from core.compose.preview import preview_png
from core.compose.slides import join_scenes, scene_parts, thumbnails
from core.compose.themes import THEMES, Theme, hex_colour, swatches_png
from core.models import Avatar, Look, RenderRequest
from core.usecases.context import Context


class Looks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def formats(self) -> list[str]:
        return list(FORMATS)

    def resolutions(self) -> tuple[int, ...]:
        return RESOLUTIONS

    def layouts(self) -> list[str]:
        return list(LAYOUT_NOTES)

    def themes(self) -> dict[str, Theme]:
        return dict(THEMES)

    def swatches_png(self) -> bytes:
        """Every theme's colours side by side, as a picture (PNG)."""
        return swatches_png()

    def keep_upload(self, user: str, data: bytes, name: str) -> Path:
        """Keep a slide deck, music or background image among the user's uploads; its path."""
        return self.ctx.services.library.save_upload(data, name, user)

    def slide_thumbnails(self, path: str, width: int = 200) -> list[bytes]:
        """PNG thumbnails of a deck's slides (InputError for a bad deck)."""
        return thumbnails(self.ctx.services.library.kept.localize(path), width)

    def preview_png(self, look: Look, text: str, avatar: Avatar | None, engine: str) -> bytes:
        """The first frame of a video with ``look`` made on ``engine`` (InputError for a bad
        look): the presenter as that engine shows it (a cut-out where it declares them)."""
        capabilities = self.ctx.services.engine(engine).capabilities
        cutout = avatar is not None and capabilities.shows_cutout(avatar.kind)
        kept = self.ctx.services.library.kept  # an upload made through another replica
        look = kept.localize_request(RenderRequest(text="", look=look)).look
        return preview_png(look, text, avatar, cutout)


__all__ = ["Looks", "Theme", "hex_colour", "join_scenes", "scene_parts"]
