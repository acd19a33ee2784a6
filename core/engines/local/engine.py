"""The offline engine: speech (voicing.py: espeak-ng / Piper, a speech server, or the
person's own narration) → lip-sync timeline → presenter frames → MP4."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2

from core.audio.narration import check_narration
from core.audio.speech_server import SpeechServer, is_server_voice
from core.cache import Cache
from core.config import Settings
from core.engines.base import (
    SRT_FILE,
    THUMB_FILE,
    VIDEO_FILE,
    VTT_FILE,
    Capabilities,
    Journal,
    RenderOutput,
    RenderPlan,
)
from core.engines.local import speech
from core.engines.local.alpha import Flattened
from core.engines.local.encode import FPS, encode_mp4, to_i420
from core.engines.local.frames import prefetch
from core.engines.local.lipsync import timeline
from core.engines.local.presenters import backdrop, load_presenter
from core.engines.local.voicing import narration_voice, obtain_speech
from core.errors import ConfigError
from core.files import write_bytes, write_text
from core.messages import msg
from core.models import Avatar, ProgressFn, RenderRequest, Voice
from core.subtitles import TimedWord, cues_from_words, to_srt, to_vtt


def motion_seed(cache_parts: dict[str, Any]) -> int:
    """The seed of a video's blinks and head motion: a hash of what makes the video."""
    key = json.dumps(cache_parts, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


class LocalEngine:
    id = "local"
    version = "local-1"
    capabilities = Capabilities(pitch=True, voice_previews=True, sizes=(512, 256, 720, 1080))

    def __init__(self, settings: Settings, cache: Cache) -> None:
        self.settings = settings
        self.cache = cache
        self._server: SpeechServer | None = None
        self._narration_digests: dict[str, str] = {}

    def speech_server(self) -> SpeechServer:
        """The configured speech server (ConfigError naming the variable if there is none)."""
        if self._server is None:
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
            "size": r.size,
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
    ) -> RenderOutput:
        r = plan.request
        on_progress("speech", 0.02, msg("progress.speaking", voice=plan.voice.name))
        # Drawing the presenter's layers and synthesising speech are independent, and both
        # release the GIL for most of their work: do them side by side.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="presenter") as pool:
            presenter_job = pool.submit(load_presenter, plan.avatar, r.size, r.size)
            backdrop_job = pool.submit(backdrop, plan.avatar, r.size, r.size)
            server = self.speech_server() if is_server_voice(plan.voice.id) else None
            voiced = obtain_speech(r, plan.voice, server)
            spoken = voiced.speech
            on_progress("presenter", 0.08, msg("progress.preparing", name=plan.avatar.name))
            presenter = presenter_job.result()
            background = backdrop_job.result()

        picture = Flattened(presenter, background)

        # Blinks and head motion are seeded by everything that makes this video (the cache
        # key's parts): another text, voice or presenter moves differently, the same request
        # renders the very same frames.
        seed = motion_seed(self.cache_parts(plan))
        states = timeline(spoken.phones, spoken.duration, fps=FPS, seed=seed, words=spoken.words)
        n = len(states)
        step = max(1, n // 50)

        def frame_done(i: int) -> None:
            if i % step == 0 or i == n:
                on_progress("animation", 0.1 + 0.85 * i / n, msg("progress.frame", i=i, n=n))

        encode_mp4(
            prefetch(to_i420(picture(s)) for s in states),
            n,
            spoken.audio,
            spoken.sample_rate,
            workdir / VIDEO_FILE,
            r.size,
            fps=FPS,
            on_frame=frame_done,
        )
        on_progress("subtitles", 0.96, msg("progress.subtitles"))
        cues = cues_from_words([TimedWord(w.text, w.start, w.end) for w in spoken.words])
        write_text(workdir / SRT_FILE, to_srt(cues))
        write_text(workdir / VTT_FILE, to_vtt(cues))
        thumb_state = states[min(n - 1, max(0, int(n * 0.3)))]
        rgb = picture(thumb_state)
        ok, jpeg = cv2.imencode(
            ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88]
        )
        if not ok:
            raise RuntimeError("could not encode the thumbnail")
        write_bytes(workdir / THUMB_FILE, jpeg.tobytes())
        # Which face finder a photo's animation used (landmarks, or the Haar fallback).
        detector = getattr(presenter, "detector", None)
        extra = {"face_detector": detector} if detector else {}
        extra.update(voiced.extra, subtitles=voiced.subtitled)
        if voiced.note:
            extra["note"] = voiced.note
        return RenderOutput(duration_s=n / FPS, extra=extra)
