"""A mouth from the audio alone, for narration without a script.

No words are known, so no phonemes: the mouth follows what can be heard. Per 10 ms
frame, the level says whether the person is speaking at all (closed in silence), the
syllable rhythm comes from the peaks of a smoothed level, and the spectral shape picks
the shape: a loud, low-centroid peak is an open vowel ("a"), a brighter one a spread
vowel ("e"), a darker quieter one a rounded vowel ("o"), hissing frames a fricative
("s"), and the dips between syllables a half-closed consonant ("t"). The result is a list
of ``Phone`` so the normal lip-sync timeline (lipsync.py) smooths it like any voice.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import ndimage, signal

from core.audio.features import frames
from core.engines.local.types import Phone

_SILENT_BELOW_PEAK_DB = 30.0  # quieter than this under the loud frames: a pause
_MIN_SPEECH_S = 0.06
_HISS_HZ = 3500.0  # centroid above this with modest level: s, f, ʃ


def mouth_phones(audio: np.ndarray, sample_rate: int) -> list[Phone]:
    """Phone-like events that open the mouth on vowels and close it in silence."""
    f = frames(audio, sample_rate)
    if f.db.size == 0:
        return []
    hop = f.hop_s
    loud = float(np.percentile(f.db, 98))
    speaking = f.db > loud - _SILENT_BELOW_PEAK_DB
    speaking = ndimage.binary_closing(speaking, np.ones(5, bool))  # ≤40 ms dips stay speech
    speaking = ndimage.binary_opening(speaking, np.ones(round(_MIN_SPEECH_S / hop), bool))
    level = ndimage.gaussian_filter1d(f.db, 2.0)  # ~20 ms smoothing for syllable peaks
    phones: list[Phone] = []
    labels, _ = ndimage.label(speaking)
    for run in ndimage.find_objects(labels):
        lo, hi = run[0].start, run[0].stop
        seg = level[lo:hi]
        peaks, _ = signal.find_peaks(seg, prominence=3.0, distance=max(1, round(0.08 / hop)))
        if peaks.size == 0:
            peaks = np.array([int(np.argmax(seg))])
        bounds = [lo] + [lo + int(np.argmin(seg[a:b])) + a for a, b in itertools.pairwise(peaks)]
        bounds.append(hi)
        for k, peak in enumerate(peaks):
            start, end = bounds[k], bounds[k + 1]
            centre = lo + int(peak)
            symbol = _vowel(float(f.db[centre] - loud), float(f.centroid[centre]))
            edge = max(1, min(3, (end - start) // 4))  # ~30 ms consonant at each side
            if k:
                phones.append(Phone("t", float(start * hop), float((start + edge) * hop)))
            phones.append(Phone(symbol, float((start + edge) * hop), float((end - edge) * hop)))
    return [p for p in phones if p.end > p.start]


def _vowel(level_db: float, centroid: float) -> str:
    """The shape of one syllable's nucleus from its level (below peak) and brightness."""
    if centroid > _HISS_HZ and level_db < -12.0:
        return "s"
    # (The centroid is of the pre-emphasised spectrum, so vowels sit higher than usual.)
    if level_db > -8.0:
        return "a" if centroid < 3000.0 else "e"
    if level_db > -16.0:
        return "e" if centroid > 3000.0 else "ə"
    return "o"
