"""IPA phonemes → visemes → mouth poses (Spanish and English, decorated and unknown)."""

from __future__ import annotations

import pytest

from core.engines.local.types import MouthPose
from core.engines.local.visemes import VISEME_POSES, Viseme, clean_symbol, pose_for, viseme_for

SPANISH = {
    "a": Viseme.OPEN,
    "e": Viseme.WIDE,
    "i": Viseme.WIDE,
    "o": Viseme.ROUND,
    "u": Viseme.ROUND,
    "m": Viseme.PRESS,
    "b": Viseme.PRESS,
    "p": Viseme.PRESS,
    "β": Viseme.PRESS,
    "f": Viseme.LIP_TEETH,
    "s": Viseme.TEETH,
    "t": Viseme.TEETH,
    "n": Viseme.TEETH,
    "θ": Viseme.TONGUE,
    "ð": Viseme.TONGUE,
    "l": Viseme.TONGUE,
    "ɾ": Viseme.TONGUE,
    "r": Viseme.TONGUE,
    "tʃ": Viseme.SHUSH,
    "j": Viseme.WIDE,
    "ɲ": Viseme.WIDE,
    "x": Viseme.NEUTRAL,
}

ENGLISH = {
    "ə": Viseme.MID,
    "ɛ": Viseme.MID,
    "ʌ": Viseme.MID,
    "ɔ": Viseme.ROUND,
    "æ": Viseme.OPEN,
    "ɪ": Viseme.WIDE,
    "ʊ": Viseme.ROUND,
    "w": Viseme.ROUND,
    "v": Viseme.LIP_TEETH,
    "ʃ": Viseme.SHUSH,
    "aɪ": Viseme.OPEN,  # diphthongs take their first vowel
    "oʊ": Viseme.ROUND,
    "eɪ": Viseme.WIDE,
    "aʊ": Viseme.OPEN,
    "dʒ": Viseme.SHUSH,
    "ŋ": Viseme.NEUTRAL,
}


@pytest.mark.parametrize(("symbol", "expected"), sorted({**SPANISH, **ENGLISH}.items()))
def test_plain_symbols(symbol: str, expected: Viseme) -> None:
    assert viseme_for(symbol) is expected


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("ˈa", Viseme.OPEN),
        ("ˌe", Viseme.WIDE),
        ("iː", Viseme.WIDE),
        ("ˈɑː", Viseme.OPEN),
        ("ˈoʊ", Viseme.ROUND),
        ("ˌaɪ", Viseme.OPEN),
        ("uː", Viseme.ROUND),
        ("t͡ʃ", Viseme.SHUSH),
        ("ˈɜː", Viseme.MID),
        ("n̩", Viseme.TEETH),
        ("ã", Viseme.OPEN),
        ("A", Viseme.OPEN),
    ],
)
def test_stress_length_and_diacritics_are_ignored(symbol: str, expected: Viseme) -> None:
    assert viseme_for(symbol) is expected


def test_clean_symbol_strips_marks() -> None:
    assert clean_symbol("ˈaː") == "a"
    assert clean_symbol("t͡ʃ") == "tʃ"
    assert clean_symbol("ˌoʊ") == "oʊ"


@pytest.mark.parametrize("symbol", ["☃", "Q9", "ʘ", "ˈ", "ǃ", "123"])
def test_unknown_symbols_get_a_mild_open_pose(symbol: str) -> None:
    assert viseme_for(symbol) is Viseme.NEUTRAL
    pose = pose_for(symbol)
    assert 0.0 < pose.open <= 0.4
    assert pose.press == 0.0


@pytest.mark.parametrize("symbol", ["", " ", "_", ",", ".", "?"])
def test_pauses_are_rest(symbol: str) -> None:
    assert pose_for(symbol) == MouthPose()


def test_every_viseme_has_a_valid_pose() -> None:
    assert set(VISEME_POSES) == set(Viseme)
    for pose in VISEME_POSES.values():
        values = (pose.open, pose.wide, pose.round, pose.press, pose.teeth_on_lip)
        assert all(0.0 <= v <= 1.0 for v in values)
    assert VISEME_POSES[Viseme.REST] == MouthPose()
    press = VISEME_POSES[Viseme.PRESS]
    assert press.press == 1.0 and press.open == 0.0


def test_key_visemes_have_distinct_poses() -> None:
    keys = [Viseme.REST, Viseme.OPEN, Viseme.WIDE, Viseme.ROUND, Viseme.PRESS, Viseme.LIP_TEETH]
    assert len({VISEME_POSES[k] for k in keys}) == len(keys)
    assert VISEME_POSES[Viseme.OPEN].open > VISEME_POSES[Viseme.MID].open
