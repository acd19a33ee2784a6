"""Where the offline engine's ``Speech`` comes from: the one place that picks the source.

* an offline voice (espeak-ng, Piper): the synthesiser's own phone and word timings;
* a ``tts:`` voice from a speech server: its audio, with the script aligned to it;
* the person's own narration (``RenderRequest.audio``): aligned to the script when there
  is one; without a script (or when asked to keep a recording whose script does not
  match) the mouth follows the audio's energy and there are no subtitles.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.audio.narration import check_narration, load_narration
from core.audio.voice_ids import is_server_voice
from core.engines.base import RenderPlan
from core.engines.local import speech
from core.engines.local.speech_timing import PEAK
from core.engines.local.types import Speech
from core.models import RenderRequest, Voice
from core.subtitles import TimedWord

if TYPE_CHECKING:
    from core.audio.speech_server import SpeechServer

NARRATION_VOICE = "narration"

_log = logging.getLogger(__name__)


@dataclass
class Voiced:
    speech: Speech
    subtitled: bool = True  # False: no words known, the video has no subtitles
    note: str = ""  # a message id said with the result when something was left out
    extra: dict[str, Any] = field(default_factory=dict)  # kept with the video's settings


def narration_voice(language: str) -> Voice:
    return Voice(NARRATION_VOICE, "Own narration", language, "neutral", "local")


def obtain_speech(
    request: RenderRequest, voice: Voice, server: SpeechServer | None = None
) -> Voiced:
    """The speech for ``request``: audio, phones and words (see the module docstring)."""
    if request.audio:
        audio = _level(load_narration(request.audio, speech.SAMPLE_RATE))
        return _with_script(audio, request, extra={"narration": True})
    if is_server_voice(voice.id):
        if server is None:
            raise ValueError("a tts: voice needs a SpeechServer")
        audio, spent = server.speak(
            voice.id, request.text, request.language, request.rate, speech.SAMPLE_RATE
        )
        return _with_script(_level(audio), request, extra={"tts_chars": spent}, strict=False)
    spoken = speech.synthesize(voice.id, request.text, rate=request.rate, pitch=request.pitch)
    return Voiced(spoken)


class NarrationKit:
    """What D-ID needs to speak a recording itself (handed in by the engine registry)."""

    def __init__(self, max_audio_mb: float) -> None:
        self.max_audio_mb = max_audio_mb

    def check(self, path: str) -> str:
        return check_narration(path, self.max_audio_mb, speech.SAMPLE_RATE).digest

    def voice(self, language: str) -> Voice:
        return narration_voice(language)

    def words(self, plan: RenderPlan) -> tuple[list[TimedWord], dict[str, Any]]:
        return narration_words(plan)


def narration_words(plan: RenderPlan) -> tuple[list[TimedWord], dict[str, Any]]:
    """For an engine that speaks the narration itself (D-ID): the script's words timed to
    the recording (none without a script, or when kept although it does not match), and
    what to keep with the video."""
    voiced = obtain_speech(plan.request, plan.voice)
    words = [TimedWord(w.text, w.start, w.end) for w in voiced.speech.words]
    extra = {**voiced.extra, "subtitles": voiced.subtitled}
    if voiced.note:
        extra["note"] = voiced.note
    return (words if voiced.subtitled else []), extra


def _with_script(
    audio: np.ndarray, request: RenderRequest, extra: dict[str, Any], strict: bool = True
) -> Voiced:
    from core.audio import align, energy  # scipy: only for narration and server voices

    sr = speech.SAMPLE_RATE
    if not request.text.strip():
        note = "audio.note_no_script"
        return Voiced(Speech(audio, sr, energy.mouth_phones(audio, sr)), False, note, extra)
    found = align.align_script(audio, sr, request.text, request.language)
    extra = {**extra, "alignment_confidence": round(found.confidence, 3)}
    if found.confidence < align.MIN_CONFIDENCE:
        if strict and not request.keep_unaligned:
            align.check_confidence(found)  # raises ScriptMismatch
        if strict:
            note = "audio.note_mismatch"
            phones = energy.mouth_phones(audio, sr)
            return Voiced(Speech(audio, sr, phones), False, note, extra)
        _log.warning("Speech server audio aligned with low confidence %.2f", found.confidence)
    return Voiced(Speech(audio, sr, found.phones, found.words), True, "", extra)


def _level(audio: np.ndarray) -> np.ndarray:
    """Peak-normalised like the offline voices, so every video plays at the same level."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return (audio * (PEAK / peak)).astype(np.float32) if peak > 1e-6 else audio
