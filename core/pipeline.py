"""The one place that chains validation → engine → library, reporting progress.

The CLI and the job runner both call ``render_video``; nothing else asks engines
to render. Likewise ``write_script`` is the one place that chains a ScriptWriter
with the script cache.
"""

from __future__ import annotations

import errno
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from core.audio.narration import NARRATION_RATE, check_narration
from core.avatars import resolve_avatar
from core.cache import Cache, make_key
from core.compose import COMPOSE_VERSION, LookPlan, check_look, compose_video
from core.config import Settings
from core.engines.base import MEDIA_FILES, Journal, RenderPlan, VideoEngine
from core.errors import AppError, InputError
from core.library import VideoRecord
from core.messages import msg
from core.models import (
    Brief,
    ProgressFn,
    RenderRequest,
    Script,
    Video,
    no_progress,
    short_title,
)
from core.services import Services
from core.usage import METERED_VIDEOS, OPENAI_TOKENS, TTS_CHARS, MeteredJournal
from core.writers.base import budget_for, check_brief, check_language
from core.writers.cleanup import LiveCleaner
from core.writers.prompt import TRANSLATE_VERSION
from core.writers.timing import word_limit

_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})  # no room to write the video
MIN_SIZE, MAX_SIZE = 256, 1080


class CacheJournal:
    """A render's durable notes in the disk cache, keyed by what is being rendered."""

    TOKEN = "resume_token"
    NAMES = "names"  # the notes written, so a finished render clears them all

    def __init__(self, cache: Cache, key: str) -> None:
        self.cache = cache
        self.prefix = f"journal:{key}:"

    def _put(self, name: str, value: str | None) -> None:
        names = set(self.cache.get(self.prefix + self.NAMES) or ()) | {name}
        self.cache.set(self.prefix + self.NAMES, sorted(names), expire=2 * 24 * 3600)
        self.cache.set(self.prefix + name, value, expire=2 * 24 * 3600)

    def get(self, name: str) -> str | None:
        return self.cache.get(self.prefix + "note:" + name)

    def set(self, name: str, value: str) -> None:
        self._put("note:" + name, value)

    def resume_token(self) -> str | None:
        return self.cache.get(self.prefix + self.TOKEN)

    def save_resume_token(self, token: str) -> None:
        self._put(self.TOKEN, token)

    def refund(self) -> None:
        self.cache.delete(self.prefix + self.TOKEN)

    def clear(self) -> None:
        """Forget every note (the render is in the library now)."""
        for name in self.cache.get(self.prefix + self.NAMES) or ():
            self.cache.delete(self.prefix + name)
        self.cache.delete(self.prefix + self.NAMES)


class SharedJournal:
    """A job's own notes, backed by notes kept per request and user.

    Why: a render that got as far as paid work (D-ID's talk) and then failed — poll
    deadline, download error, a killed process — keeps its resume token in its job. Retrying
    that job resumes it; but pressing Generate again makes a *new* job for the same request.
    That job finds the token here and resumes the same work instead of paying again. A
    refund clears both, so refunded work is never adopted.
    """

    def __init__(self, own: Journal, shared: Journal) -> None:
        self.own = own
        self.shared = shared

    def get(self, name: str) -> str | None:
        value = self.own.get(name)
        if value is None:  # never set for this job ("" means cleared: start afresh)
            value = self.shared.get(name)
            if value:
                self.own.set(name, value)
        return value

    def set(self, name: str, value: str) -> None:
        self.own.set(name, value)
        self.shared.set(name, value)

    def resume_token(self) -> str | None:
        token = self.own.resume_token()
        if not token:
            token = self.shared.resume_token()
            if token:
                self.own.save_resume_token(token)  # adopted: the job's row says what it resumes
        return token

    def save_resume_token(self, token: str) -> None:
        self.own.save_resume_token(token)
        self.shared.save_resume_token(token)

    def refund(self) -> None:
        self.own.refund()
        self.shared.refund()


def clean_text(text: str, settings: Settings, audio: str | None = None) -> str:
    """The script, stripped. It may be empty only with a narration ``audio`` (the video then
    has no subtitles)."""
    text = (text or "").strip()
    if not text and audio:
        return ""
    if not text:
        raise InputError("script.empty")
    if len(text) > settings.max_text_chars:
        raise InputError(
            "script.too_long", chars=len(text), limit=settings.max_text_chars,
            over=len(text) - settings.max_text_chars,
        )  # fmt: skip
    return text


def clean_size(size: int) -> int:
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise InputError("script.size", min=MIN_SIZE, max=MAX_SIZE, size=size)
    return size - size % 2  # H.264 4:2:0 needs even sides


@dataclass(frozen=True)
class Planned:
    """A checked render: the engine's plan (spoken text, presenter canvas), the look, the key."""

    plan: RenderPlan
    look: LookPlan
    key: str
    script: str  # the script as written (with its --- scene markers)


def plan_render(
    services: Services, request: RenderRequest, engine_id: str, user: str = ""
) -> Planned:
    """Validate everything a render needs, before any slow work."""
    text = clean_text(request.text, services.settings, request.audio)
    if request.audio:  # a recording that cannot be used is a message before any job
        check_narration(request.audio, services.settings.max_audio_mb, NARRATION_RATE)
    size = clean_size(request.size) if request.size is not None else None
    for name, value in (("rate", request.rate), ("pitch", request.pitch)):
        if not 0.5 <= value <= 2.0:
            raise InputError(f"script.{name}_range", value=value)
    look = check_look(request.look, text, size)
    request = replace(request, text=look.spoken, size=size, look=look.look)
    engine = services.engine(engine_id)
    avatar, digest = resolve_avatar(request.avatar, services.library, user)
    cutout = engine.capabilities.shows_cutout(avatar.kind)
    look = replace(look, cutout=cutout)
    plan = replace(engine.plan(request, avatar, digest), canvas=look.stage().canvas)
    key = make_key(
        "render",
        engine.version,
        engine=engine_id,
        **engine.cache_parts(plan),
        look=look.cache_parts(),
        compose=COMPOSE_VERSION,
    )
    return Planned(plan, look, key, text)


def is_metered(services: Services, engine_id: str) -> bool:
    """Whether a render on this engine spends money per video: daily-capped."""
    return services.engine(engine_id).capabilities.metered


def check_quota(services: Services, engine_id: str, user: str = "") -> None:
    """Raise LimitReached when ``user`` may not start another video on this engine today.

    A courtesy check for the pages before a job is queued; ``render_video`` enforces the
    cap itself (atomically) when the engine is about to start paid work.
    """
    if is_metered(services, engine_id):
        services.usage.check(user, METERED_VIDEOS)


def render_video(
    services: Services,
    request: RenderRequest,
    engine_id: str = "local",
    on_progress: ProgressFn = no_progress,
    journal: Journal | None = None,
    user: str = "",
) -> Video:
    started = time.perf_counter()
    request = services.library.kept.localize_request(request)  # uploads made elsewhere
    planned = plan_render(services, request, engine_id, user)
    plan, key = planned.plan, planned.key
    if plan.request.use_cache:
        cached_id = services.cache.get(key)
        record = services.library.get_video(cached_id) if cached_id else None
        if record is not None and record.user == user and record.complete():
            on_progress("done", 1.0, msg("progress.from_library"))
            return record.to_video(cached=True, render_s=time.perf_counter() - started)
    engine = services.engine(engine_id)
    own_journal = CacheJournal(services.cache, f"{key}:{user}")  # per request and user
    notes: Journal = SharedJournal(journal, own_journal) if journal else own_journal
    metered = (
        MeteredJournal(notes, services.usage, user).start()  # LimitReached
        if is_metered(services, engine_id) and not _reuses_paid_work(engine, plan)
        else None
    )
    speech_chars = _speech_chars(services, engine_id, plan)
    if speech_chars:
        services.usage.check(user, TTS_CHARS, speech_chars)  # LimitReached
    staging = services.library.staging_dir()
    try:
        clip = engine.render(plan, staging, on_progress, metered or notes)
        if clip.reused and metered is not None:  # paid for before: not another metered video
            metered.finish(done=False)
        if clip.extra.get("tts_chars"):
            services.usage.add(user, TTS_CHARS, int(clip.extra["tts_chars"]))
        output = compose_video(clip, planned.look, staging, on_progress)
        for leftover in staging.iterdir():  # only the video's own files go to the library
            if leftover.name not in MEDIA_FILES:
                leftover.unlink()
        record = services.library.add_video(
            staging,
            VideoRecord(
                id="",
                user=user,
                title=plan.request.title or short_title(planned.look.spoken) or plan.voice.name,
                script=planned.script,
                language=plan.request.language,
                engine=engine_id,
                voice=plan.voice.id,
                avatar=plan.avatar.id,
                size=min(output.width, output.height),
                duration_s=output.duration_s,
                cache_key=key,
                settings={
                    "rate": plan.request.rate,
                    "pitch": plan.request.pitch,
                    "voice_name": plan.voice.name,
                    "avatar_name": plan.avatar.name,
                    "look": planned.look.look.to_json(),
                    **clip.extra,
                    **output.to_settings(),
                },
            ),
        )
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        if metered is not None:
            metered.finish(done=False)
        if isinstance(err, OSError) and err.errno in _DISK_FULL:
            raise AppError("library.disk_full", folder=str(services.library.media_dir)) from err
        raise
    if metered is not None:
        metered.finish(done=True)
    services.cache.set(key, record.id)
    own_journal.clear()
    on_progress("done", 1.0, msg("progress.ready"))
    return record.to_video(cached=False, render_s=time.perf_counter() - started)


def _reuses_paid_work(engine: VideoEngine, plan: RenderPlan) -> bool:
    """Whether the engine will make this clip from provider work paid for before (a D-ID talk
    composed into another look): then it is no new metered video."""
    reuses = getattr(engine, "reuses_paid_work", None)
    return bool(reuses is not None and reuses(plan))


def _speech_chars(services: Services, engine_id: str, plan: RenderPlan) -> int:
    """Characters a speech server will be paid for in this render (0 when cached or none)."""
    server_of = getattr(services.engine(engine_id), "speech_server", None)
    if server_of is None or not plan.voice.id.startswith("tts:") or plan.request.audio:
        return 0
    r = plan.request
    cached = server_of().is_cached(plan.voice.id, r.text, r.language, r.rate)
    return 0 if cached else len(r.text)


SCRIPT_CACHE_S = 30 * 24 * 3600  # a month: scripts are cheap to keep, and "Regenerate" exists


def write_script(
    services: Services,
    brief: Brief,
    use_cache: bool = True,
    on_delta: Callable[[str], None] | None = None,
    writer_id: str = "openai",
    user: str = "",
) -> Script:
    """A script for ``brief``: from the cache when the same brief, model and server were
    asked before, else from the writer (and then cached).

    With ``on_delta`` the reply is streamed and ``on_delta`` receives speakable text as it
    grows (already cleaned and within the budget, so what is shown is what is kept); a
    cached script arrives as one piece. If a late part of the reply changed the clean-up
    of text already shown (rare), the pieces stop short of ``script.text`` — callers that
    care compare them. The writer is created (and its settings checked) before the cache
    is read, so a missing key is reported the same way every time. The API key is never
    part of the cache key.

    A script from the cache is free; writing one anew is refused (LimitReached) once
    ``user`` has spent today's OPENAI_DAILY_TOKENS, and adds its tokens when written.
    """
    brief = check_brief(brief)
    writer = services.writer(writer_id)
    key = make_key(
        "script",
        writer.version,
        writer=writer_id,
        **writer.cache_parts(),
        brief=asdict(brief),
    )
    if use_cache:
        data = services.cache.get(key)
        if data is not None:
            script = Script.from_data(data, cached=True)
            if on_delta is not None:
                on_delta(script.text)
            return script
    meter = services.usage
    meter.check(user, OPENAI_TOKENS)  # refused once today's tokens reached the cap
    if on_delta is None:
        script = writer.write(brief)
    else:
        live = LiveCleaner(word_limit(budget_for(brief)))
        with writer.stream(brief) as stream:
            for delta in stream:
                piece = live.feed(delta)
                if piece:
                    on_delta(piece)
            script = stream.script
        rest = live.finish(script.text)
        if rest:
            on_delta(rest)
    meter.add(user, OPENAI_TOKENS, tokens_spent(brief, script))
    services.cache.set(key, script.to_data(), expire=SCRIPT_CACHE_S)
    return script


def translate_script(
    services: Services,
    text: str,
    language: str,
    use_cache: bool = True,
    writer_id: str = "openai",
    user: str = "",
) -> Script:
    """A faithful, speakable translation of a script into ``language``, by the script
    writer: cached by text, language, model and server (never the key); refused once
    ``user`` spent today's OPENAI_DAILY_TOKENS, which it then adds to."""
    language = check_language(language)
    text = clean_text(text, services.settings)
    writer = services.writer(writer_id)
    version = f"{writer.version}/translate-{TRANSLATE_VERSION}"
    parts = {**writer.cache_parts(), "text": text, "language": language}
    key = make_key("translation", version, writer=writer_id, **parts)
    if use_cache:
        data = services.cache.get(key)
        if data is not None:
            return Script.from_data(data, cached=True)
    services.usage.check(user, OPENAI_TOKENS)
    script = writer.translate(text, language)
    spent = script.usage.total_tokens if script.usage and script.usage.total_tokens else None
    services.usage.add(user, OPENAI_TOKENS, spent or (len(text) + len(script.text)) // 4 + 200)
    services.cache.set(key, script.to_data(), expire=SCRIPT_CACHE_S)
    return script


def tokens_spent(brief: Brief, script: Script) -> int:
    """What writing ``script`` cost: the server's count, or an estimate (about 4 characters
    a token, plus the instructions) when it did not report usage."""
    if script.usage is not None and script.usage.total_tokens > 0:
        return script.usage.total_tokens
    return (len(brief.prompt) + len(brief.audience) + len(script.text)) // 4 + 400
