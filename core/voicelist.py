"""Voices for the pages without waiting on the network.

Listing an engine's voices may ask its provider (D-ID: ``GET /tts/voices`` under the full
retry policy, minutes in a 429 storm). A page run must never wait for that: ``get`` answers
at once with what is known, and asks the provider in a background thread when nothing (or
only a stale answer) is known. Engines whose voices are local are asked directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import AppError
from core.models import Voice
from core.services import Services


@dataclass(frozen=True)
class VoiceList:
    voices: list[Voice] = field(default_factory=list)
    error: AppError | None = None  # the last attempt failed (voices may still be older ones)
    loading: bool = False  # nothing known yet: a background fetch is under way


@dataclass
class _Entry:
    value: VoiceList | None = None
    fetched_at: float | None = None
    refreshing: bool = False


class VoiceCatalogue:
    def __init__(
        self, services: Services, ttl: float = 3600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.services = services
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[tuple[str, str | None], _Entry] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    def get(self, engine_id: str, language: str | None) -> VoiceList:
        """The voices of ``engine_id`` for ``language``, never waiting on the network."""
        engine = self.services.engine(engine_id)
        capabilities = getattr(engine, "capabilities", None)
        if not getattr(capabilities, "network_voices", False):
            try:
                return VoiceList(engine.voices(language))
            except AppError as err:
                return VoiceList(error=err)
        key = (engine_id, language)
        with self._lock:
            entry = self._entries.setdefault(key, _Entry())
            stale = entry.fetched_at is None or self.clock() - entry.fetched_at >= self.ttl
            if stale and not entry.refreshing:
                entry.refreshing = True
                threading.Thread(
                    target=self._fetch, args=(key,), name="parlante-voices", daemon=True
                ).start()
            return entry.value or VoiceList(loading=True)

    def _fetch(self, key: tuple[str, str | None]) -> None:
        engine_id, language = key
        try:
            value = VoiceList(self.services.engine(engine_id).voices(language))
        except AppError as err:
            with self._lock:
                old = self._entries[key].value
            value = VoiceList(old.voices if old else [], error=err)
        except Exception as err:  # a page must never break on the voice list
            value = VoiceList(error=AppError("voice.list_failed", detail=type(err).__name__))
        with self._changed:
            entry = self._entries[key]
            entry.value, entry.fetched_at, entry.refreshing = value, self.clock(), False
            self._changed.notify_all()

    def wait(self, engine_id: str, language: str | None, timeout: float = 10.0) -> VoiceList:
        """Block until an answer is there (tests, the command line)."""
        value = self.get(engine_id, language)
        if not value.loading:
            return value
        with self._changed:
            self._changed.wait_for(lambda: self._entries[(engine_id, language)].value, timeout)
        return self.get(engine_id, language)
