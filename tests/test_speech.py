"""Speech for the offline engine: real espeak-ng and Piper synthesis, measured.

Nothing here listens; every check is a measurement on the produced audio: energy inside
phones versus the pause between sentences, duration against rate, fundamental frequency
against pitch. The Piper tests share one loaded model (a few seconds to load).
"""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

from core.engines.local import speech
from core.engines.local.types import Speech
from core.errors import InputError

ES_TEXT = "Hola a todos. Hoy vamos a aprender algo nuevo, paso a paso."
EN_TEXT = "Hello everyone. Today we will learn something new, step by step."


def _rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0


def _segment(s: Speech, start: float, end: float) -> np.ndarray:
    return s.audio[int(start * s.sample_rate) : int(end * s.sample_rate)]


def _words_of(text: str) -> list[str]:
    """The script's words as written; a token without letters ("—") rides on the previous."""
    words: list[str] = []
    for token in text.split():
        if re.search(r"\w", token) or not words:
            words.append(token)
        else:
            words[-1] += " " + token
    return words


def _assert_consistent(s: Speech, text: str) -> None:
    """The contract every Speech must meet, whatever the voice."""
    assert s.audio.dtype == np.float32 and s.audio.ndim == 1
    assert s.sample_rate == speech.SAMPLE_RATE
    assert np.max(np.abs(s.audio)) <= 1.0
    assert _rms(s.audio) > 0.02, "the voice produced (almost) silence"
    # ~0.15 s of silence at both ends
    assert _rms(_segment(s, 0, 0.12)) < 1e-4
    assert _rms(_segment(s, s.duration - 0.12, s.duration)) < 1e-4
    assert s.phones, "no phones"
    for a, b in zip(s.phones, s.phones[1:], strict=False):
        assert a.end <= b.start + 1e-9, f"phones overlap: {a} {b}"
    for p in s.phones:
        assert 0.1 <= p.start < p.end <= s.duration - 0.1
        assert p.symbol.strip()
    assert [w.text for w in s.words] == _words_of(text)
    for a, b in zip(s.words, s.words[1:], strict=False):
        assert a.start <= a.end <= b.start + 1e-9
    assert all(0 <= w.start <= w.end <= s.duration for w in s.words)


def _sentence_gap(s: Speech, first_sentence_words: int) -> tuple[float, float]:
    """The pause between the first sentence and the next, from the word timings."""
    return s.words[first_sentence_words - 1].end, s.words[first_sentence_words].start


def _assert_pause_is_silent_and_phones_voiced(s: Speech, first_sentence_words: int) -> None:
    gap_start, gap_end = _sentence_gap(s, first_sentence_words)
    assert gap_end - gap_start > 0.15, "no pause between sentences"
    assert not any(p.start < gap_end - 0.02 and p.end > gap_start + 0.02 for p in s.phones)
    inside = np.concatenate([_segment(s, p.start, p.end) for p in s.phones])
    gap = _segment(s, gap_start + 0.02, gap_end - 0.02)
    assert _rms(inside) > 20 * max(_rms(gap), 1e-4)


def _f0(s: Speech) -> float:
    """Median autocorrelation pitch estimate (Hz) over loud 40 ms frames."""
    sr, n = s.sample_rate, int(0.04 * s.sample_rate)
    lo, hi = int(sr / 500), int(sr / 60)
    loud = 0.3 * float(np.max(np.abs(s.audio)))
    estimates = []
    for i in range(0, len(s.audio) - n, n // 2):
        x = s.audio[i : i + n].astype(np.float64)
        if np.max(np.abs(x)) < loud:
            continue
        x = x - x.mean()
        ac = np.correlate(x, x, "full")[n - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.3 * ac[0]:
            estimates.append(sr / lag)
    assert estimates, "no voiced frames"
    return float(np.median(estimates))


# --- the catalogue ------------------------------------------------------------------


def test_catalogue_ids_are_unique_and_well_formed() -> None:
    voices = speech.list_voices()
    ids = [v.id for v in voices]
    assert len(ids) == len(set(ids))
    assert len({v.language for v in voices}) >= 100
    for v in voices:
        assert re.fullmatch(r"(espeak:[A-Za-z0-9-]+:[fm]\d|piper:en-US:joe)", v.id), v.id
        assert v.engine == "local" and v.gender in {"female", "male"} and v.name
    assert {"es", "es-419", "en", "en-US", "pt-BR"} <= {v.language for v in voices}


def test_language_filter_matches_primary_subtag_case_insensitively() -> None:
    spanish = speech.list_voices("es")
    assert {v.language for v in spanish} == {"es", "es-419"}
    assert {v.gender for v in spanish} == {"female", "male"}
    assert speech.list_voices("ES") == spanish
    latin = speech.list_voices("es-419")
    assert latin and all(v.language == "es-419" for v in latin)
    assert len(latin) < len(spanish)
    english = speech.list_voices("en")
    assert speech.PIPER_JOE in {v.id for v in english}
    assert all(v.language.lower().startswith("en") for v in english)
    assert speech.list_voices("xx") == []


def test_default_voice_picks_the_closest_language() -> None:
    assert speech.default_voice("es").language == "es"
    assert speech.default_voice("es-419").language == "es-419"
    assert speech.default_voice("es-MX").language == "es-419"  # espeak's alias
    assert speech.default_voice("pt-BR").language == "pt-BR"
    assert speech.default_voice("en").id == speech.PIPER_JOE
    assert speech.default_voice("en-US").id == speech.PIPER_JOE
    with pytest.raises(InputError, match=r"'xx'.*python -m core voices"):
        speech.default_voice("xx")


def test_get_voice_and_unknown_voice() -> None:
    assert speech.get_voice("espeak:es-419:f3").name == "Spanish (Latin America) · female 1"
    with pytest.raises(InputError, match=r"Unknown voice 'x'.*python -m core voices --language"):
        speech.get_voice("x")


def test_voice_language_mismatch_is_explained() -> None:
    speech.check_voice_language(speech.get_voice("espeak:es-419:m3"), "es")
    speech.check_voice_language(speech.get_voice(speech.PIPER_JOE), "en")
    with pytest.raises(InputError) as info:
        speech.check_voice_language(speech.get_voice(speech.PIPER_JOE), "es")
    assert "en-US" in info.value.message and "--language es" in info.value.message


@pytest.mark.parametrize(
    ("rate", "pitch"), [(0.4, 1.0), (2.5, 1.0), (1.0, 0.3), (1.0, float("nan"))]
)
def test_rate_and_pitch_out_of_range(rate: float, pitch: float) -> None:
    with pytest.raises(InputError, match=r"0\.5 to 2\.0"):
        speech.synthesize("espeak:es:f3", "Hola", rate=rate, pitch=pitch)


def test_nothing_to_say() -> None:
    with pytest.raises(InputError, match="no text"):
        speech.synthesize("espeak:es:f3", " … — ")


# --- espeak-ng ----------------------------------------------------------------------


def test_every_listed_espeak_voice_speaks() -> None:
    """~290 voices, ~1 s in all: each must produce sound, phones and the script's words."""
    text = "Hola mundo, 1 2 3."
    for voice in speech.list_voices():
        if voice.id == speech.PIPER_JOE:
            continue  # covered by the Piper tests
        s = speech.synthesize(voice.id, text)
        assert _rms(s.audio) > 0.02, voice.id
        assert [w.text for w in s.words] == text.split(), voice.id
        assert len(s.phones) >= 5, voice.id


@pytest.mark.parametrize(
    ("voice_id", "text", "first_sentence_words"),
    [
        ("espeak:es:f3", ES_TEXT, 3),
        ("espeak:es-419:m3", ES_TEXT, 3),
        ("espeak:en-US:f3", EN_TEXT, 2),
    ],
)
def test_espeak_timings_follow_the_audio(
    voice_id: str, text: str, first_sentence_words: int
) -> None:
    s = speech.synthesize(voice_id, text)
    _assert_consistent(s, text)
    _assert_pause_is_silent_and_phones_voiced(s, first_sentence_words)


def test_accents_and_numbers_keep_words_as_written() -> None:
    text = "¿Qué tal, señora Núñez? Compré 25 manzanas — ¡qué rápido!"
    s = speech.synthesize("espeak:es:f3", text)
    _assert_consistent(s, text)
    assert [w.text for w in s.words][:3] == ["¿Qué", "tal,", "señora"]
    assert "manzanas —" in [w.text for w in s.words]  # the dash rides on its word
    number = next(w for w in s.words if w.text == "25")
    assert number.end - number.start > 0.4  # "veinticinco" takes a while


def test_faster_rate_gives_shorter_audio() -> None:
    normal = speech.synthesize("espeak:es:f3", ES_TEXT, rate=1.0)
    fast = speech.synthesize("espeak:es:f3", ES_TEXT, rate=1.5)
    slow = speech.synthesize("espeak:es:f3", ES_TEXT, rate=0.5)
    assert fast.duration < 0.8 * normal.duration < 0.8 * slow.duration
    _assert_consistent(fast, ES_TEXT)


def test_pitch_changes_the_fundamental() -> None:
    base = _f0(speech.synthesize("espeak:es:m3", ES_TEXT))
    high = _f0(speech.synthesize("espeak:es:m3", ES_TEXT, pitch=1.5))
    low = _f0(speech.synthesize("espeak:es:m3", ES_TEXT, pitch=0.7))
    assert 1.25 < high / base < 1.8
    assert 0.6 < low / base < 0.85
    female = _f0(speech.synthesize("espeak:es:f3", ES_TEXT))
    assert female > 1.5 * base


def test_concurrent_synthesis_is_serialised() -> None:
    """libespeak-ng is global state: parallel calls must each get their own, whole speech.

    (espeak is not bit-exact between calls: its breath noise is random and a few samples
    of state carry over, so the check is on the phones and the duration.)
    """
    expected = speech.synthesize("espeak:es:f3", ES_TEXT)
    results: list[Speech] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(speech.synthesize("espeak:es:f3", ES_TEXT))
            speech.synthesize("espeak:en-US:m3", EN_TEXT, rate=1.7, pitch=0.6)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 4
    for r in results:
        assert [p.symbol for p in r.phones] == [p.symbol for p in expected.phones]
        assert r.duration == pytest.approx(expected.duration, rel=0.01)


# --- Piper --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def piper_speech() -> Speech:
    return speech.synthesize(speech.PIPER_JOE, EN_TEXT)


def test_piper_gives_phones_and_words(piper_speech: Speech) -> None:
    _assert_consistent(piper_speech, EN_TEXT)
    _assert_pause_is_silent_and_phones_voiced(piper_speech, 2)
    symbols = {p.symbol for p in piper_speech.phones}
    assert {"h", "w", "s"} <= symbols
    assert any(sym.startswith("ˈ") for sym in symbols)  # stress joins its vowel, like espeak


def test_piper_numbers_rate_and_fixed_pitch(piper_speech: Speech) -> None:
    text = "I counted 25 birds. Then Dr. Smith arrived, quite late!"
    s = speech.synthesize(speech.PIPER_JOE, text)
    _assert_consistent(s, text)
    words = {w.text: w for w in s.words}
    assert words["25"].end - words["25"].start > 0.3  # "twenty-five" spread over its time
    assert words["birds."].start >= words["25"].end - 1e-9
    fast = speech.synthesize(speech.PIPER_JOE, EN_TEXT, rate=1.5)
    assert fast.duration < 0.8 * piper_speech.duration
    assert not speech.supports_pitch(speech.PIPER_JOE)
    assert speech.supports_pitch("espeak:es:f3")


def test_the_same_text_speaks_the_same_samples_twice_in_one_process() -> None:
    """libespeak-ng carries wave-generator state from one utterance into the next (the same
    text came out a few samples apart): it is reloaded before each one, so it does not."""
    from core.engines.local import espeak

    text = "Hola a todos. Hoy vamos a aprender por qué el cielo es azul."
    first = espeak.synthesize("roa/es", text, rate=170, pitch=50)
    espeak.synthesize("gmw/en-US", "Something else in between.", rate=250, pitch=70)
    for _ in range(2):
        again = espeak.synthesize("roa/es", text, rate=170, pitch=50)
        assert np.array_equal(again.audio, first.audio)
        assert again.phones == first.phones and again.words == first.words


PIPER_SPEAKS = """
import hashlib, sys
from core.engines.local import speech
s = speech.synthesize(speech.PIPER_JOE, sys.argv[1])
print(len(s.audio), hashlib.sha256(s.audio.tobytes()).hexdigest())
"""


def test_piper_speaks_the_same_samples_whatever_came_before_and_in_any_process(
    piper_speech: Speech,
) -> None:
    """Piper's model draws noise (durations and sound); it is seeded by the sentence itself
    (piper_noise.py), so the same text gives the same samples after other speech and in a
    fresh process."""
    import hashlib
    import subprocess
    import sys
    from pathlib import Path

    speech.synthesize(speech.PIPER_JOE, "Something else entirely, said in between.")
    again = speech.synthesize(speech.PIPER_JOE, EN_TEXT)
    assert np.array_equal(again.audio, piper_speech.audio)
    assert again.phones == piper_speech.phones and again.words == piper_speech.words
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", PIPER_SPEAKS, EN_TEXT],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.split()
    assert out == [str(len(again.audio)), hashlib.sha256(again.audio.tobytes()).hexdigest()]


def test_a_sentence_longer_than_the_noise_made_for_it_is_spoken_again_with_more() -> None:
    from core.engines.local import piper_noise

    calls: list[int] = []

    class Session:
        def run(self, names: object, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
            width = feed["seeded_noise_1"].shape[-1]
            calls.append(width)
            if len(calls) == 1:
                raise RuntimeError("Slice: not enough noise")  # as onnxruntime refuses it
            return [feed["seeded_noise_1"][:, :2, :5]]

    noise = [
        piper_noise.NoiseInput("seeded_noise_0", True),
        piper_noise.NoiseInput("seeded_noise_1", False),
    ]
    session = piper_noise.SeededSession(Session(), noise)
    feed = {
        "input": np.arange(10, dtype=np.int64)[None],
        "scales": np.array([0.6, 1.0, 0.8], np.float32),
    }
    session.run(None, feed)
    assert len(calls) == 2 and calls[1] > calls[0]
    same = session._fed(feed, 1)["seeded_noise_1"]
    assert np.array_equal(same, session._fed(feed, 1)["seeded_noise_1"])  # the same sentence
    other = dict(feed, input=np.arange(1, 11, dtype=np.int64)[None])
    assert not np.array_equal(same, session._fed(other, 1)["seeded_noise_1"])
