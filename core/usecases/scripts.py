"""Scripts: written by the language model from a brief (cached, within the user's daily
token allowance), streamed as they grow."""

from __future__ import annotations

from collections.abc import Callable

from core.models import Brief, Script
from core.pipeline import translate_script, write_script
from core.usecases.context import Context


class Scripts:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def can_write(self) -> bool:
        """Whether a writer is configured (a key, or an OpenAI-compatible server)."""
        settings = self.ctx.settings
        return bool(settings.openai_api_key or settings.openai_base_url)

    def write(
        self,
        user: str,
        brief: Brief,
        use_cache: bool = True,
        on_delta: Callable[[str], None] | None = None,
    ) -> Script:
        """A script for ``brief``; ``on_delta`` receives the speakable text as it grows.
        LimitReached once ``user`` spent today's tokens (a cached script is free)."""
        return write_script(
            self.ctx.services, brief, use_cache=use_cache, on_delta=on_delta, user=user
        )

    def translate(self, user: str, text: str, language: str, use_cache: bool = True) -> Script:
        """A faithful, speakable translation of ``text`` into ``language`` (cached, within
        ``user``'s daily token allowance)."""
        return translate_script(self.ctx.services, text, language, use_cache=use_cache, user=user)
