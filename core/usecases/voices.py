"""Engines and their voices: what each engine can do, its voices by language, and a spoken
sample of a voice (for engines that can speak one before rendering)."""

from __future__ import annotations

from core import previews
from core.choices import ENGINE_IDS
from core.engines.base import Capabilities
from core.errors import InputError
from core.models import Voice
from core.usecases.context import Context


class Voices:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def engines(self) -> tuple[str, ...]:
        """The engines a person can choose, in the order the pages show them."""
        return ENGINE_IDS

    def capabilities(self, engine: str) -> Capabilities:
        return self.ctx.services.engine(engine).capabilities

    def list(self, user: str, engine: str, language: str | None = None) -> list[Voice]:
        """The engine's voices that speak ``language`` (every voice when None)."""
        return self.ctx.services.engine(engine).voices(language)

    def preview(
        self, user: str, engine: str, voice_id: str, language: str, rate: float = 1.0
    ) -> bytes:
        """The voice speaking a sample sentence in ``language``, as WAV bytes."""
        if not self.capabilities(engine).voice_previews:
            raise InputError("voice.no_preview")
        return previews.voice_preview(voice_id, language, rate)
