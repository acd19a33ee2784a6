"""Voices from OpenAI's ``/v1/audio/speech`` or any server that speaks the same protocol
(Kokoro-FastAPI, Speaches, LocalAI, …): ids ``tts:<name>``.

Settings: ``TTS_BASE_URL`` / ``TTS_API_KEY`` / ``TTS_MODEL``, the first two defaulting to
the OpenAI ones (so an OpenAI key alone gives OpenAI's voices) and the model to
``gpt-4o-mini-tts``, which takes the tone as spoken instructions.

One retry layer, as for the script writer: the SDK's retries are off and each request
runs under a ``core.retry.RetryPolicy`` whose predicate (``is_transient``) retries only
rate limits, 5xx, timeouts and broken connections, honouring ``Retry-After``; a bad key
or an empty account fails at once (speech_errors.py maps the statuses). Audio is cached
by content (server, model, voice, text, instructions, speed) — never by key — so the
same sentence is paid for once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import numpy as np
import openai

from core.audio.decode import decode_audio
from core.audio.speech_errors import PROVIDER, map_speech_error, missing_server
from core.audio.voice_ids import PREFIX, is_server_voice  # noqa: F401 - re-exported
from core.cache import Cache, make_key
from core.config import Settings
from core.errors import InputError, ProviderError
from core.messages import Msg, msg
from core.models import Voice
from core.retry import RetryPolicy
from core.writers.openai_errors import DEFAULT_BASE_URL, public_url

VERSION = "tts-1"
CACHE_S = 90 * 24 * 3600
PLACEHOLDER_KEY = "sk-no-key-required"  # local servers ignore the key; the SDK needs one
# OpenAI's voices (gpt-4o-mini-tts speaks all of them, in every language it knows).
OPENAI_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer",
    "verse",
)  # fmt: skip
_FEMALE = frozenset({"alloy", "coral", "nova", "sage", "shimmer"})
# Kokoro's voice names start with a language letter and a gender letter: "ef_dora".
_KOKORO_LANGUAGES = {
    "a": "en-US", "b": "en-GB", "e": "es", "f": "fr", "h": "hi", "i": "it", "j": "ja",
    "p": "pt-BR", "z": "zh",
}  # fmt: skip
_LANGUAGE_NAMES = {"es": "Spanish", "en": "English", "fr": "French", "pt": "Portuguese"}

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerVoice:
    name: str  # as the server calls it: "nova", "ef_dora"
    language: str | None  # None: speaks every language the model knows
    gender: str


def _primary(tag: str) -> str:
    return tag.lower().split("-", 1)[0]


class SpeechServer:
    """One configured speech server. Creating it checks that one is configured."""

    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        *,
        sleep: Callable[[float], None] = time.sleep,
        http_client: httpx2.Client | None = None,
    ) -> None:
        if not settings.speech_server_configured:
            raise missing_server()
        self.settings = settings
        self.cache = cache
        self.base_url = settings.tts_base_url or DEFAULT_BASE_URL
        self.model = settings.tts_model
        self.is_openai = settings.tts_base_url is None
        self.policy = RetryPolicy(
            attempts=settings.openai_max_retries + 1, initial_s=0.5, max_s=8.0
        )
        self._sleep = sleep
        timeout = settings.tts_timeout_s
        self._client = openai.OpenAI(
            api_key=settings.tts_api_key or PLACEHOLDER_KEY,
            base_url=self.base_url,
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
            max_retries=0,  # the one retry layer is self.policy
            http_client=http_client,
        )
        self._voices: list[ServerVoice] | None = None

    @property
    def where(self) -> Msg:
        """Who speaks, for messages: OpenAI, or the speech server at its public URL."""
        if self.is_openai:
            return msg("tts.where_openai")
        return msg("tts.where_server", url=public_url(self.base_url))

    @property
    def costs_money(self) -> bool:
        """OpenAI bills per character; a server of one's own is assumed free."""
        return self.is_openai

    # -- the catalogue ------------------------------------------------------------------------
    def server_voices(self) -> list[ServerVoice]:
        """OpenAI's voices, or what a compatible server lists at ``GET /audio/voices``."""
        if self._voices is None:
            names = list(OPENAI_VOICES) if self.is_openai else self._listed_names()
            self._voices = [_describe(n) for n in names]
        return self._voices

    def _listed_names(self) -> list[str]:
        try:
            reply = self._client.get("/audio/voices", cast_to=object)
        except (openai.OpenAIError, httpx2.HTTPError) as err:
            _log.info("%s lists no voices (%s); offering OpenAI's names", self.where, err)
            return list(OPENAI_VOICES)
        items = reply.get("voices", []) if isinstance(reply, dict) else reply
        names = [
            i if isinstance(i, str) else (i or {}).get("id") or (i or {}).get("name")
            for i in items or []
        ]
        names = [n for n in names if isinstance(n, str) and n.strip()]
        return names or list(OPENAI_VOICES)

    def voices(self, language: str | None = None) -> list[Voice]:
        out = []
        for v in self.server_voices():
            if language and v.language and _primary(v.language) != _primary(language):
                continue
            lang = v.language or (language or "multilingual")
            label = _LANGUAGE_NAMES.get(_primary(lang), lang) if v.language else "any language"
            kind = "OpenAI" if self.is_openai else "speech server"
            out.append(
                Voice(
                    id=PREFIX + v.name,
                    name=f"{v.name.capitalize()} · {label} ({kind}, neural)",
                    language=lang,
                    gender=v.gender,
                    engine="local",
                )
            )
        return out

    def get_voice(self, voice_id: str, language: str) -> Voice:
        name = voice_id[len(PREFIX) :]
        for v in self.voices(None):
            if v.id == voice_id:
                found = next(s for s in self.server_voices() if s.name == name)
                if found.language and _primary(found.language) != _primary(language):
                    raise InputError(
                        "tts.wrong_language",
                        voice=voice_id,
                        spoken=found.language,
                        language=language,
                    )
                return Voice(v.id, v.name, found.language or language, v.gender, v.engine)
        some = ", ".join(PREFIX + s.name for s in self.server_voices()[:8])
        raise InputError("tts.unknown_voice", name=name, where=self.where, some=some)

    # -- speaking -----------------------------------------------------------------------------
    def _params(self, voice_id: str, text: str, language: str, rate: float) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "voice": voice_id[len(PREFIX) :],
            "input": text,
            "response_format": "wav",
        }
        if "gpt-4o" in self.model:  # the only models that take spoken instructions
            params["instructions"] = instructions(language, rate)
        elif rate != 1.0:
            params["speed"] = rate
        return params

    def cache_key(self, voice_id: str, text: str, language: str, rate: float) -> str:
        params = self._params(voice_id, text, language, rate)
        return make_key("tts", VERSION, server=public_url(self.base_url), **params)

    def is_cached(self, voice_id: str, text: str, language: str, rate: float) -> bool:
        return self.cache.get(self.cache_key(voice_id, text, language, rate)) is not None

    def speak(
        self, voice_id: str, text: str, language: str, rate: float, sample_rate: int
    ) -> tuple[np.ndarray, int]:
        """Float32 mono samples at ``sample_rate``, and how many characters were paid for
        (0 when the audio came from the cache)."""
        key = self.cache_key(voice_id, text, language, rate)
        data = self.cache.get(key)
        spent = 0
        if data is None:
            data = self._fetch(self._params(voice_id, text, language, rate))
            spent = len(text)
        try:
            audio = decode_audio(data, sample_rate, name=msg("audio.server_audio"))
        except InputError as err:
            bad = ProviderError(
                "tts.bad_audio", provider=PROVIDER, where=self.where, reason=err.msg or err.message
            )
            bad.transient = False  # type: ignore[attr-defined]
            raise bad from None
        if spent:
            self.cache.set(key, data, expire=CACHE_S)
        return audio, spent

    def _fetch(self, params: dict[str, Any]) -> bytes:
        def attempt() -> bytes:
            try:
                response = self._client.audio.speech.create(**params)
                data = response.read()
            except (openai.OpenAIError, httpx2.HTTPError) as err:
                raise map_speech_error(err, self) from err
            if not data:
                raise ProviderError("tts.no_audio", provider=PROVIDER, where=self.where)
            return data

        what = f"Speech from {self.where.render('en')}"
        return self.policy.retrying(what, sleep=self._sleep)(attempt)


def instructions(language: str, rate: float) -> str:
    pace = "at a calm, unhurried pace" if rate < 0.9 else "briskly" if rate > 1.15 else ""
    lang = _LANGUAGE_NAMES.get(_primary(language), language)
    return (
        f"Speak in {lang} like a friendly teacher presenting a short lesson to camera: clear, "
        f"warm and natural{', ' + pace if pace else ''}."
    )


def _describe(name: str) -> ServerVoice:
    lang = None
    gender = "female" if name in _FEMALE else "male" if name in OPENAI_VOICES else "neutral"
    if len(name) > 3 and name[2] == "_" and name[0] in _KOKORO_LANGUAGES and name[1] in "fm":
        lang = _KOKORO_LANGUAGES[name[0]]
        gender = "female" if name[1] == "f" else "male"
    return ServerVoice(name, lang, gender)
