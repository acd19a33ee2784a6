"""Turning a synthesiser's raw timings into the engine's ``Speech`` contract.

Both back ends (espeak.py, piper_voice.py) report what the synthesiser said in its own
terms: phones with times, and *word spans* (a character range of the input text plus a
time range). This module does the parts that are the same for both, so the two voices
behave alike for lip sync and subtitles:

* phones that run into a pause are trimmed back to where the sound really stops, so a
  pause is a gap and no phone covers silence at a comma or full stop;
* word spans become one ``WordTiming`` per word of the script *as written* (with its
  punctuation), even when the synthesiser split or skipped a token;
* the audio is peak-normalised and padded with a little silence at both ends.

Kept apart from speech.py (the voice catalogue and entry point) by concept and size.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.engines.local.types import Phone, Speech, WordTiming

PAD_S = 0.15  # silence added at the start and the end, so the presenter starts at rest
PEAK = 0.9  # peak level after normalisation: headroom for the AAC encoder
_FRAME_S = 0.005  # energy envelope resolution for trimming
_MIN_PHONE_S = 0.03  # never trim a phone shorter than this
_TOKEN_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class WordSpan:
    """A word as the synthesiser saw it: characters ``[char_start, char_end)`` of the input
    text (0-based, in code points) spoken from ``start`` to ``end`` seconds."""

    char_start: int
    char_end: int
    start: float
    end: float


@dataclass
class RawSpeech:
    """What a back end produced, before padding and word mapping. Times are in seconds
    from the first sample of ``audio`` (float32, mono, -1..1)."""

    audio: np.ndarray
    sample_rate: int
    phones: list[Phone] = field(default_factory=list)
    words: list[WordSpan] = field(default_factory=list)


@dataclass(frozen=True)
class Token:
    """A whitespace-separated token of the script, with its character range."""

    start: int
    end: int
    text: str

    @property
    def spoken(self) -> bool:
        """Tokens with no letter or digit (a dash, an ellipsis) are not words of their own."""
        return any(ch.isalnum() for ch in self.text)

    @property
    def weight(self) -> int:
        """How long the word probably takes relative to others: its letters and digits."""
        return max(1, sum(ch.isalnum() for ch in self.text))


def tokenize(text: str) -> list[Token]:
    """Whitespace tokens of ``text``; a subtitle shows exactly these."""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


def voiced_intervals(phones: Sequence[Phone]) -> list[tuple[float, float]]:
    """The phones' spans merged into disjoint intervals: the time somebody is speaking."""
    out: list[tuple[float, float]] = []
    for p in sorted(phones, key=lambda p: p.start):
        if out and p.start <= out[-1][1] + 1e-6:
            out[-1] = (out[-1][0], max(out[-1][1], p.end))
        else:
            out.append((p.start, p.end))
    return out


def distribute(tokens: Sequence[Token], phones: Sequence[Phone]) -> list[WordSpan]:
    """Spread ``tokens`` over the voiced time of ``phones`` in proportion to their length.

    The fallback when the synthesiser's words cannot be matched one to one with the
    script (a number read as three words, an expanded abbreviation). Walking only the
    voiced time keeps words out of the pauses, so a word after a comma starts after it.
    """
    intervals = voiced_intervals(phones)
    if not tokens or not intervals:
        return []
    total = sum(b - a for a, b in intervals)
    edges = np.cumsum([0.0] + [float(t.weight) for t in tokens])
    fractions = edges / edges[-1] * total

    def at(voiced: float, *, closing: bool) -> float:
        # Map voiced time to clock time; a word ending exactly at an interval's end ends
        # there rather than at the start of the next interval.
        acc = 0.0
        for a, b in intervals:
            length = b - a
            if voiced < acc + length or (closing and voiced <= acc + length + 1e-9):
                return a + max(0.0, voiced - acc)
            acc += length
        return intervals[-1][1]

    return [
        WordSpan(
            t.start,
            t.end,
            at(float(fractions[i]), closing=False),
            at(float(fractions[i + 1]), closing=True),
        )
        for i, t in enumerate(tokens)
    ]


def trim_phones_to_voice(
    phones: Sequence[Phone], audio: np.ndarray, sample_rate: int
) -> list[Phone]:
    """Shorten every phone that is followed by a pause so it ends where the sound does.

    Synthesisers attribute the fade-out (and Piper sometimes part of the pause) to the
    last phone before a comma or full stop; the mouth should be closed during that
    silence. Only the tail is trimmed: the silent closure *before* a plosive at the start
    of a phrase is a real articulation (lips pressed for "p").
    """
    if not phones:
        return []
    hop = max(1, round(_FRAME_S * sample_rate))
    n = len(audio) // hop
    if n == 0:
        return list(phones)
    env = np.sqrt(np.mean(audio[: n * hop].astype(np.float64).reshape(n, hop) ** 2, axis=1))
    loud = float(np.percentile(env, 95)) if n else 0.0
    threshold = max(1e-3, 0.03 * loud)
    ordered = sorted(phones, key=lambda p: p.start)
    out: list[Phone] = []
    for i, p in enumerate(ordered):
        nxt = ordered[i + 1].start if i + 1 < len(ordered) else None
        end = p.end
        if nxt is None or nxt > p.end + 1e-4:  # a gap follows: trim the silent tail
            keep_until = p.start + min(_MIN_PHONE_S, p.end - p.start)
            last = min(n, int(np.ceil(end / _FRAME_S)))
            first = int(keep_until / _FRAME_S)
            frames = env[first:last]
            voiced = np.nonzero(frames >= threshold)[0]
            new_end = keep_until if voiced.size == 0 else (first + voiced[-1] + 1) * _FRAME_S
            end = max(keep_until, min(end, new_end))
        if nxt is not None:
            end = min(end, nxt)
        if end > p.start:
            out.append(Phone(p.symbol, p.start, end))
    return out


def _token_index(tokens: Sequence[Token], starts: Sequence[int], char: int) -> int | None:
    """The token containing character ``char``, or the next one if it falls on a space."""
    i = bisect.bisect_right(starts, char) - 1
    if i >= 0 and tokens[i].start <= char < tokens[i].end:
        return i
    return i + 1 if i + 1 < len(tokens) else None


def words_for_script(
    text: str, spans: Sequence[WordSpan], phones: Sequence[Phone]
) -> list[WordTiming]:
    """One ``WordTiming`` per word of the script, as written, from the synthesiser's spans.

    Several spans on one token (espeak may split "e-mail") are merged; a token without a
    span shares the time of its neighbour in proportion to length; a token with no letter
    or digit ("—") is glued to the previous word so subtitles still show it. Each word is
    then clipped to the phones spoken inside it, so it does not run into a pause.
    """
    tokens = tokenize(text)
    if not tokens:
        return []
    starts = [t.start for t in tokens]
    times: list[tuple[float, float] | None] = [None] * len(tokens)
    for span in spans:
        i = _token_index(tokens, starts, span.char_start)
        if i is None:
            continue
        if not tokens[i].spoken:  # a span on a punctuation token belongs to a real word
            j = i + 1
            while j < len(tokens) and not tokens[j].spoken:
                j += 1
            if j == len(tokens):
                continue
            i = j
        old = times[i]
        times[i] = (
            (span.start, span.end)
            if old is None
            else (min(old[0], span.start), max(old[1], span.end))
        )

    words = [i for i, t in enumerate(tokens) if t.spoken]
    _fill_untimed(tokens, words, times)
    result: list[WordTiming] = []
    for i in words:
        span_time = times[i]
        if span_time is None:
            continue
        result.append(WordTiming(tokens[i].text, span_time[0], span_time[1]))
    result = _clip_to_phones(result, phones)
    return _glue_punctuation(tokens, words, result)


def _fill_untimed(
    tokens: Sequence[Token], words: Sequence[int], times: list[tuple[float, float] | None]
) -> None:
    """Give untimed words a share of the previous timed word (or the next, at the start)."""
    k = 0
    while k < len(words):
        if times[words[k]] is not None:
            k += 1
            continue
        run_end = k
        while run_end < len(words) and times[words[run_end]] is None:
            run_end += 1
        if k > 0:
            group = list(words[k - 1 : run_end])
        elif run_end < len(words):
            group = list(words[k : run_end + 1])
        else:
            return  # nothing timed at all
        timed = next(times[g] for g in group if times[g] is not None)
        assert timed is not None
        weights = np.cumsum([0] + [tokens[g].weight for g in group], dtype=float)
        a, b = timed
        for g, w0, w1 in zip(group, weights[:-1], weights[1:], strict=True):
            times[g] = (a + (b - a) * w0 / weights[-1], a + (b - a) * w1 / weights[-1])
        k = run_end


def _clip_to_phones(words: list[WordTiming], phones: Sequence[Phone]) -> list[WordTiming]:
    """Fit each word to the phones that start inside it and keep words in order."""
    ordered = sorted(phones, key=lambda p: p.start)
    phone_starts = [p.start for p in ordered]
    out: list[WordTiming] = []
    for k, w in enumerate(words):
        limit = words[k + 1].start if k + 1 < len(words) else float("inf")
        lo = bisect.bisect_left(phone_starts, w.start - 1e-6)
        hi = bisect.bisect_left(phone_starts, min(max(w.end, w.start + 1e-6), limit) - 1e-6)
        inside = ordered[lo:hi]
        start, end = w.start, w.end
        if inside:
            start = max(start, inside[0].start) if start < inside[0].start else start
            end = max(p.end for p in inside)
        if out:
            start = max(start, out[-1].end)
        end = max(end, start)
        out.append(WordTiming(w.text, start, end))
    return out


def _glue_punctuation(
    tokens: Sequence[Token], words: Sequence[int], timed: list[WordTiming]
) -> list[WordTiming]:
    """Attach tokens without letters ("—", "…") to the neighbouring word's text."""
    if len(timed) != len(words):
        return timed
    by_token = dict(zip(words, range(len(timed)), strict=True))
    texts = [w.text for w in timed]
    pending: list[str] = []
    last: int | None = None
    for i, t in enumerate(tokens):
        if i in by_token:
            last = by_token[i]
            if pending:
                texts[last] = " ".join([*pending, texts[last]])
                pending = []
        elif last is not None:
            texts[last] = f"{texts[last]} {t.text}"
        else:
            pending.append(t.text)
    return [WordTiming(txt, w.start, w.end) for txt, w in zip(texts, timed, strict=True)]


def finish(raw: RawSpeech, text: str, pad_s: float = PAD_S) -> Speech:
    """The engine's ``Speech``: trimmed phones, script words, normalised and padded audio."""
    audio = np.asarray(raw.audio, dtype=np.float32).reshape(-1)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-6:
        audio = audio * (PEAK / peak)
    phones = trim_phones_to_voice(raw.phones, audio, raw.sample_rate)
    words = words_for_script(text, raw.words, phones)
    pad = np.zeros(round(pad_s * raw.sample_rate), dtype=np.float32)
    padded = np.concatenate([pad, audio, pad]).astype(np.float32)
    offset = len(pad) / raw.sample_rate
    duration = len(padded) / raw.sample_rate
    inner_end = offset + len(audio) / raw.sample_rate

    def clamp(t: float) -> float:
        return min(max(t + offset, offset), inner_end, duration)

    return Speech(
        audio=padded,
        sample_rate=raw.sample_rate,
        phones=[Phone(p.symbol, clamp(p.start), clamp(p.end)) for p in phones],
        words=[WordTiming(w.text, clamp(w.start), clamp(w.end)) for w in words],
    )
