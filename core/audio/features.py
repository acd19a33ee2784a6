"""Spectral features for alignment and for the audio-only mouth: MFCCs and frame energy.

Built on scipy (``scipy.signal.stft`` for the spectrum, ``scipy.fft.dct`` for the cepstrum)
plus a mel filterbank, which is a few lines of numpy. librosa would give the same MFCCs,
but its first call JIT-compiles with numba for many seconds (measured: 2.7 s for the MFCCs
of 60 s, 17.8 s for its first DTW here), which alone would exceed the alignment budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import fft, signal

HOP_S = 0.01  # 10 ms between frames
WIN_S = 0.025  # 25 ms analysis window
N_MELS = 26
N_MFCC = 13


@dataclass(frozen=True)
class Frames:
    """Per-frame features of a signal; frame ``i`` is centred at ``i * hop_s`` seconds."""

    mfcc: np.ndarray  # (frames, N_MFCC - 1): cepstrum without c0, mean/variance normalised
    db: np.ndarray  # (frames,) log energy in dB (relative to full scale)
    centroid: np.ndarray  # (frames,) spectral centroid in Hz
    hop_s: float


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


@lru_cache(maxsize=8)
def mel_filterbank(sample_rate: int, n_fft: int, n_mels: int = N_MELS) -> np.ndarray:
    """(n_mels, n_fft // 2 + 1) triangular filters from 60 Hz to 7.6 kHz (or Nyquist)."""
    top = min(7600.0, sample_rate / 2)
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(60.0)), _hz_to_mel(np.array(top)), n_mels + 2)
    )
    bins = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    bank = np.zeros((n_mels, bins.size), dtype=np.float32)
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        rising = (bins - lo) / (mid - lo)
        falling = (hi - bins) / (hi - mid)
        bank[m] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


def rms_db(audio: np.ndarray, hop: int, n: int) -> np.ndarray:
    """RMS level in dBFS of ``n`` frames of ``hop`` samples (a frame per hop, centred)."""
    padded = np.pad(audio, (hop // 2, n * hop + hop))
    blocks = padded[: n * hop].reshape(n, hop).astype(np.float64)
    return (10.0 * np.log10((blocks**2).mean(axis=1) + 1e-12)).astype(np.float32)


def frames(audio: np.ndarray, sample_rate: int, hop_s: float = HOP_S) -> Frames:
    """MFCCs, energy and spectral centroid every ``hop_s`` seconds."""
    if sample_rate >= 22050:  # MFCCs need nothing above 5.5 kHz: half the rate, half the work
        audio = signal.resample_poly(np.asarray(audio, dtype=np.float32), 1, 2).astype(np.float32)
        sample_rate //= 2
    hop = max(1, round(hop_s * sample_rate))
    win = max(hop, round(WIN_S * sample_rate))
    n_fft = 1 << (win - 1).bit_length()
    x = np.asarray(audio, dtype=np.float32)
    if x.size < win:
        x = np.pad(x, (0, win - x.size))
    # Pre-emphasis flattens speech's spectral tilt, as every speech front end does.
    x = np.append(x[:1], x[1:] - 0.97 * x[:-1])
    _, _, spec = signal.stft(
        x, fs=sample_rate, window="hann", nperseg=win, noverlap=win - hop, nfft=n_fft,
        boundary="even", padded=True,
    )  # fmt: skip
    n = int(np.ceil(len(audio) / hop))
    power = (np.abs(spec[:, :n]) ** 2).T.astype(np.float32)  # (frames, bins)
    mel = power @ mel_filterbank(sample_rate, n_fft).T
    logmel = np.log(mel + 1e-8)
    cep = fft.dct(logmel, type=2, axis=1, norm="ortho")[:, 1:N_MFCC]
    cep = (cep - cep.mean(axis=0)) / (cep.std(axis=0) + 1e-6)
    energy = power.sum(axis=1)
    db = rms_db(np.asarray(audio, dtype=np.float32), hop, n)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate).astype(np.float32)
    centroid = (power @ freqs) / (energy + 1e-10)
    return Frames(
        mfcc=cep.astype(np.float32),
        db=db.astype(np.float32),
        centroid=centroid,
        hop_s=hop / sample_rate,
    )
