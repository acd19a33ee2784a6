"""libespeak-ng driven through its C API with ctypes: audio plus phoneme and word events.

The library and its data come from the ``espeakng-loader`` wheel, so nothing has to be
installed on the machine and no ``espeak`` binary is shelled out to. (Piper ships its own
static copy of espeak-ng inside ``piper.espeakbridge``; that copy has its own global state
and is used only by Piper for phonemisation, never here.)

libespeak-ng keeps all of its state in globals and is not thread-safe, so every call into it
holds one lock. Some of that state (the wave generator's, carried from one utterance into the
next) is not reset by ``espeak_Initialize``: the same text spoken twice in one process came out
a few samples apart, so the same request did not render the same video twice. A freshly loaded
library always speaks the same, as in a new process, so the library is unloaded (``dlclose``)
and loaded again before each synthesis that follows another (~0.5 ms).

Synthesis runs in ``AUDIO_OUTPUT_SYNCHRONOUS`` mode: ``espeak_Synth`` returns only when the
whole text has been spoken, after calling our callback with each block of samples and the
events that fall in it. Event semantics (espeak-ng 1.52 ``speak_lib.h``, checked against
the real output):

* ``audio_position`` is milliseconds from the start of this ``espeak_Synth`` call's audio;
* ``text_position`` is the 1-based *character* (code point) index of the UTF-8 input and
  ``length`` the word's length in characters (``espeakEVENT_WORD``);
* ``espeakEVENT_PHONEME`` (enabled by ``espeakINITIALIZE_PHONEME_EVENTS``) carries the
  phoneme's name in ``id.string`` (up to 8 UTF-8 bytes, IPA with
  ``espeakINITIALIZE_PHONEME_IPA``); a pause is reported as a phoneme with an empty name,
  once where it starts and once where the clause ends.
"""

from __future__ import annotations

import _ctypes
import bisect
import ctypes
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.engines.local.speech_timing import RawSpeech, WordSpan
from core.engines.local.types import Phone
from core.errors import ConfigError, InputError

# speak_lib.h constants (espeak-ng 1.52, API revision 12)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000  # return an error instead of exit() when data is missing
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EE_OK = 0
_PARAM_RATE = 1
_PARAM_PITCH = 3
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_EVENT_PHONEME = 7

NORMAL_RATE_WPM = 170  # words per minute at rate factor 1.0 (espeak's own default is 175)
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450  # espeakRATE_MINIMUM / espeakRATE_MAXIMUM
NORMAL_PITCH = 50  # espeakPITCH: 0..100, 50 is the voice's own pitch

# Measured f0 relative to espeakPITCH=50, for espeakPITCH = 0, 25, 50, 75, 100 (median of
# es, es+f3, es+m3, en-us+f1). The scale is not linear, so a pitch *factor* is mapped
# through this table; factors outside 0.69..1.65 saturate at espeak's limits.
_PITCH_PARAMS = (0.0, 25.0, 50.0, 75.0, 100.0)
_PITCH_RATIOS = (0.69, 0.81, 1.0, 1.28, 1.65)


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    )


class _Event(ctypes.Structure):
    """``espeak_EVENT``."""

    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


class _Voice(ctypes.Structure):
    """``espeak_VOICE``."""

    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, NUL-terminated name)*, then 0
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class EspeakVoiceInfo:
    """One voice file espeak-ng ships (a language or dialect)."""

    name: str  # "Spanish (Latin America)"
    identifier: str  # "roa/es-419": the file under espeak-ng-data/voices
    languages: tuple[str, ...]  # "es-419", "es-mx": the tags it answers to, best first
    installed: bool = True  # False when the wheel lacks its dictionary (fo, kaa): mute

    @property
    def code(self) -> str:
        """The voice's language tag as espeak spells its file: "es-419", "en-US"."""
        return self.identifier.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class _RawEvent:
    kind: int
    text_position: int
    length: int
    ms: int
    phoneme: str


class _Collector:
    """Receives the samples and events of one ``espeak_Synth`` call."""

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.events: list[_RawEvent] = []
        self.error: Exception | None = None

    def __call__(self, wav: ctypes._Pointer, count: int, events: ctypes._Pointer) -> int:
        try:
            if wav and count > 0:
                self.blocks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            i = 0
            while events and events[i].type != _EVENT_LIST_TERMINATED:
                ev = events[i]
                name = ""
                if ev.type == _EVENT_PHONEME:
                    name = bytes(ev.id.string).split(b"\0", 1)[0].decode("utf-8", "replace")
                self.events.append(
                    _RawEvent(ev.type, ev.text_position, ev.length, ev.audio_position, name)
                )
                i += 1
        except Exception as err:  # never let an exception unwind through C: stop, re-raise
            self.error = err
            return 1
        return 0


class _Espeak:
    """The process's one initialised libespeak-ng. Use ``_engine()`` to get it."""

    def __init__(self) -> None:
        import espeakng_loader

        lib_path = espeakng_loader.get_library_path()
        data_path = Path(espeakng_loader.get_data_path())
        try:
            lib = ctypes.CDLL(lib_path)
        except OSError as err:
            raise ConfigError("voice.espeak_missing", path=lib_path, detail=str(err)) from None
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_ListVoices.argtypes = (ctypes.c_void_p,)
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Synth.argtypes = (
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )
        lib.espeak_Synth.restype = ctypes.c_int
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        # ``path`` is the folder that *contains* espeak-ng-data.
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data_path.parent).encode(), options
        )
        if rate <= 0:
            raise ConfigError("voice.espeak_no_data", path=str(data_path))
        self.lib = lib
        self.sample_rate = int(rate)
        self.data_path = data_path
        self.collector = _Collector()
        self.spoke = False  # has synthesised since it was loaded (its state has moved on)
        self._callback = _SynthCallback(self._dispatch)  # keep a reference: C holds it
        lib.espeak_SetSynthCallback(self._callback)

    def close(self) -> None:
        """Terminate and unload the library, so the next load starts from its initial state."""
        self.lib.espeak_Terminate()
        close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
        if close is not None:
            close(self.lib._handle)

    def _dispatch(self, wav: ctypes._Pointer, count: int, events: ctypes._Pointer) -> int:
        return self.collector(wav, count, events)


_ENGINE: _Espeak | None = None
_LOCK = threading.RLock()  # guards initialisation and every call into the library


def _engine(fresh: bool = False) -> _Espeak:
    """The initialised library; call with ``_LOCK`` held. ``fresh``: one that has not spoken
    since it was loaded (the state a new process starts from)."""
    global _ENGINE
    if fresh and _ENGINE is not None and _ENGINE.spoke:
        engine, _ENGINE = _ENGINE, None
        engine.close()
    if _ENGINE is None:
        _ENGINE = _Espeak()
    return _ENGINE


def sample_rate() -> int:
    """espeak-ng's output rate in Hz (22050 for the bundled voices)."""
    with _LOCK:
        return _engine().sample_rate


def variant_names() -> list[str]:
    """The voice variants shipped in espeak-ng-data/voices/!v (f1…f5, m1…m8, and more)."""
    with _LOCK:
        folder = _engine().data_path / "voices" / "!v"
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def list_languages() -> list[EspeakVoiceInfo]:
    """Every language voice espeak-ng ships, in espeak's order."""
    out: list[EspeakVoiceInfo] = []
    with _LOCK:
        voices = _engine().lib.espeak_ListVoices(None)
        i = 0
        while voices[i]:
            v = voices[i].contents
            out.append(
                EspeakVoiceInfo(
                    name=(v.name or b"").decode("utf-8", "replace").strip(),
                    identifier=(v.identifier or b"").decode("utf-8", "replace"),
                    languages=_parse_languages(v.languages),
                )
            )
            i += 1
        data = _engine().data_path
    return [replace(info, installed=_has_dictionary(data, info)) for info in out]


def _has_dictionary(data: Path, info: EspeakVoiceInfo) -> bool:
    """Whether the voice's pronunciation dictionary is in the data folder.

    espeak-ng names it in a ``dictionary`` line of the voice file, or else uses the primary
    subtag of the voice's first language; without it the voice speaks nothing.
    """
    name = info.languages[0].split("-", 1)[0] if info.languages else info.code
    try:
        lines = (data / "lang" / info.identifier).read_text("utf-8", "replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "dictionary":
            name = parts[1]
    return (data / f"{name}_dict").is_file()


def _parse_languages(address: int | None) -> tuple[str, ...]:
    """Decode ``espeak_VOICE.languages``: (priority byte, NUL-terminated tag) pairs."""
    tags: list[str] = []
    while address:
        priority = ctypes.string_at(address, 1)[0]
        if priority == 0:
            break
        tag = ctypes.string_at(address + 1)
        tags.append(tag.decode("utf-8", "replace"))
        address += 2 + len(tag)
    return tuple(tags)


def rate_wpm(rate: float) -> int:
    """A rate factor (1.0 normal) as espeak's words per minute, within espeak's limits."""
    return int(min(MAX_RATE_WPM, max(MIN_RATE_WPM, round(NORMAL_RATE_WPM * rate))))


def pitch_param(pitch: float) -> int:
    """A pitch factor (1.0 = the voice's own, 2.0 = an octave up) as espeakPITCH 0..100."""
    ratios = np.log(np.asarray(_PITCH_RATIOS))
    return round(float(np.interp(np.log(pitch), ratios, _PITCH_PARAMS)))


def synthesize(voice: str, text: str, *, rate: int, pitch: int) -> RawSpeech:
    """Speak ``text`` with the espeak voice ``voice`` ("roa/es-419+f3").

    ``rate`` is in words per minute and ``pitch`` is espeakPITCH (0..100); see
    ``rate_wpm`` and ``pitch_param``. Returns audio at espeak's sample rate with phones
    (pauses left as gaps) and word spans pointing into ``text``.
    """
    encoded = text.encode("utf-8")
    with _LOCK:
        engine = _engine(fresh=True)
        engine.spoke = True
        lib = engine.lib
        if lib.espeak_SetVoiceByName(voice.encode("utf-8")) != _EE_OK:
            raise InputError("voice.espeak_no_voice", voice=voice)
        lib.espeak_SetParameter(_PARAM_RATE, rate, 0)
        lib.espeak_SetParameter(_PARAM_PITCH, pitch, 0)
        engine.collector = collector = _Collector()
        status = lib.espeak_Synth(
            encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        engine.collector = _Collector()
        sr = engine.sample_rate
    if collector.error is not None:
        raise collector.error
    if status != _EE_OK:
        raise InputError("voice.espeak_failed", status=status)
    blocks = collector.blocks
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)
    audio = samples.astype(np.float32) / 32768.0
    phones = _phones(collector.events, audio, sr)
    return RawSpeech(audio, sr, phones, _words(collector.events, phones))


def _phones(events: list[_RawEvent], audio: np.ndarray, sr: int) -> list[Phone]:
    """Phones from phoneme events: each lasts until the next phoneme or pause starts.

    A phoneme without an IPA name is usually a pause, but espeak also reports a few silent
    *symbols* (word-linking marks) that way in the middle of a voiced stretch: those are
    told apart by the audio, and a voiced one just extends the phone before it.
    """
    duration = len(audio) / sr
    quiet = 0.1 * float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0
    marks = [e for e in events if e.kind in (_EVENT_PHONEME, _EVENT_END, _EVENT_MSG_TERMINATED)]
    out: list[Phone] = []
    for i, e in enumerate(marks):
        start = min(e.ms / 1000.0, duration)
        end = min(marks[i + 1].ms / 1000.0 if i + 1 < len(marks) else duration, duration)
        if end <= start:
            continue
        if e.kind == _EVENT_PHONEME and e.phoneme.strip():
            out.append(Phone(e.phoneme, start, end))
        elif out and abs(out[-1].end - start) < 1e-6:
            segment = audio[int(start * sr) : int(end * sr)]
            level = float(np.sqrt(np.mean(np.square(segment, dtype=np.float64))))
            if segment.size and level > quiet:  # voiced: not a pause
                out[-1] = Phone(out[-1].symbol, out[-1].start, end)
    return out


def _words(events: list[_RawEvent], phones: list[Phone]) -> list[WordSpan]:
    """Word spans from word events, timed by the phones spoken before the next word."""
    word_events = [e for e in events if e.kind == _EVENT_WORD]
    starts = [p.start for p in phones]  # phones come in time order
    out: list[WordSpan] = []
    for k, e in enumerate(word_events):
        start = e.ms / 1000.0
        limit = word_events[k + 1].ms / 1000.0 if k + 1 < len(word_events) else float("inf")
        lo = bisect.bisect_left(starts, start - 1e-6)
        hi = bisect.bisect_left(starts, limit - 1e-6)
        inside = phones[lo:hi]
        if inside:
            start, end = inside[0].start, max(p.end for p in inside)
        else:
            end = start
        first = max(0, e.text_position - 1)  # 1-based characters → 0-based index
        out.append(WordSpan(first, first + max(1, e.length), start, end))
    return out
