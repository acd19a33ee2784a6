"""Speech for the offline engine: the voice catalogue and the one ``synthesize`` entry point.

Voices come from two synthesisers, both fully offline:

* espeak-ng (espeak.py): every language and dialect it ships whose dictionary is in the
  wheel (138 of its 141 voice files), each offered as a female and a male variant (two
  of each for es, es-419, en and en-US): 284 voices.
  Ids are ``espeak:<language>:<variant>``, e.g. ``espeak:es-419:f3``; the language is
  the name of espeak's voice file ("es", "es-419", "en-US", "en" for British English)
  and the variant a file in espeak-ng-data/voices/!v.
* Piper (piper_voice.py): the neural US-English voice ``piper:en-US:joe``; it is the
  default for English because it sounds far more natural.

The catalogue is built on first use (it asks libespeak-ng for its voices) and cached.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass

import numpy as np

from core.engines.local import espeak, piper_voice
from core.engines.local.speech_timing import RawSpeech, finish
from core.engines.local.types import Speech
from core.errors import InputError
from core.models import Voice

ENGINE = "local"
SAMPLE_RATE = 22050  # both synthesisers speak at this rate
PIPER_JOE = "piper:en-US:joe"
MIN_FACTOR, MAX_FACTOR = 0.5, 2.0

# espeak variants offered per language: (variant, gender). Female first: the default.
_VARIANTS = (("f3", "female"), ("m3", "male"))
_EXTRA_VARIANTS = (("f1", "female"), ("m1", "male"))
_EXTRA_FOR = frozenset({"es", "es-419", "en", "en-US"})  # the app's main languages
_SKIP = frozenset({"art/xex"})  # espeak's own test voice ("xextan-test")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    """A catalogue voice plus what the engine needs to speak with it."""

    voice: Voice
    aliases: tuple[str, ...]  # other tags it answers to (espeak's list: "es-mx", "zh")
    espeak_name: str | None = None  # "roa/es-419+f3"; None for Piper


_CATALOGUE: list[_Entry] | None = None
_CATALOGUE_LOCK = threading.Lock()


def _catalogue() -> list[_Entry]:
    global _CATALOGUE
    with _CATALOGUE_LOCK:
        if _CATALOGUE is None:
            _CATALOGUE = _build_catalogue()
        return _CATALOGUE


def _build_catalogue() -> list[_Entry]:
    available = set(espeak.variant_names())
    entries = [
        _Entry(
            Voice(PIPER_JOE, "Joe · US English (neural)", "en-US", "male", ENGINE),
            aliases=("en-us", "en"),
        )
    ]
    for info in espeak.list_languages():
        if info.identifier in _SKIP or not info.installed:
            continue
        variants = _VARIANTS + (_EXTRA_VARIANTS if info.code in _EXTRA_FOR else ())
        variants = tuple(v for v in variants if v[0] in available)
        for variant, gender in variants:
            same = [v for v in variants if v[1] == gender]
            label = gender if len(same) == 1 else f"{gender} {same.index((variant, gender)) + 1}"
            entries.append(
                _Entry(
                    Voice(
                        id=f"espeak:{info.code}:{variant}",
                        name=f"{info.name} · {label}",
                        language=info.code,
                        gender=gender,
                        engine=ENGINE,
                    ),
                    aliases=info.languages,
                    espeak_name=f"{info.identifier}+{variant}",
                )
            )
    return entries


def _tags(entry: _Entry) -> list[str]:
    return [entry.voice.language.lower(), *(a.lower() for a in entry.aliases)]


def _primary(tag: str) -> str:
    return tag.lower().split("-", 1)[0]


def _matches(entry: _Entry, language: str) -> bool:
    """``es`` matches every Spanish voice; ``es-419`` only es-419 and its sub-tags."""
    query = language.strip().lower()
    if "-" not in query:
        return any(_primary(t) == query for t in _tags(entry))
    return any(t == query or t.startswith(query + "-") for t in _tags(entry))


def list_voices(language: str | None = None) -> list[Voice]:
    """Every offline voice, or those for ``language`` (BCP-47: "es", "es-419", "en-US")."""
    return [e.voice for e in _catalogue() if not language or _matches(e, language)]


def _entry(voice_id: str) -> _Entry:
    for e in _catalogue():
        if e.voice.id == voice_id:
            return e
    lang = voice_id.split(":")[1] if voice_id.count(":") == 2 else "es"
    raise InputError("voice.unknown", voice=voice_id, language=lang)


def get_voice(voice_id: str) -> Voice:
    """The voice with this id; ``InputError`` naming how to list voices if there is none."""
    return _entry(voice_id).voice


def default_voice(language: str) -> Voice:
    """The voice used when none is chosen: the best match for ``language``.

    An exact tag (or one of espeak's aliases, so "es-MX" finds Latin American Spanish and
    "en-GB" British English) wins over a sub-tag ("en-GB" → "en-GB-x-rp"), which wins
    over the primary language ("pt-AO" → Portuguese).
    """
    query = language.strip().lower()
    entries = _catalogue()  # Piper comes first, so it is the default for English
    tiers = (
        lambda e: query in _tags(e),
        lambda e: _matches(e, query),
        lambda e: _primary(e.voice.language) == _primary(query),
        lambda e: _matches(e, _primary(query)),
    )
    for tier in tiers:
        for e in entries:
            if query and tier(e):
                return e.voice
    raise InputError("voice.no_language", language=language)


def check_voice_language(voice: Voice, language: str) -> None:
    """Raise ``InputError`` if ``voice`` does not speak ``language`` (primary tags differ)."""
    try:
        entry = _entry(voice.id)
    except InputError:
        entry = _Entry(voice, ())
    if any(_primary(t) == _primary(language) for t in _tags(entry)):
        return
    raise InputError(
        "voice.wrong_language", voice=voice.name, speaks=voice.language, language=language,
        primary=_primary(language),
    )  # fmt: skip


def supports_pitch(voice_id: str) -> bool:
    """Whether ``pitch`` changes this voice (Piper's model has no pitch control)."""
    return _entry(voice_id).espeak_name is not None


def _check_factor(name: str, value: float) -> None:
    """``name`` is "rate" or "pitch"."""
    if not (isinstance(value, int | float) and math.isfinite(value)):
        raise InputError(f"voice.{name}_not_number", min=MIN_FACTOR, max=MAX_FACTOR)
    if not MIN_FACTOR <= value <= MAX_FACTOR:
        raise InputError(f"voice.{name}_range", value=value, min=MIN_FACTOR, max=MAX_FACTOR)


def synthesize(voice_id: str, text: str, rate: float = 1.0, pitch: float = 1.0) -> Speech:
    """Speak ``text`` with the voice ``voice_id``.

    Returns float32 mono audio at ``SAMPLE_RATE`` with ~0.15 s of silence at each end,
    the phones (IPA, pauses left as gaps) and one timing per word of ``text`` as written.
    ``rate`` and ``pitch`` are factors from 0.5 to 2.0 (1.0 normal). Piper cannot change
    pitch: for ``piper:en-US:joe`` the pitch is accepted and ignored.
    """
    _check_factor("rate", rate)
    _check_factor("pitch", pitch)
    if not text or not any(ch.isalnum() for ch in text):
        raise InputError("voice.no_text")
    entry = _entry(voice_id)
    if entry.espeak_name is None:
        if pitch != 1.0:
            _log.info("Pitch %.2f ignored: the Piper voice %s has a fixed pitch.", pitch, voice_id)
        raw = piper_voice.synthesize(text, rate=rate)
    else:
        raw = espeak.synthesize(
            entry.espeak_name, text, rate=espeak.rate_wpm(rate), pitch=espeak.pitch_param(pitch)
        )
    raw = _at_engine_rate(raw)
    if raw.audio.size == 0 or not raw.phones:
        raise InputError("voice.no_sound")
    return finish(raw, text)


def _at_engine_rate(raw: RawSpeech) -> RawSpeech:
    """Resample to ``SAMPLE_RATE`` if a synthesiser ever speaks at another rate."""
    if raw.sample_rate == SAMPLE_RATE or raw.audio.size == 0:
        return raw
    n = round(len(raw.audio) * SAMPLE_RATE / raw.sample_rate)
    t_out = np.arange(n) / SAMPLE_RATE
    t_in = np.arange(len(raw.audio)) / raw.sample_rate
    audio = np.interp(t_out, t_in, raw.audio).astype(np.float32)
    return RawSpeech(audio, SAMPLE_RATE, raw.phones, raw.words)
