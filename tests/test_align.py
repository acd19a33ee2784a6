"""Own narration: decoding, alignment with known word times, the audio-only mouth, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.audio.align import MIN_CONFIDENCE, ScriptMismatch, align_script, check_confidence
from core.audio.decode import decode_audio
from core.audio.energy import mouth_phones
from core.audio.narration import check_narration, store_narration
from core.engines.local.lipsync import timeline
from core.errors import InputError
from core.models import RenderRequest
from core.pipeline import render_video
from tests.narration_samples import ENGLISH, SPANISH, SR, joined_words, to_wav
from tests.test_cli import assert_error, cli


@pytest.fixture(scope="module")
def spanish():
    return joined_words(SPANISH, "espeak:es-419:m1", rate=1.0, seed=3)


def test_word_starts_are_found_in_narration_with_known_times(spanish) -> None:
    found = align_script(spanish.audio, SR, SPANISH, "es")
    assert [w.text for w in found.words] == SPANISH.split()
    errors = np.abs(np.array([w.start for w in found.words]) - np.array(spanish.starts))
    assert np.median(errors) < 0.06, errors
    assert found.confidence >= MIN_CONFIDENCE
    starts = [w.start for w in found.words]
    assert starts == sorted(starts)


def test_a_script_the_recording_does_not_say_is_refused(spanish) -> None:
    other = ("Mañana vamos al mercado a comprar frutas, verduras y pan para toda la semana "
             "que viene con mi hermana y con su perro pequeño.")  # fmt: skip
    found = align_script(spanish.audio, SR, other, "es")
    with pytest.raises(ScriptMismatch) as err:
        check_confidence(found)
    assert err.value.message_id == "audio.script_mismatch" and "confianza" in err.value.text("es")


def test_the_mouth_is_closed_in_silences_and_open_on_vowels() -> None:
    sample = joined_words("mamá ama la papa", "espeak:es:f3", seed=1, lead=0.8)
    audio = np.concatenate([sample.audio, np.zeros(int(0.8 * SR), np.float32)])
    phones = mouth_phones(audio, SR)
    states = timeline(phones, len(audio) / SR, fps=25)
    opening = np.array([s.mouth.open for s in states])
    t = np.arange(len(states)) / 25
    silent = (t < 0.6) | (t > sample.ends[-1] + 0.3)
    assert opening[silent].max() < 0.05  # lead-in and tail: closed
    speaking = (t > sample.starts[0]) & (t < sample.ends[-1])
    assert opening[speaking].max() > 0.4  # "a" opens the jaw
    assert all(sample.starts[0] - 0.1 < p.start < sample.ends[-1] + 0.1 for p in phones)


def test_decoding_refuses_garbage_silence_and_overlong_audio(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        decode_audio(b"not audio" * 100, SR, name="x.wav")
    assert err.value.message_id == "audio.unreadable"
    with pytest.raises(InputError) as err:
        decode_audio(to_wav(np.zeros(SR * 2, np.float32)), SR, name="quiet.wav")
    assert err.value.message_id == "audio.silent"
    tone = (0.3 * np.sin(np.arange(SR * 3) * 0.05)).astype(np.float32)
    with pytest.raises(InputError) as err:
        decode_audio(to_wav(tone), SR, max_seconds=2.0, name="long.wav")
    assert err.value.message_id == "audio.too_long"
    big = tmp_path / "big.wav"
    big.write_bytes(to_wav(tone))
    with pytest.raises(InputError) as err:
        check_narration(big, max_mb=0.05, sample_rate=SR)
    assert err.value.message_id == "audio.too_big"
    with pytest.raises(InputError):
        store_narration(tmp_path, b"x" * 10, "notes.txt", max_mb=5)


def test_narration_keeps_its_audio_and_is_subtitled_with_the_script(services, spanish,
                                                                     tmp_path) -> None:  # fmt: skip
    path = store_narration(services.settings.data_dir, to_wav(spanish.audio), "mi voz.wav", 50)
    video = render_video(services, RenderRequest(text=SPANISH, audio=str(path), size=256))
    assert video.has_subtitles and "fotosíntesis" in video.subtitles.read_text()
    assert abs(video.duration_s - len(spanish.audio) / SR) < 0.1
    silent = render_video(services, RenderRequest(text="", audio=str(path), size=256))
    assert not silent.has_subtitles and silent.to_json()["subtitles"] is None
    assert "no subtitles" in silent.to_json()["note"]


def test_cli_narration_bad_input_exits_2(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.m4a"
    bad.write_bytes(b"\x00" * 1000)
    assert_error(cli("render", "--audio", str(bad), data_dir=data_dir), 2, "bad.m4a")
    quiet = tmp_path / "quiet.wav"
    quiet.write_bytes(to_wav(np.zeros(SR, np.float32)))
    assert_error(cli("render", "--audio", str(quiet), data_dir=data_dir), 2, "silent")
    assert_error(cli("render", data_dir=data_dir), 2, "--audio")


def test_cli_mismatched_script_exits_2_unless_kept(data_dir: Path, tmp_path: Path) -> None:
    english = joined_words(ENGLISH, "espeak:en-US:m1", seed=2)
    wav = tmp_path / "talk.wav"
    wav.write_bytes(to_wav(english.audio))
    other = "Bananas are yellow and monkeys like them a lot, especially in the summer heat."
    out = tmp_path / "v.mp4"
    proc = cli("render", "--audio", str(wav), "--text", other, "--language", "en",
               "--out", str(out), data_dir=data_dir)  # fmt: skip
    assert_error(proc, 2, "does not seem to match")
    assert not out.exists()
    proc = cli("render", "--audio", str(wav), "--text", other, "--language", "en",
               "--keep-unaligned", "--size", "256", "--json", data_dir=data_dir)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert '"subtitles": null' in proc.stdout and "does not match" in proc.stdout
