"""Align a script to audio that says it: word times for subtitles, phone times for the mouth.

The technique of the ``aeneas`` aligner: speak the script with espeak-ng, which reports
when each word and phoneme is said, then warp that reference onto the real audio with
dynamic time warping over MFCCs (dtw.py). Every reference time then maps to a time in
the real audio. The reference is spoken at about the real audio's pace (a second
synthesis at a matched rate when the first is far off) so the warp stays near-diagonal.

How sure the match is comes from the path's cost compared with that of unrelated frames;
below ``MIN_CONFIDENCE`` the audio is not saying this script and ``ScriptMismatch`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.audio.dtw import align as dtw_align
from core.audio.features import frames
from core.engines.local import speech
from core.engines.local.types import Phone, Speech, WordTiming
from core.engines.local.visemes import clean_symbol
from core.errors import InputError

# Below this the audio does not say the script (measured by benchmarks/align_accuracy.py
# and tests: matching scripts 0.09–0.30, other texts of the same length at most 0.03).
MIN_CONFIDENCE = 0.05
_VOICED_BELOW_PEAK_DB = 35.0  # a frame is voiced when within this many dB of the loud frames
_CEPSTRA = 5  # c1..c5: the vocal tract's broad shape; higher ones tell speakers apart


class ScriptMismatch(InputError):
    """The script and the audio do not match (alignment confidence below the threshold)."""

    def __init__(self, message_id: str, /, *, confidence: float, **params: object) -> None:
        super().__init__(message_id, confidence=confidence, **params)
        self.confidence = confidence


@dataclass(frozen=True)
class Alignment:
    words: list[WordTiming]
    phones: list[Phone]
    confidence: float


def reference_voice(language: str) -> str:
    """The espeak-ng voice that speaks the reference: fast, and it knows its timings."""
    found = [v for v in speech.list_voices(language) if v.id.startswith("espeak:")]
    if not found:
        raise InputError("audio.no_reference_voice", language=language)
    exact = [v for v in found if v.language.lower() == language.lower()]
    return (exact or found)[0].id


def voiced(db: np.ndarray) -> np.ndarray:
    """Frames that carry voice: within ``_VOICED_BELOW_PEAK_DB`` of the loud frames."""
    loud = float(np.percentile(db, 98)) if db.size else 0.0
    return db > loud - _VOICED_BELOW_PEAK_DB


def _reference(text: str, language: str, voiced_s: float) -> Speech:
    voice = reference_voice(language)
    ref = speech.synthesize(voice, text)
    ref_voiced = sum(p.end - p.start for p in ref.phones)
    ratio = ref_voiced / max(voiced_s, 0.1)
    if not 0.8 <= ratio <= 1.25:
        ref = speech.synthesize(voice, text, rate=float(np.clip(ratio, 0.5, 2.0)))
    return ref


def align_script(audio: np.ndarray, sample_rate: int, text: str, language: str) -> Alignment:
    """Word and phone times of ``text`` in ``audio`` and how sure the match is.

    Pauses are taken out of both sides before warping (only frames with voice are
    aligned): a narrator pauses where espeak-ng does not, and a warp that has to spend a
    pause on some sound of the reference drifts. Times map back through the kept frames,
    so a word after a pause starts where the voice resumes.
    """
    real = frames(audio, sample_rate)
    real_voiced = voiced(real.db)
    ref = _reference(text, language, float(real_voiced.sum()) * real.hop_s)
    if ref.sample_rate != sample_rate:
        raise ValueError("the reference and the audio must share a sample rate")
    synth = frames(ref.audio, ref.sample_rate)
    synth_voiced = voiced(synth.db)
    q_keep, r_keep = np.flatnonzero(real_voiced), np.flatnonzero(synth_voiced)
    if q_keep.size < 10 or r_keep.size < 10:
        raise ScriptMismatch("audio.script_mismatch", confidence=0.0, threshold=MIN_CONFIDENCE)
    query = _features(real.mfcc, real.db)[q_keep]
    reference = _features(synth.mfcc, synth.db)[r_keep]
    path = dtw_align(query, reference)
    hop, n_real = real.hop_s, len(real.db)

    def to_real(t_start: float, t_end: float) -> tuple[float, float]:
        first = int(np.searchsorted(r_keep, round(t_start / synth.hop_s), side="left"))
        last = int(np.searchsorted(r_keep, round(t_end / synth.hop_s) - 1, side="right")) - 1
        first = min(first, len(r_keep) - 1)
        last = max(last, first)
        a = int(q_keep[min(int(path.query_frame(first)), len(q_keep) - 1)])
        b = int(q_keep[max(int(path.query_frame(last, last=True)), 0)])
        b = min(max(b, a), n_real - 1)
        return a * hop, (b + 1) * hop

    words = []
    for w in _vowel_onsets(ref.words, ref.phones):
        start, end = to_real(w.start, w.end)
        words.append(WordTiming(w.text, start, end))
    phones = []
    for p in ref.phones:
        start, end = to_real(p.start, p.end)
        phones.append(Phone(p.symbol, start, end))
    words = _snap_to_pauses(_monotonic(words), real_voiced, hop)
    return Alignment(words=words, phones=phones, confidence=path.confidence)


def _features(mfcc: np.ndarray, db: np.ndarray) -> np.ndarray:
    """MFCCs plus loudness below the peak; silence is all zeros but the loudness, so a pause
    matches a pause whatever the room's noise sounds like."""
    mfcc = mfcc[:, :_CEPSTRA]
    is_voiced = voiced(db)
    loud = float(np.percentile(db, 98)) if db.size else 0.0
    level = np.clip((db - loud) / 8.0, -_VOICED_BELOW_PEAK_DB / 8.0, 0.0)
    feats = np.concatenate([mfcc * is_voiced[:, None], 1.5 * level[:, None]], axis=1)
    return feats.astype(np.float32)


_VOWEL_LETTERS = set("aeiouáéíóúüàèìòùâêîôûyh")  # h: silent in Spanish ("hojas")
_VOWEL_PHONES = set("aeiouəɛɔɪʊæɑʌɐɜøœɒʏ")


def _vowel_onsets(words: list[WordTiming], phones: list[Phone]) -> list[WordTiming]:
    """espeak-ng links a final consonant to a following vowel ("en‿energía") and starts the
    vowel-initial word's event at that consonant; a listener hears the word begin at its
    vowel. So such a word starts at its first vowel phone (within the word)."""
    out = []
    for w in words:
        letters = [c for c in w.text.lower() if c.isalnum()]
        start = w.start
        if letters and letters[0] in _VOWEL_LETTERS:
            inside = [p for p in phones if w.start - 1e-3 <= p.start < w.end]
            first = next((p for p in inside if clean_symbol(p.symbol)[:1] in _VOWEL_PHONES), None)
            if (
                inside
                and first is not None
                and clean_symbol(inside[0].symbol)[:1] not in _VOWEL_PHONES
            ):
                start = first.start
        out.append(WordTiming(w.text, start, w.end))
    return out


_PAUSE_MIN_S = 0.08  # a silence this long between words is a boundary (stop closures are shorter)
_PAUSE_REACH_S = 0.25  # a word start this close to the end of such a pause moves onto it


def _snap_to_pauses(words: list[WordTiming], is_voiced: np.ndarray, hop: float) -> list[WordTiming]:
    """Boundary adjustment, as aeneas does with non-speech intervals: where the recording
    pauses near a word's aligned start, the word starts where the voice resumes (and the
    word before ends where it stopped)."""
    padded = np.concatenate([[True], is_voiced, [True]]).astype(np.int8)
    edges = np.diff(padded)
    starts, ends = np.flatnonzero(edges == -1), np.flatnonzero(edges == 1)  # silence runs
    keep = (ends - starts) * hop >= _PAUSE_MIN_S
    pause_start, pause_end = starts[keep] * hop, ends[keep] * hop
    if not pause_end.size:
        return words
    out = list(words)
    for i in range(1, len(out)):
        w = out[i]
        k = int(np.argmin(np.abs(pause_end - w.start)))
        if abs(pause_end[k] - w.start) > _PAUSE_REACH_S or pause_end[k] <= out[i - 1].start:
            continue
        onset = float(pause_end[k])
        if onset >= w.end:
            continue
        out[i] = WordTiming(w.text, onset, w.end)
        prev = out[i - 1]
        end = min(prev.end, max(prev.start + 0.01, float(pause_start[k])))
        out[i - 1] = WordTiming(prev.text, prev.start, end)
    return out


def _monotonic(words: list[WordTiming]) -> list[WordTiming]:
    out: list[WordTiming] = []
    for w in words:
        start = max(w.start, out[-1].start) if out else w.start
        out.append(WordTiming(w.text, start, max(w.end, start + 0.01)))
    return out


def check_confidence(alignment: Alignment) -> None:
    if alignment.confidence < MIN_CONFIDENCE:
        raise ScriptMismatch(
            "audio.script_mismatch", confidence=alignment.confidence, threshold=MIN_CONFIDENCE
        )
