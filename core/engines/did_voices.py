"""D-ID's voice catalogue (``GET /tts/voices``) as ``Voice`` values: parse, filter, default.

Pure functions over the reply, so the language rules are tested without HTTP. A voice's
language is its locale ("es-EC"); a request for "es" matches every Spanish locale,
"es-EC" only Ecuador, and a numeric region ("es-419") the whole language.
"""

from __future__ import annotations

from typing import Any

from core.engines.did_http import PROVIDER, BadReply
from core.errors import InputError
from core.models import Voice

ENGINE = "did"
# Preferred defaults: used when D-ID lists them, else the language's first female voice.
PREFERRED = {"es": "es-EC-AndreaNeural", "en": "en-US-JennyNeural"}


def parse_voices(data: Any, provider: str) -> list[Voice]:
    """Voices of ``provider`` from D-ID's reply; one Voice per (voice, locale)."""
    if not isinstance(data, list):
        raise BadReply("did.voices_not_list", provider=PROVIDER)
    voices: list[Voice] = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        if item.get("provider", provider) != provider:
            continue
        gender = str(item.get("gender") or "neutral").lower()
        name = str(item.get("name") or item["id"])
        locales = [
            str(lang["locale"])
            for lang in item.get("languages") or []
            if isinstance(lang, dict) and lang.get("locale")
        ] or _locale_from_id(item["id"])
        for locale in locales:
            voices.append(Voice(item["id"], name, locale, gender, ENGINE))
    return voices


def _locale_from_id(voice_id: str) -> list[str]:
    """Microsoft ids carry their locale ("es-EC-AndreaNeural"); others get none."""
    parts = voice_id.split("-")
    return ["-".join(parts[:2])] if len(parts) >= 3 and len(parts[0]) in (2, 3) else []


def speaks(locale: str, language: str) -> bool:
    """Whether a voice with ``locale`` answers a request for ``language``."""
    want = language.replace("_", "-").lower().split("-")
    have = locale.replace("_", "-").lower().split("-")
    if want[0] != have[0]:
        return False
    if len(want) == 1 or want[1].isdigit():  # "es", or "es-419" (a UN M.49 region)
        return True
    return want[: len(have)] == have[: len(want)]


def filter_voices(voices: list[Voice], language: str | None) -> list[Voice]:
    """The voices that speak ``language`` (all of them when None), each voice once."""
    if not language:
        return _unique(voices)
    return _unique([v for v in voices if speaks(v.language, language)])


def _unique(voices: list[Voice]) -> list[Voice]:
    seen: set[str] = set()
    out = []
    for v in voices:
        if v.id not in seen:
            seen.add(v.id)
            out.append(v)
    return out


def default_voice(voices: list[Voice], language: str) -> Voice:
    """The language's preferred voice if D-ID lists it, else its first female voice."""
    candidates = filter_voices(voices, language)
    if not candidates:
        raise InputError("did.no_language_voice", language=language)
    preferred = PREFERRED.get(language.split("-")[0].lower())
    for v in candidates:
        if v.id == preferred:
            return v
    exact = [v for v in candidates if v.language.lower() == language.lower()] or candidates
    return next((v for v in exact if v.gender == "female"), exact[0])


def find_voice(voices: list[Voice], voice_id: str, language: str) -> Voice:
    """The voice ``voice_id`` speaking ``language``; InputError (exit 2) when unknown."""
    matches = [v for v in voices if v.id == voice_id]
    if not matches:
        raise InputError("did.unknown_voice", voice=voice_id, language=language)
    for v in matches:
        if speaks(v.language, language):
            return v
    raise InputError(
        "did.voice_language", voice=voice_id, speaks=matches[0].language, language=language
    )
