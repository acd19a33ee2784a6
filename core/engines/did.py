"""The D-ID engine: a script becomes a talking-head video through D-ID's Talks API.

upload the presenter still (reused for 12 h) → create the talk (never twice: a create that
failed ambiguously is first looked up by its ``user_data``) → store the talk id in the
journal → poll by retrying on the result → download at once into a temp file → subtitles
and thumbnail from the downloaded video. A killed run started again finds the talk id in
the journal and resumes polling instead of paying for a second talk.
"""

from __future__ import annotations

import logging
import math
import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import requests

from core.cache import Cache, digest_bytes, make_key
from core.config import Settings
from core.engines.base import Capabilities, Clip, Journal, RenderPlan
from core.engines.did_http import PROVIDER, BadReply, DidHttp, require
from core.engines.did_kept import KeptTalks, talk_key
from core.engines.did_media import clip_from_mp4, jpeg_for_upload, video_size
from core.engines.did_talks import (
    FAILED,
    PENDING,
    RESULT_FORMAT,
    VOICE_PROVIDER,
    TalkState,
    find_talk,
    rejected,
    talk_body,
)
from core.engines.did_voices import default_voice, filter_voices, find_voice, parse_voices
from core.errors import ConfigError, InputError, ProviderError, ProviderTimeout
from core.files import atomic_path, copy
from core.messages import msg
from core.models import Avatar, ProgressFn, RenderRequest, Voice
from core.retry import RetryPolicy
from core.shared_talks import SharedTalks
from core.storage import MediaStore
from core.subtitles import TimedWord

MIN_TEXT = 3
# D-ID: 40,000 characters including SSML tags, but at most 10,000 of plain text. Parlante
# sends plain text (script.ssml is never set), so 10,000 is the limit that applies.
MAX_TEXT_SSML, MAX_TEXT = 40_000, 10_000
MAX_VIDEO_BYTES = 512 * 1024 * 1024
VOICES_TTL_S = 24 * 3600
IMAGE_TTL_S = 12 * 3600  # D-ID keeps uploads 24–48 h: reuse well inside that
POLL_ERRORS_TOLERATED = 8  # consecutive failed polls before giving up (before the deadline)
NOTE_USER_DATA = "user_data"  # the talk id itself is the journal's resume token
DETECT_FACES = {"detect_faces": "true"}  # multipart field of POST /images

# The still D-ID animates, whatever the look: head and shoulders in 4:5, so that every
# layout's presenter shape (a square bubble, a wide panel, a tall 9:16 frame) is a crop of
# it. One talk then serves every look of the same script, voice and presenter.
TALK_CANVAS = (1080, 1350)
DID_FILE = "did-talk.mp4"  # the downloaded talk, scratch in the work folder
Box = tuple[int, int, int, int]
StillFn = Callable[[Avatar, int, int], tuple[np.ndarray, Box]]  # picture, face box


class Narration(Protocol):
    """The person's own recording, for D-ID to speak (an audio script). The registry hands
    the offline side's implementation in (core.engines.local.voicing.NarrationKit): D-ID
    does not import the offline engine."""

    def check(self, path: str) -> str:
        """The recording's digest; InputError when it cannot be used."""
        ...

    def voice(self, language: str) -> Voice: ...

    def words(self, plan: RenderPlan) -> tuple[list[TimedWord], dict[str, Any]]:
        """The script timed to the recording (none without one) and what to keep."""
        ...


_log = logging.getLogger(__name__)


class DidEngine:
    """``VideoEngine`` for D-ID. Time and HTTP are injectable; the key is only in the client."""

    id = "did"
    version = "did-2"
    capabilities = Capabilities(
        credits=True,
        metered=True,  # every talk costs credits: daily-capped per user (core.usage)
        seconds_per_credit=15.0,  # D-ID bills talks by started 15-second blocks
        network_voices=True,
        resumable=True,  # the talk id in the journal: a restart polls it instead of paying again
    )

    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        still_image: StillFn | None = None,
        narration: Narration | None = None,
        media: MediaStore | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        # Talks paid once: kept here, and shared by every worker through an object store
        shared = SharedTalks(media) if media is not None and not media.is_local else None
        self.kept = KeptTalks(cache, shared)
        self._narration_digests: dict[str, str] = {}
        self._session, self._sleep, self._clock, self._rng = session, sleep, clock, rng
        self._still = still_image
        self._narration = narration
        self._http: DidHttp | None = None

    # --- policies: values derived from settings (tests shrink DID_POLL_MIN_S) -------------

    @property
    def http_policy(self) -> RetryPolicy:
        step = self.settings.did_poll_min_s
        return RetryPolicy(attempts=5, initial_s=step, max_s=20 * step)

    @property
    def poll_policy(self) -> RetryPolicy:
        step = self.settings.did_poll_min_s
        return RetryPolicy(
            attempts=0,
            initial_s=step,
            max_s=4.5 * step,  # "about 5 s": a done talk is noticed within 4.5 s
            deadline_s=self.settings.did_poll_deadline_s,
            retry_on_result=lambda state: state.status in PENDING,
        )

    @property
    def http(self) -> DidHttp:
        """The client, built on first use: without a key only D-ID calls fail (exit 3)."""
        if self._http is None:
            key = self.settings.did_api_key
            if not key:
                raise ConfigError("did.no_key", variable="DID_API_KEY")
            self._http = DidHttp(
                self.settings.did_api_url,
                key,
                session=self._session or requests.Session(),
                policy=self.http_policy,
                sleep=self._sleep,
                clock=self._clock,
                rng=self._rng,
            )
        return self._http

    def _get(self, what: str, path: str, **params: Any) -> Any:
        return self.http.retrying(what)(lambda: self.http.call("GET", path, params=params or None))

    # --- catalogue -------------------------------------------------------------------------

    def _all_voices(self) -> list[Voice]:
        key = make_key("did-voices", "1", api=self.settings.did_api_url, provider=VOICE_PROVIDER)
        cached = self.cache.get(key)
        if cached is None:
            data = self._get("D-ID list voices", "/tts/voices", provider=VOICE_PROVIDER)
            cached = [v.to_json() for v in parse_voices(data, VOICE_PROVIDER)]
            if cached:
                self.cache.set(key, cached, expire=VOICES_TTL_S)
        return [Voice(**v) for v in cached]

    def voices(self, language: str | None = None) -> list[Voice]:
        return filter_voices(self._all_voices(), language)

    def credits(self) -> dict[str, Any]:
        """``GET /credits``: remaining and total, plus D-ID's per-grant list."""
        data = self._get("D-ID credits", "/credits")
        require(data, "remaining", int | float, "GET /credits")
        require(data, "total", int | float, "GET /credits")
        return data

    # --- plan ------------------------------------------------------------------------------

    def plan(self, request: RenderRequest, avatar: Avatar, avatar_digest: str) -> RenderPlan:
        if request.voice_id and request.voice_id.startswith("tts:"):
            raise InputError("did.no_tts")
        if request.audio:  # D-ID speaks the recording itself (an audio script): no voice
            if self._narration is None:
                raise InputError("did.no_narration")
            self._narration_digests[str(request.audio)] = self._narration.check(request.audio)
            voice = self._narration.voice(request.language)
            return RenderPlan(request, voice, avatar, avatar_digest)
        if len(request.text) < MIN_TEXT or len(request.text) > MAX_TEXT:
            raise InputError("did.text_length", min=MIN_TEXT, max=MAX_TEXT, chars=len(request.text))
        voices = self._all_voices()
        voice = (
            find_voice(voices, request.voice_id, request.language)
            if request.voice_id
            else default_voice(voices, request.language)
        )
        return RenderPlan(request=request, voice=voice, avatar=avatar, avatar_digest=avatar_digest)

    def cache_parts(self, plan: RenderPlan) -> dict[str, Any]:
        r = plan.request
        return {
            "text": r.text,
            "language": r.language,
            "voice": plan.voice.id,
            "provider": VOICE_PROVIDER,
            "rate": r.rate,
            "avatar": plan.avatar_digest,
            "canvas": list(TALK_CANVAS),  # the talk's, never the look's
            "result_format": RESULT_FORMAT,
            "api": self.settings.did_api_url,  # a fake server's video is not D-ID's
            **self._narration_parts(r),
        }

    def _narration_parts(self, r: RenderRequest) -> dict[str, Any]:
        if not r.audio:
            return {}
        digest = self._narration_digests.get(str(r.audio))
        if digest is None and self._narration is not None:
            digest = self._narration.check(r.audio)
        return {"audio": digest, "keep_unaligned": r.keep_unaligned}

    # --- render ----------------------------------------------------------------------------

    def render(
        self, plan: RenderPlan, workdir: Path, on_progress: ProgressFn, journal: Journal
    ) -> Clip:
        _log.debug("rendering with D-ID at %s", self.http.base_url)  # no key: ConfigError now
        talk_id = journal.resume_token() or ""
        key = talk_key(self.cache_parts(plan))
        kept = None if talk_id else self.kept.find(key)
        if kept is not None:  # this talk was paid for already: only the look changed
            on_progress("download", 0.9, msg("progress.did_reused", talk=kept.talk_id))
            copy(kept.path, workdir / DID_FILE)
            clip = self._clip(plan, workdir / DID_FILE, kept.talk_id, kept.face_box)
            clip.reused = True
            return clip
        state = self._resume(talk_id) if talk_id else None
        still, face = self._still_image(plan)
        if state is None:
            on_progress("upload", 0.03, msg("progress.did_upload", name=plan.avatar.name))
            source_url = self._upload(still, plan.avatar.name)  # no face: refused, no charge
            audio_url = self._upload_audio(plan) if plan.request.audio else None
            on_progress("create", 0.08, msg("progress.did_create"))
            talk_id = self._create(plan, source_url, journal, audio_url)
            journal.save_resume_token(talk_id)  # before polling: a restart resumes this talk
        else:
            on_progress("render", 0.1, msg("progress.did_resume", talk=talk_id))
        try:
            state = self._wait(talk_id, on_progress, journal, state)
            on_progress("download", 0.9, msg("progress.did_download"))
            self._download(state, workdir / DID_FILE)
        except ProviderError as err:
            if journal.resume_token() == talk_id:  # not a failed (refunded) talk: say so
                err.append("did.talk_kept", talk=talk_id)
            raise
        _log.info("D-ID talk %s downloaded", talk_id)
        width, height = video_size(workdir / DID_FILE)
        sx, sy = width / still.shape[1], height / still.shape[0]
        box = (round(face[0] * sx), round(face[1] * sy), round(face[2] * sx), round(face[3] * sy))
        clip = self._clip(plan, workdir / DID_FILE, talk_id, box)
        self.kept.keep(key, workdir / DID_FILE, talk_id, box)  # any look, any worker reuses it
        return clip

    def reuses_paid_work(self, plan: RenderPlan) -> bool:
        """Whether ``plan``'s talk was made (and paid for) before: rendering it buys nothing."""
        return self.kept.find(talk_key(self.cache_parts(plan))) is not None

    def _clip(self, plan: RenderPlan, video: Path, talk_id: str, face_box: Box) -> Clip:
        """The talk at ``video`` as a Clip, its face at ``face_box`` (the video's pixels)."""
        clip = clip_from_mp4(video, plan.request.text)
        clip.face_box = face_box
        clip.extra = {"did_talk_id": talk_id}
        if plan.request.audio and self._narration is not None:  # timed here, to the recording
            clip.words, told = self._narration.words(plan)
            clip.extra.update(told)
        return clip

    def _resume(self, talk_id: str) -> TalkState | None:
        """The journal's talk, or None when D-ID no longer knows it (then create anew)."""
        try:
            data = self._get("D-ID resume talk", f"/talks/{talk_id}")
        except ProviderError as err:
            if err.status == 404:
                _log.warning("D-ID no longer knows talk %s; creating a new one", talk_id)
                return None
            raise
        return TalkState.parse(talk_id, data)

    def _still_image(self, plan: RenderPlan) -> tuple[np.ndarray, Box]:
        """The presenter at rest, opaque, at the talk's canvas (the same for every look), and
        where its face is."""
        if self._still is None:
            raise ConfigError("did.no_still")
        return self._still(plan.avatar, *TALK_CANVAS)

    def _upload(self, still: np.ndarray, name: str) -> str:
        """``POST /images`` with ``detect_faces``: D-ID's own face check before any credit is
        spent (InputError when it finds none). The same image bytes reuse the URL (and the
        check) from the last 12 hours."""
        jpeg = jpeg_for_upload(still)
        key = make_key("did-image", "2", api=self.settings.did_api_url, image=digest_bytes(jpeg))
        cached = self.cache.get(key)
        if isinstance(cached, dict) and cached.get("url"):
            url, faces = str(cached["url"]), cached.get("faces")
        else:

            def attempt() -> tuple[str, int | None]:
                files = {"image": ("presenter.jpg", jpeg, "image/jpeg")}
                reply = self.http.call("POST", "/images", files=files, data=DETECT_FACES)
                found = reply.get("faces") if isinstance(reply, dict) else None
                count = len(found) if isinstance(found, list) else None
                return require(reply, "url", str, "POST /images"), count

            url, faces = self.http.retrying("D-ID upload image")(attempt)
            if faces is None:  # the upload did not report faces: ask the detection endpoint
                faces = self._detect_faces(url)
            self.cache.set(key, {"url": url, "faces": faces}, expire=IMAGE_TTL_S)
        if faces == 0:
            raise InputError("did.no_face", name=name)
        return url

    def _detect_faces(self, source_url: str) -> int:
        """``POST /images/face-detection``: how many faces D-ID finds in an uploaded image."""

        def attempt() -> int:
            body = {"source_url": source_url}
            reply = self.http.call("POST", "/images/face-detection", json_body=body)
            return len(require(reply, "faceCrops", list, "POST /images/face-detection"))

        return int(self.http.retrying("D-ID face detection")(attempt))

    def _upload_audio(self, plan: RenderPlan) -> str:
        """``POST /audios`` with the narration; the same recording reuses its URL for 12 h."""
        path = Path(plan.request.audio or "")
        data = path.read_bytes()
        key = make_key("did-audio", "1", api=self.settings.did_api_url, audio=digest_bytes(data))
        url = self.cache.get(key)
        if url:
            return str(url)

        def attempt() -> str:
            files = {"audio": (f"narration{path.suffix.lower()}", data, "application/octet-stream")}
            reply = self.http.call("POST", "/audios", files=files, expect=(200, 201))
            return require(reply, "url", str, "POST /audios")

        url = self.http.retrying("D-ID upload audio")(attempt)
        self.cache.set(key, url, expire=IMAGE_TTL_S)
        return url

    def _create(
        self, plan: RenderPlan, source_url: str, journal: Journal, audio_url: str | None = None
    ) -> str:
        """``POST /talks`` at most once per job: after any failed attempt, or when a previous
        run got as far as choosing a user_data, first look for a talk carrying it."""
        previous = journal.get(NOTE_USER_DATA) or ""  # maybe an earlier job's, same request
        user_data = previous or f"parlante:{plan.request.job_id or uuid.uuid4().hex}"
        journal.set(NOTE_USER_DATA, user_data)  # before the POST, in case we die during it
        body = talk_body(plan, source_url, user_data, audio_url)
        tries = 0

        def attempt() -> str:
            nonlocal tries
            tries += 1
            if previous or tries > 1:
                found = find_talk(self.http, user_data)
                if found:
                    _log.warning("D-ID already has talk %s for this job; reusing it", found)
                    return found
            reply = self.http.call("POST", "/talks", json_body=body, expect=(200, 201))
            return require(reply, "id", str, "POST /talks")

        return self.http.retrying("D-ID create talk")(attempt)

    def _wait(
        self, talk_id: str, on_progress: ProgressFn, journal: Journal, known: TalkState | None
    ) -> TalkState:
        """Poll by retrying on the result until done, failed or the deadline.

        ``known`` is a state just fetched (on resume): if already final, no poll is needed.
        """
        started = self._clock()
        expected = 30.0
        failures = 0

        def poll() -> TalkState:
            nonlocal failures
            try:
                state = TalkState.parse(talk_id, self.http.call("GET", f"/talks/{talk_id}"))
            except ProviderError as err:
                failures += 1
                if failures >= POLL_ERRORS_TOLERATED:  # stop retrying, and say why
                    err.transient = False  # type: ignore[attr-defined]
                    err.append("did.poll_gave_up", failures=failures)
                raise
            failures = 0
            elapsed = self._clock() - started
            fraction = 0.1 + 0.75 * (1 - math.exp(-elapsed / expected))
            on_progress("render", fraction, msg("progress.did_rendering", status=state.status))
            return state

        if known is not None and known.status not in PENDING:
            state = known
        else:
            state = self.http.retrying(f"D-ID talk {talk_id}", self.poll_policy)(poll)
        if state.status in FAILED:
            journal.refund()  # D-ID refunds a failed talk: the next run starts afresh
            journal.set(NOTE_USER_DATA, "")
            raise rejected(state)
        if state.status != "done":
            raise ProviderTimeout(
                "did.not_finished", talk=talk_id, seconds=self.settings.did_poll_deadline_s,
                status=state.status, provider=PROVIDER,
            )  # fmt: skip
        return state

    def _download(self, state: TalkState, dest: Path) -> None:
        """Stream the result at once; on a retry (expired link, 5xx) GET a fresh link first."""
        tries = 0

        def attempt() -> None:
            nonlocal tries
            tries += 1
            url = state.result_url
            if tries > 1:
                fresh = TalkState.parse(state.id, self.http.call("GET", f"/talks/{state.id}"))
                if fresh.status != "done":
                    raise BadReply(
                        "did.talk_undone", talk=state.id, status=fresh.status, provider=PROVIDER
                    )
                url = fresh.result_url
            assert url is not None
            with atomic_path(dest) as tmp:
                self.http.download(url, tmp, max_bytes=MAX_VIDEO_BYTES)

        self.http.retrying("D-ID video download")(attempt)
