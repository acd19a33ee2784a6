"""SRT and WebVTT from word timings.

Cues are cut at sentence boundaries first, then at phrase boundaries (, ; : —),
then between words; each cue has at most two lines of at most 42 characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Cue

MAX_LINE = 42
MAX_LINES = 2
MIN_CUE_S = 0.8  # a cue stays up at least this long when the next one leaves room
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)\]]*$")
_PHRASE_END = re.compile(r"[,;:—–]+[\"'»”)\]]*$")


@dataclass(frozen=True)
class TimedWord:
    text: str
    start: float
    end: float


def wrap(words: Sequence[str], max_line: int = MAX_LINE) -> tuple[str, ...] | None:
    """Up to two balanced lines of at most ``max_line`` characters, or None if they don't fit."""
    text = " ".join(words)
    if len(text) <= max_line:
        return (text,)
    best: tuple[float, tuple[str, str]] | None = None
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if len(first) > max_line or len(second) > max_line:
            continue
        # Balanced lines read best; a break after punctuation is a small bonus.
        score = abs(len(first) - len(second)) - (6 if _PHRASE_END.search(words[i - 1]) else 0)
        if best is None or score < best[0]:
            best = (score, (first, second))
    return best[1] if best else None


def _split_on(words: list[TimedWord], pattern: re.Pattern[str]) -> list[list[TimedWord]]:
    groups: list[list[TimedWord]] = [[]]
    for word in words:
        groups[-1].append(word)
        if pattern.search(word.text):
            groups.append([])
    return [g for g in groups if g]


def _pack(groups: list[list[TimedWord]]) -> list[list[TimedWord]]:
    """Join consecutive groups while they still fit in one cue; split a group that never fits."""
    cues: list[list[TimedWord]] = []
    for group in groups:
        if wrap([w.text for w in group]) is None:
            cues.extend(_split_words(group))
            continue
        if cues and wrap([w.text for w in cues[-1] + group]) is not None:
            cues[-1] = cues[-1] + group
        else:
            cues.append(list(group))
    return cues


def _split_words(words: list[TimedWord]) -> list[list[TimedWord]]:
    """Split a too-long phrase into as few cues as possible, of similar length."""
    total = len(" ".join(w.text for w in words))
    parts = max(2, -(-total // (MAX_LINE * MAX_LINES)))
    target = total / parts
    chunks: list[list[TimedWord]] = [[]]
    for word in words:
        candidate = chunks[-1] + [word]
        too_long = wrap([w.text for w in candidate]) is None
        past_target = len(" ".join(w.text for w in chunks[-1])) >= target
        if chunks[-1] and (too_long or past_target):
            chunks.append([word])
        else:
            chunks[-1] = candidate
    # A single word longer than two lines still becomes its own cue (hard-cut by characters).
    return [c for c in chunks if c]


def _lines(words: list[TimedWord]) -> tuple[str, ...]:
    lines = wrap([w.text for w in words])
    if lines is not None:
        return lines
    text = " ".join(w.text for w in words)
    return tuple(text[i : i + MAX_LINE] for i in range(0, len(text), MAX_LINE))[:MAX_LINES]


def cues_from_words(words: Sequence[TimedWord]) -> list[Cue]:
    """Cues at sentence, then phrase, boundaries; timed from the first to the last word."""
    clean = [w for w in words if w.text.strip()]
    groups: list[list[TimedWord]] = []
    for sentence in _split_on(clean, _SENTENCE_END):
        groups.extend(_pack(_split_on(sentence, _PHRASE_END)))
    cues: list[Cue] = []
    for i, group in enumerate(groups):
        start = group[0].start
        end = max(group[-1].end, start + MIN_CUE_S)
        if i + 1 < len(groups):  # linger a little, but never overlap the next cue
            end = max(min(end, groups[i + 1][0].start), group[-1].end)
        cues.append(Cue(start=round(start, 3), end=round(end, 3), lines=_lines(group)))
    return cues


def words_by_length(text: str, start: float, end: float) -> list[TimedWord]:
    """Spread the words of ``text`` over [start, end] in proportion to their length.

    Used when the engine gives no word timings (D-ID): sentences and pauses are
    approximated by weighting punctuation as a little extra time.
    """
    tokens = text.split()
    if not tokens or end <= start:
        return []
    weights = [
        len(t) + 1 + (6 if _SENTENCE_END.search(t) else 3 if _PHRASE_END.search(t) else 0)
        for t in tokens
    ]
    scale = (end - start) / sum(weights)
    words, t = [], start
    for token, weight in zip(tokens, weights, strict=True):
        span = weight * scale
        words.append(TimedWord(token, t, t + span * 0.85))
        t += span
    return words


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(cues: Sequence[Cue]) -> str:
    blocks = [
        f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n" + "\n".join(c.lines)
        for i, c in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def to_vtt(cues: Sequence[Cue], settings: str = "") -> str:
    """WebVTT; ``settings`` (e.g. ``line:80% position:50%``) places every cue in the player."""
    tail = f" {settings}" if settings else ""
    blocks = [
        f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}{tail}\n" + "\n".join(c.lines)
        for c in cues
    ]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
