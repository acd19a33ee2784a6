"""IPA phonemes (as espeak-ng and Piper print them) → visemes → target mouth poses.

A viseme is what the eye sees of a sound: many phonemes share one mouth shape (p, b
and m all press the lips). Lip sync only needs the shape, so this table is the single
place where phonetics meets drawing. Symbols arrive decorated (stress ``ˈˌ``, length
``ː``, tie bars, syllabic marks…); those never change the mouth shape and are stripped.
Unknown symbols get a mild neutral-open pose: a slightly open mouth is never wrong
enough to notice, a crash or a frozen mouth would be.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from core.engines.local.types import MouthPose


class Viseme(StrEnum):
    """The mouth shapes the presenters can draw."""

    REST = "rest"  # closed, relaxed (silence)
    OPEN = "open"  # jaw dropped: a
    MID = "mid"  # half open, relaxed: ə ʌ ɛ ɜ
    WIDE = "wide"  # lips spread: i e
    ROUND = "round"  # lips rounded: o u w
    PRESS = "press"  # lips pressed together: m b p
    LIP_TEETH = "lip_teeth"  # upper teeth on the lower lip: f v
    TEETH = "teeth"  # teeth nearly together: s z t d n
    SHUSH = "shush"  # teeth together, lips pushed forward: ʃ tʃ ʒ dʒ
    TONGUE = "tongue"  # tongue tip visible / near the teeth: l θ ð ɾ r
    NEUTRAL = "neutral"  # slightly open: k g h and anything unknown


VISEME_POSES: dict[Viseme, MouthPose] = {
    Viseme.REST: MouthPose(),
    Viseme.OPEN: MouthPose(open=1.0, wide=0.15),
    Viseme.MID: MouthPose(open=0.5, wide=0.15),
    Viseme.WIDE: MouthPose(open=0.3, wide=1.0),
    Viseme.ROUND: MouthPose(open=0.3, round=1.0),
    Viseme.PRESS: MouthPose(press=1.0),
    Viseme.LIP_TEETH: MouthPose(open=0.1, teeth_on_lip=1.0),
    Viseme.TEETH: MouthPose(open=0.15, wide=0.55),
    Viseme.SHUSH: MouthPose(open=0.15, wide=0.1, round=0.55),
    Viseme.TONGUE: MouthPose(open=0.35, wide=0.3),
    Viseme.NEUTRAL: MouthPose(open=0.25, wide=0.1),
}

_GROUPS: dict[Viseme, tuple[str, ...]] = {
    Viseme.OPEN: ("a", "ɑ", "ä", "ɐ", "æ", "ɶ", "ɒ", "ᴀ"),
    Viseme.MID: ("ə", "ʌ", "ɛ", "ɜ", "ɚ", "ɝ", "ᵻ", "ɘ", "œ", "ɞ", "ɤ"),
    Viseme.WIDE: ("i", "e", "ɪ", "ɨ", "y", "ʏ", "ø", "ɯ", "j", "ʝ", "ɲ", "ç"),
    Viseme.ROUND: ("o", "ɔ", "u", "ʊ", "ɵ", "ʉ", "w", "ʍ", "ɥ", "ɰ"),
    Viseme.PRESS: ("m", "b", "p", "ɱ", "β", "ɓ"),
    Viseme.LIP_TEETH: ("f", "v", "ʋ", "ɸ"),
    Viseme.TEETH: ("s", "z", "t", "d", "n", "ts", "dz", "ɕ", "ʑ", "ʦ", "ʣ"),
    Viseme.SHUSH: ("ʃ", "ʒ", "tʃ", "dʒ", "ʧ", "ʤ", "tɕ", "dʑ", "ʂ", "ʐ"),
    Viseme.TONGUE: ("l", "θ", "ð", "ɾ", "r", "ɹ", "ɻ", "ʎ", "ɫ", "ɭ", "ɬ", "ʀ", "ʁ", "ɽ"),
    Viseme.NEUTRAL: ("k", "g", "ɡ", "x", "ɣ", "h", "ɦ", "ŋ", "ɴ", "q", "χ", "ħ", "ɟ", "c", "ʔ"),
}

PHONE_VISEMES: dict[str, Viseme] = {sym: vis for vis, syms in _GROUPS.items() for sym in syms}

# Marks that decorate a phoneme without changing the mouth: stress, length, tie bars,
# modifier letters (aspiration, palatalisation) and the syllable separator.
_DROP = set("ˈˌːˑ'.-͜͡‿ʰʲʷˠˤⁿˡ̃")
# Pause markers some front ends emit as phones.
_PAUSES = set(' _|.,;:!?¡¿…"()')

_MAX_KEY = max(len(s) for s in PHONE_VISEMES)


def clean_symbol(symbol: str) -> str:
    """The phoneme without stress/length marks, tie bars or combining diacritics."""
    decomposed = unicodedata.normalize("NFD", symbol)
    kept = [c for c in decomposed if c not in _DROP and not unicodedata.combining(c)]
    return unicodedata.normalize("NFC", "".join(kept)).strip()


def viseme_for(symbol: str) -> Viseme:
    """The viseme of one IPA phoneme; diphthongs take their first vowel, unknowns NEUTRAL."""
    if symbol and all(c in _PAUSES for c in symbol):
        return Viseme.REST
    cleaned = clean_symbol(symbol)
    if not cleaned:
        return Viseme.REST if symbol.strip() == "" else Viseme.NEUTRAL
    cleaned = cleaned.lower() if cleaned.isascii() else cleaned
    # Longest known prefix: "tʃ" before "t", and "aɪ" falls back to "a".
    for length in range(min(_MAX_KEY, len(cleaned)), 0, -1):
        vis = PHONE_VISEMES.get(cleaned[:length])
        if vis is not None:
            return vis
    return Viseme.NEUTRAL


def pose_for(symbol: str) -> MouthPose:
    """The target mouth pose of one IPA phoneme (never raises)."""
    return VISEME_POSES[viseme_for(symbol)]
