"""The person's durable choices (engine, language, voice, presenter, rate), named presets and
interface language: each read and written for the acting user only."""

from __future__ import annotations

from typing import Any

from core import choices as store
from core.choices import Choices
from core.errors import AppError
from core.library import Library
from core.usecases.context import Context

UI_LANGUAGE_PREF = "ui_language"


class Preferences:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def _library(self) -> Library:
        return self.ctx.services.library

    # -- current choices ---------------------------------------------------------------------
    def load(self, user: str) -> Choices:
        return store.load_choices(self._library, user)

    def save(self, user: str, choices: Choices) -> Choices:
        return store.save_choices(self._library, choices, user)

    def change(self, user: str, **changes: Any) -> Choices:
        """Change some choices (``engine=``, ``avatar=``, ``rate=``…) and keep them."""
        return self.save(user, self.load(user).with_(**changes))

    def choose_voice(self, user: str, voice_id: str | None) -> Choices:
        """The voice for the current engine (None: its default voice for the language)."""
        return self.save(user, self.load(user).with_voice(voice_id))

    def choose_language(self, user: str, language: str) -> Choices:
        """Switch language; a voice that does not speak it falls back to the default."""
        current = self.load(user)
        try:
            voices = {v.id for v in self.ctx.services.engine(current.engine).voices(language)}
        except AppError:  # the voices could not be listed (no key, offline): the default one
            voices = set()
        return self.save(user, store.with_language(current, language, voices))

    # -- presets ------------------------------------------------------------------------------
    def save_preset(self, user: str, name: str) -> None:
        """Keep the current choices under ``name`` (InputError without a name)."""
        store.save_preset(self._library, name, self.load(user), user)

    def preset_names(self, user: str) -> list[str]:
        return store.preset_names(self._library, user)

    def apply_preset(self, user: str, name: str) -> Choices | None:
        """Make the preset the current choices; None if it no longer exists."""
        return store.apply_preset(self._library, name, user)

    def delete_preset(self, user: str, name: str) -> None:
        self._library.delete_preset(name, user)

    # -- interface language --------------------------------------------------------------------
    def interface_language(self, user: str, default: str) -> str:
        return str(self._library.get_pref(UI_LANGUAGE_PREF, default, user))

    def set_interface_language(self, user: str, language: str) -> None:
        self._library.set_pref(UI_LANGUAGE_PREF, language, user)
