"""How long text takes to say: per-language speaking rates, word budgets, estimates.

Why words per minute and not characters: the person thinks in seconds of video, models
count loosely in words, and a presenter's pace in words is stable enough per language
(Spanish words are longer than English ones, German longer still). The rates are a
calm presenter's pace — a little slower than conversation — so a script written to the
budget fits the video rather than overflowing it.
"""

from __future__ import annotations

import math
import re

from core.errors import InputError

MIN_DURATION_S = 10.0
MAX_DURATION_S = 300.0

# Words per minute for a presenter reading to camera, by primary language subtag.
SPEAKING_RATES_WPM: dict[str, int] = {
    "en": 150,
    "es": 145,
    "pt": 145,
    "fr": 150,
    "it": 145,
    "de": 125,
}
DEFAULT_WPM = 140

# Models rarely hit a word count exactly; up to this much over the budget is kept as is.
OVER_BUDGET_TOLERANCE = 1.1

_WORD = re.compile(r"\S*\w\S*")  # a run of non-space that holds at least one letter/digit


def rate_wpm(language: str) -> int:
    """The speaking rate for a code such as ``es``, ``es-419`` or ``en-US``."""
    primary = (language or "").split("-")[0].split("_")[0].lower()
    return SPEAKING_RATES_WPM.get(primary, DEFAULT_WPM)


def check_duration(seconds: float) -> float:
    """The target duration as a float, or InputError naming the allowed range."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        raise InputError(
            "brief.duration_not_number", min=MIN_DURATION_S, max=MAX_DURATION_S, value=seconds
        ) from None
    if not math.isfinite(value) or not MIN_DURATION_S <= value <= MAX_DURATION_S:
        raise InputError(
            "brief.duration_range", min=MIN_DURATION_S, max=MAX_DURATION_S, value=value
        )
    return value


def word_budget(seconds: float, language: str) -> int:
    """How many words fill ``seconds`` of speech in ``language`` (10–300 s)."""
    return max(1, math.floor(check_duration(seconds) * rate_wpm(language) / 60 + 0.5))


def word_limit(budget: int) -> int:
    """The most words kept before the text is cut (the budget plus the tolerance)."""
    return max(budget, math.floor(budget * OVER_BUDGET_TOLERANCE))


def count_words(text: str) -> int:
    """Spoken words: whitespace-separated runs holding a letter or digit (not "—" or "…")."""
    return len(_WORD.findall(text))


def estimate_seconds(text: str, language: str) -> float:
    """Estimated speaking time of ``text`` at the language's rate, to 0.1 s."""
    return round(count_words(text) * 60 / rate_wpm(language), 1)
