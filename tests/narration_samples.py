"""Narration with known word times, for alignment tests and benchmarks/align_accuracy.py.

Each word is synthesised on its own (with a voice other than the aligner's reference),
trimmed to its sound, and the words are joined with known gaps: so the true start and
end of every word in the result are known to the sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.engines.local import speech
from core.previews import wav_bytes

SR = speech.SAMPLE_RATE

SPANISH = (
    "La fotosíntesis es el proceso por el cual las plantas convierten la luz del sol en "
    "energía química. Las hojas absorben dióxido de carbono y liberan oxígeno, mientras "
    "las raíces toman agua del suelo para completar la reacción."
)
ENGLISH = (
    "Photosynthesis is the process by which plants turn sunlight into chemical energy. "
    "Leaves take in carbon dioxide and release oxygen, while the roots draw water from "
    "the soil to complete the reaction."
)


@dataclass(frozen=True)
class Sample:
    audio: np.ndarray  # float32 mono at SR
    text: str
    starts: list[float]  # true start of each word, seconds
    ends: list[float]


def _trimmed(voice: str, word: str, rate: float) -> np.ndarray:
    spoken = speech.synthesize(voice, word, rate=rate)
    start = min(p.start for p in spoken.phones)
    end = max(p.end for p in spoken.phones)
    return spoken.audio[int(start * SR) : int(np.ceil(end * SR))]


def joined_words(
    text: str, voice: str, rate: float = 1.0, seed: int = 0, lead: float = 0.4
) -> Sample:
    """``text`` said word by word by ``voice`` with gaps of 30–250 ms (700 ms after a full stop
    or comma), preceded by ``lead`` seconds of silence and a little noise throughout."""
    rng = np.random.default_rng(seed)
    pieces = [np.zeros(int(lead * SR), np.float32)]
    t = lead
    starts, ends = [], []
    for word in text.split():
        audio = _trimmed(voice, word, rate)
        starts.append(t)
        t += len(audio) / SR
        ends.append(t)
        pieces.append(audio)
        pause = 0.7 if word[-1] in ".,;:" else float(rng.uniform(0.03, 0.25))
        pieces.append(np.zeros(int(pause * SR), np.float32))
        t += int(pause * SR) / SR
    audio = np.concatenate(pieces)
    audio += rng.normal(0.0, 0.002, audio.size).astype(np.float32)  # a quiet room
    return Sample(audio.astype(np.float32), text, starts, ends)


def to_wav(audio: np.ndarray, sample_rate: int = SR) -> bytes:
    """16-bit PCM WAV bytes (what an upload or ``--audio`` would carry), written as the app
    writes its voice previews."""
    return wav_bytes(audio, sample_rate)
