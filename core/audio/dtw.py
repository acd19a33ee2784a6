"""Dynamic time warping between two feature sequences, coarse-to-fine, in numpy.

Rows are the *query* (the real audio), columns the *reference* (the script spoken by
espeak-ng). Each query frame moves the reference on by 0, 1, 2 or 3 frames, so every
cell depends only on the previous row and a whole row is computed at once with numpy:
the person may pause as long as they like (0: the reference waits) and may speak up to
three times faster than the reference for a while.

Coarse-to-fine (as in FastDTW, and like aeneas' banded DTW): a full DTW on features
averaged over ``k`` frames finds the rough path; the fine DTW then looks only within a
band around it. Memory and time grow linearly with the length instead of quadratically,
so ten minutes align in about a second. librosa's ``dtw`` is numba-compiled and would
cost many seconds of JIT on first use (see features.py); it also has no such band.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_STEP = 3  # reference frames one query frame may advance
_COARSE_CELLS = 12_000_000  # largest coarse matrix (float32 + int8 ≈ 60 MB)


@dataclass(frozen=True)
class Path:
    """``ref_of[i]``: the reference frame matched to query frame ``i`` (non-decreasing)."""

    ref_of: np.ndarray
    mean_cost: float  # average distance along the coarse path
    baseline: float  # the same against the reference played backwards (the same sounds,
    # in an order nobody speaks): what a path costs when the order does not match

    @property
    def confidence(self) -> float:
        """1 − cost / cost backwards: clearly above 0 when the audio says the reference in its
        order, about 0 when it says something else (any order fits it equally badly)."""
        return 1.0 - self.mean_cost / max(self.baseline, 1e-9)

    def query_frame(self, ref_frame: np.ndarray | float, last: bool = False) -> np.ndarray:
        """The first (or ``last``) query frame matched to ``ref_frame`` or later (earlier)."""
        ref = np.asarray(ref_frame)
        if last:
            return np.searchsorted(self.ref_of, ref, side="right") - 1
        return np.searchsorted(self.ref_of, ref, side="left")


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between every row of ``a`` and every row of ``b`` (float32)."""
    aa = (a * a).sum(1)[:, None]
    bb = (b * b).sum(1)[None, :]
    return np.sqrt(np.maximum(aa + bb - 2.0 * (a @ b.T), 0.0)).astype(np.float32)


def _step_penalty(scale: float) -> np.ndarray:
    """Small extra cost for waiting (0) and for hurrying (2, 3): prefer the diagonal."""
    return np.array([0.2, 0.0, 0.2, 0.5], dtype=np.float32) * scale


def _dp(
    row_cost: Callable[[int], np.ndarray],
    lo: np.ndarray,
    width: int,
    m: int,
    penalty: np.ndarray,
) -> np.ndarray:
    """DTW over rows whose columns are ``lo[i] .. lo[i] + width`` (``lo`` non-decreasing);
    returns the reference column matched to each row."""
    n = len(lo)
    steps = np.zeros((n, width), dtype=np.int8)
    inf = np.float32(np.inf)
    offsets = np.arange(width)
    prev = np.full(width, inf, dtype=np.float32)
    first = lo[0] + offsets == 0
    prev[first] = row_cost(0)[first]
    pad = np.full(width + MAX_STEP, inf, dtype=np.float32)
    cands = np.empty((MAX_STEP + 1, width), dtype=np.float32)
    pen = penalty[:, None]
    for i in range(1, n):
        moved = min(int(lo[i] - lo[i - 1]), width)
        # pad[MAX_STEP + j] = prev[j + moved]: step s reads pad[MAX_STEP - s + w]
        pad[:MAX_STEP] = inf
        pad[MAX_STEP : MAX_STEP + width - moved] = prev[moved:]
        pad[MAX_STEP + width - moved :] = inf
        for s in range(MAX_STEP + 1):
            cands[s] = pad[MAX_STEP - s : MAX_STEP - s + width]
        cands += pen
        choice = cands.argmin(axis=0).astype(np.int8)
        cur = cands.min(axis=0) + row_cost(i)
        if lo[i] + width > m:
            cur[m - lo[i] :] = inf
        steps[i] = choice
        prev = cur
    # Backtrack from the last reference frame (or the nearest reachable one).
    end = m - 1 - int(lo[n - 1])
    k = end if 0 <= end < width and np.isfinite(prev[end]) else int(np.argmin(prev))
    ref_of = np.empty(n, dtype=np.int64)
    for i in range(n - 1, -1, -1):
        col = int(lo[i]) + k
        ref_of[i] = col
        if i:
            k = col - int(steps[i, k]) - int(lo[i - 1])
    return np.maximum.accumulate(np.clip(ref_of, 0, m - 1))


def _pool(x: np.ndarray, k: int) -> np.ndarray:
    n = int(np.ceil(len(x) / k))
    padded = np.concatenate([x, np.repeat(x[-1:], n * k - len(x), axis=0)])
    return padded.reshape(n, k, -1).mean(axis=1)


def align(query: np.ndarray, ref: np.ndarray, radius: int = 40) -> Path:
    """The DTW path from ``query`` (n, d) to ``ref`` (m, d), both float32 features."""
    n, m = len(query), len(ref)
    k = 1
    while (n // k + 1) * (m // k + 1) > _COARSE_CELLS or k < 4:
        k *= 2
    qc, rc = _pool(query, k), _pool(ref, k)
    full = _distances(qc, rc)
    scale = float(full.mean())
    rows = np.zeros(len(qc), dtype=np.int64)
    coarse = _dp(lambda i: full[i], rows, len(rc), len(rc), _step_penalty(scale))
    backwards = full[:, ::-1]
    null = _dp(lambda i: backwards[i], rows, len(rc), len(rc), _step_penalty(scale))
    idx = np.arange(len(qc))
    coarse_cost = float(full[idx, coarse].mean())
    null_cost = float(backwards[idx, null].mean())
    # The band: around the coarse path, at full resolution, ``radius`` + k frames either side.
    centre = np.repeat(coarse * k + k // 2, k)[:n]
    half = radius + k
    width = 2 * half + 1
    lo = np.minimum(np.maximum(centre - half, 0), max(0, m - width))
    lo = np.minimum(np.maximum.accumulate(lo), max(0, m - width)).astype(np.int64)
    width = min(width, m)

    band = np.empty((n, width), dtype=np.float32)
    for start in range(0, n, 2048):  # in blocks: (rows, width, d) stays small
        rows = slice(start, start + 2048)
        d = query[rows, None, :] - ref[lo[rows, None] + np.arange(width)]
        band[rows] = np.sqrt((d * d).sum(-1))
    ref_of = _dp(lambda i: band[i], lo, width, m, _step_penalty(scale))
    return Path(ref_of=ref_of, mean_cost=coarse_cost, baseline=null_cost)
