"""Alignment accuracy and cost: a script timed to narration whose true word times are known.

Narration: each word synthesised on its own by a voice other than the aligner's reference
(Spanish: espeak-ng's Latin American male; English: Piper's neural "joe", a different
synthesiser altogether), joined with known gaps of 30–250 ms (700 ms after punctuation),
at two speaking rates. Prints the median and 95th percentile of |found − true| word
starts per case and overall (goals: ≤ 60 ms and ≤ 150 ms).

Cost: the alignment of a ~60 s narration, against the whole offline render of that video
(``render_video`` with the narration and its script, 512 px) — goal ≤ 20 %.

    .venv/bin/python benchmarks/align_accuracy.py [--skip-speed]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.audio.align import align_script  # noqa: E402
from core.config import Settings  # noqa: E402
from core.models import RenderRequest  # noqa: E402
from core.pipeline import render_video  # noqa: E402
from core.services import Services  # noqa: E402
from tests.narration_samples import ENGLISH, SPANISH, SR, joined_words, to_wav  # noqa: E402

CASES = (
    ("es", SPANISH, "espeak:es-419:m1"),
    ("en", ENGLISH, "piper:en-US:joe"),
)
RATES = (0.8, 1.25)


def accuracy() -> np.ndarray:
    every = []
    print(f"{'case':34} {'words':>5} {'median':>8} {'p95':>8} {'max':>8} {'conf':>6}")
    for lang, text, voice in CASES:
        for rate in RATES:
            sample = joined_words(text, voice, rate=rate, seed=7)
            found = align_script(sample.audio, SR, text, lang)
            err = np.abs(np.array([w.start for w in found.words]) - np.array(sample.starts))
            every.append(err)
            name = f"{lang} {voice} ×{rate}"
            print(f"{name:34} {len(err):5d} {np.median(err) * 1000:6.0f}ms "
                  f"{np.percentile(err, 95) * 1000:6.0f}ms {err.max() * 1000:6.0f}ms "
                  f"{found.confidence:6.2f}")  # fmt: skip
    allerr = np.concatenate(every)
    median, p95 = np.median(allerr) * 1000, np.percentile(allerr, 95) * 1000
    print(f"{'ALL':34} {len(allerr):5d} {median:6.0f}ms {p95:6.0f}ms")
    print("goals: median ≤ 60 ms, p95 ≤ 150 ms")
    continuous()
    return allerr


def continuous() -> None:
    """Connected speech without gaps, for comparison. Truth: the narrating voice's own word
    events (espeak-ng's, vowel-initial words at their vowel), so only roughly a truth."""
    from core.audio.align import _vowel_onsets
    from core.engines.local import speech

    for lang, text, voice in (
        ("es", SPANISH, "espeak:es-419:m1"),
        ("en", ENGLISH, "espeak:en-US:m1"),
    ):
        spoken = speech.synthesize(voice, text, rate=0.9)
        truth = [w.start for w in _vowel_onsets(spoken.words, spoken.phones)]
        found = align_script(spoken.audio, spoken.sample_rate, text, lang)
        err = np.abs(np.array([w.start for w in found.words]) - np.array(truth))
        name = f"continuous {lang} {voice}"
        median, p95 = np.median(err) * 1000, np.percentile(err, 95) * 1000
        print(f"{name:34} {len(err):5d} {median:6.0f}ms {p95:6.0f}ms {err.max() * 1000:6.0f}ms "
              f"{found.confidence:6.2f}  (not in ALL)")  # fmt: skip


def speed() -> None:
    text = " ".join([SPANISH] * 3)
    sample = joined_words(text, "espeak:es-419:m1", rate=1.0, seed=1)
    seconds = len(sample.audio) / SR
    align_script(sample.audio, SR, SPANISH, "es")  # warm: imports, espeak's first voice
    started = time.perf_counter()
    align_script(sample.audio, SR, text, "es")
    aligning = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "narration.wav"
        wav.write_bytes(to_wav(sample.audio))
        services = Services.from_settings(Settings(data_dir=Path(tmp) / "data"))
        request = RenderRequest(text=text, language="es", audio=str(wav), use_cache=False)
        started = time.perf_counter()
        video = render_video(services, request)
        rendering = time.perf_counter() - started
    print(f"\nnarration {seconds:.1f} s: alignment {aligning:.2f} s, whole offline render "
          f"{rendering:.2f} s (video {video.duration_s:.1f} s) → alignment is "
          f"{100 * aligning / rendering:.0f} % of the render (goal ≤ 20 %)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    accuracy()
    if not args.skip_speed:
        speed()


if __name__ == "__main__":
    main()
