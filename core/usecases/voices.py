"""Engines and their voices: what each engine can do, its voices by language, and a spoken
sample of a voice (for engines that can speak one before rendering)."""

from __future__ import annotations

from core import previews
from core.choices import ENGINE_IDS
from core.engines.base import Capabilities
from core.errors import InputError
from core.models import Voice
from core.usecases.context import Context
from core.voicelist import VoiceList


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

    def default_voice_id(self, language: str, engine: str = "local") -> str:
        """The voice a render in ``language`` gets when none is chosen (offline engine)."""
        if engine != "local":
            return ""
        from core.engines.local import speech

        return speech.default_voice(language).id

    def available(self, user: str, engine: str, language: str | None = None) -> VoiceList:
        """Like ``list``, but never waits on the network (for the pages): a provider's list
        is fetched in the background; until it arrives the answer says ``loading``."""
        return self.ctx.voices.get(engine, language)

    def preview(
        self, user: str, engine: str, voice_id: str, language: str, rate: float = 1.0
    ) -> bytes:
        """The voice speaking a sample sentence in ``language``, as WAV bytes."""
        if not self.capabilities(engine).voice_previews:
            raise InputError("voice.no_preview")
        # an offline voice, or a speech server's (a short sample, cached by content, within
        # the user's daily speech characters)
        return previews.any_voice_preview(self.ctx.services, user, voice_id, language, rate)

    def speech_server_costs_money(self) -> bool | None:
        """None without a speech server; else whether its voices are billed (OpenAI)."""
        if not self.ctx.settings.speech_server_configured:
            return None
        return self.ctx.settings.tts_base_url is None
