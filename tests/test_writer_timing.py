"""Speaking rates, word budgets and estimates: the length rules, per language."""

from __future__ import annotations

import math

import pytest

from core.errors import InputError
from core.writers.timing import (
    DEFAULT_WPM,
    check_duration,
    count_words,
    estimate_seconds,
    rate_wpm,
    word_budget,
    word_limit,
)


@pytest.mark.parametrize(
    ("language", "wpm"),
    [("en", 150), ("en-US", 150), ("es", 145), ("es-419", 145), ("ES_es", 145), ("de", 125)],
)
def test_rate_uses_the_primary_language_subtag(language: str, wpm: int) -> None:
    assert rate_wpm(language) == wpm


def test_unknown_language_uses_the_default_rate() -> None:
    assert rate_wpm("nl") == DEFAULT_WPM
    assert rate_wpm("") == DEFAULT_WPM


@pytest.mark.parametrize(
    ("seconds", "language", "budget"),
    [
        (30, "en", 75),
        (30, "es", 73),  # 72.5 rounds half up, not to even
        (10, "en", 25),
        (10, "es", 24),
        (60, "es", 145),
        (300, "en", 750),
        (300, "es", 725),
    ],
)
def test_word_budget_from_seconds(seconds: float, language: str, budget: int) -> None:
    assert word_budget(seconds, language) == budget


def test_spanish_gets_fewer_words_than_english_for_the_same_time() -> None:
    assert word_budget(45, "es") < word_budget(45, "en")


@pytest.mark.parametrize("seconds", [9.9, 0, -5, 300.5, 1000, math.nan, math.inf, "abc", None])
def test_duration_outside_10_to_300_seconds_is_an_input_error(seconds: object) -> None:
    with pytest.raises(InputError) as info:
        word_budget(seconds, "es")  # type: ignore[arg-type]
    assert "between 10 and 300" in info.value.message
    assert info.value.exit_code == 2


def test_duration_accepts_numeric_strings_at_the_edges() -> None:
    assert check_duration("10") == 10.0
    assert check_duration(300) == 300.0


def test_word_limit_allows_ten_percent_over_the_budget() -> None:
    assert word_limit(100) == 110
    assert word_limit(25) == 27
    assert word_limit(1) == 1


def test_count_words_ignores_dashes_and_ellipses() -> None:
    assert count_words("Hola — ¿qué tal? … Bien, ¡gracias!") == 5
    assert count_words("It's 3.5 km away.") == 4
    assert count_words("") == 0


def test_estimate_seconds_from_words_and_rate() -> None:
    assert estimate_seconds(" ".join(["word"] * 150), "en") == 60.0
    assert estimate_seconds(" ".join(["palabra"] * 145), "es") == 60.0
    assert estimate_seconds(" ".join(["palabra"] * 29), "es-419") == 12.0
    assert estimate_seconds("", "es") == 0.0
