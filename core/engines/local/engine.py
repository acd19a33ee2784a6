"""The offline engine: speech (voicing.py: espeak-ng / Piper, a speech server, or the
person's own narration) → lip-sync timeline → presenter frames: a Clip for the composer."""

from __future__ import annotations

import functools
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.audio.narration import check_narration
from core.audio.voice_ids import is_server_voice
from core.cache import Cache
from core.compose.encode import FPS
from core.config import Settings
from core.engines.base import Capabilities, Clip, Journal, RenderPlan
from core.engines.local import speech
from core.engines.local.lipsync import timeline
from core.engines.local.presenters import backdrop, load_presenter
from core.engines.local.types import REST
from core.engines.local.voicing import narration_voice, obtain_speech
from core.errors import ConfigError
from core.messages import msg
from core.models import Avatar, ProgressFn, RenderRequest, Voice

if TYPE_CHECKING:
    from core.audio.speech_server import SpeechServer
from core.subtitles import TimedWord


def motion_seed(cache_parts: dict[str, Any]) -> int:
    """The seed of a video's blinks and head motion: a hash of what makes the video."""
    key = json.dumps(cache_parts, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


class LocalEngine:
    id = "local"
    version = "local-2"
    capabilities = Capabilities(
        pitch=True, voice_previews=True, sizes=(512, 256, 720, 1080), cutouts=True
    )

    def __init__(self, settings: Settings, cache: Cache) -> None:
        self.settings = settings
        self.cache = cache
        self._server: SpeechServer | None = None
        self._narration_digests: dict[str, str] = {}

    def speech_server(self) -> SpeechServer:
        """The configured speech server (ConfigError naming the variable if there is none)."""
        if self._server is None:
            from core.audio.speech_server import SpeechServer

            self._server = SpeechServer(self.settings, self.cache)
        return self._server

    def voices(self, language: str | None = None) -> list[Voice]:
        """Offline voices, then a speech server's ``tts:`` voices when one is configured."""
        found = speech.list_voices(language)
        if self.settings.speech_server_configured:
            found += self.speech_server().voices(language)
        return found

    def credits(self) -> dict[str, Any]:
        raise ConfigError("engine.local_no_credits")

    def plan(self, request: RenderRequest, avatar: Avatar, avatar_digest: str) -> RenderPlan:
        if request.audio:
            narration = check_narration(
                request.audio, self.settings.max_audio_mb, speech.SAMPLE_RATE
            )
            self._narration_digests[str(request.audio)] = narration.digest
            voice = narration_voice(request.language)
        elif is_server_voice(request.voice_id):
            voice = self.speech_server().get_voice(request.voice_id or "", request.language)
        elif request.voice_id:
            voice = speech.get_voice(request.voice_id)
            speech.check_voice_language(voice, request.language)
        else:
            voice = speech.default_voice(request.language)
        return RenderPlan(request=request, voice=voice, avatar=avatar, avatar_digest=avatar_digest)

    def cache_parts(self, plan: RenderPlan) -> dict[str, Any]:
        r = plan.request
        parts = {
            "text": r.text,
            "language": r.language,
            "voice": plan.voice.id,
            "rate": r.rate,
            "pitch": r.pitch,
            "canvas": list(plan.canvas) if plan.canvas else None,
            "fps": FPS,
            "avatar": plan.avatar_digest,
        }
        if r.audio:  # the recording's bytes, not its name
            parts["audio"] = (
                self._narration_digests.get(str(r.audio))
                or check_narration(r.audio, self.settings.max_audio_mb, speech.SAMPLE_RATE).digest
            )
            parts["keep_unaligned"] = r.keep_unaligned
        if is_server_voice(plan.voice.id):
            parts["tts"] = self.speech_server().cache_key(plan.voice.id, r.text, r.language, r.rate)
        return parts

    def render(
        self, plan: RenderPlan, workdir: Path, on_progress: ProgressFn, journal: Journal
    ) -> Clip:
        r = plan.request
        on_progress("speech", 0.02, msg("progress.speaking", voice=plan.voice.name))
        canvas = plan.canvas
        # Drawing the presenter's layers and synthesising speech are independent, and both
        # release the GIL for most of their work: do them side by side.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="presenter") as pool:
            presenter_job = pool.submit(load_presenter, plan.avatar, *canvas) if canvas else None
            server = self.speech_server() if is_server_voice(plan.voice.id) else None
            voiced = obtain_speech(r, plan.voice, server)
            spoken = voiced.speech
            on_progress("presenter", 0.08, msg("progress.preparing", name=plan.avatar.name))
            presenter = presenter_job.result() if presenter_job else None
        # Blinks and head motion are seeded by everything that makes this video (the cache
        # key's parts): another text, voice or presenter moves differently, the same request
        # renders the very same frames.
        seed = motion_seed(self.cache_parts(plan))
        states = timeline(spoken.phones, spoken.duration, fps=FPS, seed=seed, words=spoken.words)
        extra: dict[str, Any] = {**voiced.extra, "subtitles": voiced.subtitled}
        if voiced.note:
            extra["note"] = voiced.note
        clip = Clip(
            fps=FPS,
            n_frames=len(states),
            width=canvas[0] if canvas else 0,
            height=canvas[1] if canvas else 0,
            audio=spoken.audio,
            sample_rate=spoken.sample_rate,
            # narration that does not match its script gets no subtitles (nor captions)
            words=[TimedWord(w.text, w.start, w.end) for w in spoken.words]
            if voiced.subtitled
            else [],
            progress_done=0.1,
            extra=extra,
        )
        if presenter is not None:
            clip.frames = lambda: (presenter.render(s) for s in states)
            clip.face_box = tuple(presenter.face_box)  # type: ignore[assignment]
            clip.moving_box = tuple(presenter.moving_box)  # type: ignore[assignment]
            clip.has_alpha = bool(presenter.has_alpha)
            clip.still = presenter.render(REST)
            clip.backdrop = functools.partial(backdrop, plan.avatar)
            # Which face finder a photo's animation used (landmarks, or the Haar fallback).
            detector = getattr(presenter, "detector", None)
            if detector:
                extra["face_detector"] = detector
        return clip
