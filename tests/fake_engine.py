"""A fake VideoEngine for job-runner and page tests: instant, controllable, a tiny plain clip."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.engines.base import Capabilities, Clip, Journal, RenderPlan
from core.errors import ConfigError, InputError, RenderRejected
from core.models import Avatar, ProgressFn, RenderRequest, Voice
from core.subtitles import TimedWord

VOICES = [
    Voice("fake-es-f", "Lucía (fake)", "es", "female", "fake"),
    Voice("fake-es-m", "Mateo (fake)", "es-419", "male", "fake"),
    Voice("fake-en-f", "Ada (fake)", "en-US", "female", "fake"),
]


@dataclass
class FakeControl:
    """What a test can steer and observe across every FakeEngine instance."""

    gate: threading.Event | None = None  # renders wait here when set to an Event
    fail_with: Exception | None = None
    steps: int = 4
    renders: list[str] = field(default_factory=list)  # job ids, in start order
    running: dict[str, int] = field(default_factory=dict)  # job id → concurrent renders now
    max_parallel_same_job: int = 0
    max_parallel: int = 0
    tokens_seen: list[str | None] = field(default_factory=list)
    waiting: int = 0  # renders waiting at the gate now (their progress is stored)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def wait_until(self, predicate: Any, timeout: float = 20.0) -> None:
        """Block until ``predicate(control)`` holds (woken by every change; no polling)."""
        with self.changed:
            if not self.changed.wait_for(lambda: predicate(self), timeout):
                raise AssertionError("the fake engine never got there")


CONTROL = FakeControl()


class FakeEngine:
    id = "fake"
    version = "fake-1"
    capabilities = Capabilities(voice_previews=True)

    def __init__(self, *_args: Any) -> None:
        pass

    @property
    def control(self) -> FakeControl:
        return CONTROL

    def voices(self, language: str | None = None) -> list[Voice]:
        return [v for v in VOICES if not language or v.language.startswith(language.split("-")[0])]

    def credits(self) -> dict[str, Any]:
        raise ConfigError("The fake engine has no credits.")

    def plan(self, request: RenderRequest, avatar: Avatar, avatar_digest: str) -> RenderPlan:
        voices = self.voices(request.language)
        if not voices:
            raise InputError("voice.no_language", language=request.language)
        voice = next((v for v in voices if v.id == request.voice_id), voices[0])
        if request.voice_id and voice.id != request.voice_id:
            raise InputError("voice.unknown", voice=request.voice_id, language=request.language)
        return RenderPlan(request=request, voice=voice, avatar=avatar, avatar_digest=avatar_digest)

    def cache_parts(self, plan: RenderPlan) -> dict[str, Any]:
        return {"text": plan.request.text, "voice": plan.voice.id, "avatar": plan.avatar_digest}

    def render(
        self, plan: RenderPlan, workdir: Path, on_progress: ProgressFn, journal: Journal
    ) -> Clip:
        c = self.control
        job = plan.request.job_id or "-"
        with c.lock:
            c.renders.append(job)
            c.running[job] = c.running.get(job, 0) + 1
            c.max_parallel_same_job = max(c.max_parallel_same_job, c.running[job])
            c.max_parallel = max(c.max_parallel, sum(c.running.values()))
            c.tokens_seen.append(journal.resume_token())
            c.changed.notify_all()
        try:
            if journal.resume_token() is None:
                journal.save_resume_token(f"tlk_{job}")
            for i in range(c.steps):
                on_progress("animation", i / c.steps, f"Frame {i}")
                if c.gate is not None and not c.gate.is_set():
                    with c.lock:
                        c.waiting += 1
                        c.changed.notify_all()
                    try:
                        while not c.gate.wait(0.05):  # keeps reporting progress while held
                            on_progress("animation", i / c.steps, f"Frame {i}")
                    finally:
                        with c.lock:
                            c.waiting -= 1
                            c.changed.notify_all()
            if c.fail_with is not None:
                raise c.fail_with
            return tiny_clip(plan.canvas)
        finally:
            with c.lock:
                c.running[job] -= 1
                c.changed.notify_all()


def tiny_clip(canvas: tuple[int, int] | None, seconds: float = 1.5) -> Clip:
    """A real (if plain) clip: a flat presenter picture, a tone, "Hola a todos" as words."""
    import numpy as np

    width, height = canvas or (0, 0)
    n = round(seconds * 25)
    picture = np.full((height, width, 3), (200, 120, 90), np.uint8)
    t = np.arange(int(seconds * 16000)) / 16000
    return Clip(
        fps=25,
        n_frames=n,
        width=width,
        height=height,
        audio=(0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32),
        sample_rate=16000,
        words=[TimedWord("Hola", 0.0, 0.5), TimedWord("a", 0.5, 0.7), TimedWord("todos", 0.7, 1.5)],
        frames=(lambda: (picture for _ in range(n))) if canvas else None,
        face_box=(width // 4, height // 5, width // 2, height // 2),
        still=picture if canvas else None,
    )


def reset() -> FakeControl:
    global CONTROL
    CONTROL = FakeControl()
    return CONTROL


class FakeDid(FakeEngine):
    """The fake engine as "did": billed like D-ID (15-second blocks), no spoken previews,
    but free (not metered) and its voices are at hand (no network)."""

    capabilities = Capabilities(seconds_per_credit=15.0, resumable=True)


def install(monkeypatch: Any, *ids: str) -> FakeControl:
    """Register the fake engine under ``ids`` (e.g. "local") for one test; returns its control.
    Under "did" it declares D-ID's capabilities (FakeDid)."""
    from core.engines import registry

    control = reset()
    for engine_id in ids or ("fake",):
        fake = FakeDid if engine_id == "did" else FakeEngine
        monkeypatch.setitem(registry.ENGINES, engine_id, fake)
    return control


REJECTED = RenderRejected("D-ID refused the render: FaceError — use a clearer photo.")


def _tiny_jpeg() -> bytes:
    """A small JPEG (a stand-in photo for library tests)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 120, 90)).save(buf, "JPEG")
    return buf.getvalue()
