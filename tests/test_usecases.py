"""Every use case through the application layer (core.usecases), with two users: Ana acts,
and Bob, signed in beside her, must never see or touch her things."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from core.engines import registry
from core.engines.base import Capabilities
from core.errors import ConfigError, InputError, LimitReached, NotFound
from core.models import Brief, RenderRequest, Script
from core.usecases import CANCELLED, DONE, FAILED, QUEUED, Choices, Parlante
from core.writers import WRITERS, ScriptStream
from core.writers.timing import count_words
from tests import fake_engine
from tests.face_images import encode, synthetic_face

ANA, BOB = "ana@example.org", "bob@example.org"
TEXT = "Las abejas polinizan las flores. Sin ellas no habría frutas en el mercado."


class PaidFake(fake_engine.FakeEngine):
    """The fake engine dressed as a paid provider: metered, billed in 15-second blocks."""

    capabilities = Capabilities(
        credits=True, metered=True, seconds_per_credit=15.0, network_voices=True, resumable=True
    )

    def credits(self) -> dict[str, Any]:
        return {"remaining": 7, "total": 10}


class Writer:
    id = "openai"
    version = "usecase-writer-1"

    def __init__(self, _settings: Any) -> None:
        pass

    def cache_parts(self) -> dict[str, Any]:
        return {"model": "fake"}

    def write(self, brief: Brief) -> Script:
        return Script(text=TEXT, words=count_words(TEXT), estimated_s=5.0, model="fake")

    def stream(self, brief: Brief) -> ScriptStream:
        def pieces() -> Generator[str, None, Script]:
            yield TEXT
            return self.write(brief)

        return ScriptStream(pieces())


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(registry.ENGINES, "did", PaidFake)
    monkeypatch.setitem(WRITERS, "openai", Writer)
    settings = Settings.from_sources(
        {
            "APP_DATA_DIR": str(data_dir),
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",  # never contacted: the fake writer
            "DID_DAILY_VIDEOS": "1",
            "OPENAI_DAILY_TOKENS": "100000",
        }
    )
    parlante = Parlante.open(settings)
    yield parlante
    parlante.close(timeout=5)


def made(app: Parlante, user: str, text: str = TEXT) -> str:
    """A finished video of ``user``'s; returns its id."""
    job = app.renders.submit_script(user, text, title="Abejas")
    done = app.ctx.runner.wait(job.id, timeout=30)
    assert done.status == DONE, done.error
    assert done.video_id
    return done.video_id


# --- scripts ----------------------------------------------------------------------------------


def test_write_a_script_counts_tokens_for_the_writer_only(app: Parlante) -> None:
    shown: list[str] = []
    script = app.scripts.write(ANA, Brief(prompt="Las abejas"), on_delta=shown.append)
    assert script.text == TEXT and "".join(shown) == TEXT
    assert app.scripts.can_write()
    assert app.account.usage_today(ANA).openai_tokens > 0
    assert app.account.usage_today(BOB).openai_tokens == 0


# --- preferences and presets ------------------------------------------------------------------


def test_choices_presets_and_interface_language_are_per_user(app: Parlante) -> None:
    app.preferences.change(ANA, engine="did", rate=1.5, avatar="leo")
    app.preferences.choose_language(ANA, "en")
    assert app.preferences.choose_voice(ANA, "fake-en-f").voice_did == "fake-en-f"
    app.preferences.save_preset(ANA, "English")
    app.preferences.set_interface_language(ANA, "en")
    ana = app.preferences.load(ANA)
    assert (ana.engine, ana.language, ana.rate, ana.avatar) == ("did", "en", 1.5, "leo")
    assert app.preferences.load(BOB) == Choices()
    assert app.preferences.preset_names(ANA) == ["English"]
    assert app.preferences.preset_names(BOB) == []
    assert app.preferences.apply_preset(BOB, "English") is None  # Ana's preset is not Bob's
    assert app.preferences.load(BOB) == Choices()
    assert app.preferences.interface_language(BOB, "es") == "es"
    assert app.preferences.interface_language(ANA, "es") == "en"
    app.preferences.delete_preset(BOB, "English")
    assert app.preferences.preset_names(ANA) == ["English"]
    app.preferences.change(ANA, engine="local", rate=1.0)
    assert app.preferences.apply_preset(ANA, "English") == ana
    with pytest.raises(InputError, match="name"):
        app.preferences.save_preset(ANA, "  ")


def test_a_language_its_voice_does_not_speak_falls_back_to_the_default(app: Parlante) -> None:
    app.preferences.choose_voice(ANA, "fake-es-f")
    assert app.preferences.choose_language(ANA, "en").voice() is None
    app.preferences.choose_voice(ANA, "fake-en-f")
    assert app.preferences.choose_language(ANA, "en").voice() == "fake-en-f"


def test_a_language_change_survives_voices_that_cannot_be_listed(
    app: Parlante, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_key(self: Any, language: str | None = None) -> list[Any]:
        raise ConfigError("did.no_key")

    app.preferences.choose_voice(ANA, "fake-es-f")
    monkeypatch.setattr(fake_engine.FakeEngine, "voices", no_key)
    changed = app.preferences.choose_language(ANA, "en")
    assert (changed.language, changed.voice()) == ("en", None)  # the engine's default voice
    assert app.preferences.load(BOB).language == "es"


# --- estimate and submit ----------------------------------------------------------------------


def test_estimate_bills_credits_only_on_a_metered_engine(app: Parlante) -> None:
    text = " ".join(["palabra"] * 145)
    free = app.renders.estimate(ANA, text)
    assert (free.words, free.seconds, free.credits) == (145, 60.0, None)
    app.preferences.change(ANA, engine="did")
    assert app.renders.estimate(ANA, text).credits == 4  # 60 s in 15-second blocks
    app.preferences.change(ANA, rate=2.0)
    assert app.renders.estimate(ANA, text).seconds == 30.0
    assert app.renders.estimate(ANA, "").credits == 0
    assert app.renders.estimate(BOB, text).credits is None  # Bob still renders offline


def test_bad_input_is_refused_before_any_job_is_queued(app: Parlante) -> None:
    with pytest.raises(InputError, match="empty"):
        app.renders.submit_script(ANA, "   ")
    request = RenderRequest(text=TEXT, size=4000)
    with pytest.raises(InputError, match="between"):
        app.renders.submit(ANA, request, "local")
    with pytest.raises(InputError, match="Unknown engine"):
        app.renders.submit(ANA, RenderRequest(text=TEXT), "nope")
    assert app.renders.jobs(ANA) == []


def test_the_daily_cap_of_a_metered_engine_is_checked_before_queueing(app: Parlante) -> None:
    app.preferences.change(ANA, engine="did")
    made(app, ANA)
    assert app.account.usage_today(ANA).did_videos == 1
    with pytest.raises(LimitReached):
        app.renders.submit_script(ANA, TEXT + " Otra vez.")
    assert len(app.renders.jobs(ANA)) == 1  # only the finished one: no job for the refused
    app.preferences.change(BOB, engine="did")
    app.renders.check(BOB, app.preferences.load(BOB).request(TEXT), "did")  # Bob's own cap


def test_jobs_are_followed_cancelled_retried_and_forgotten_by_their_owner_only(
    app: Parlante,
) -> None:
    control = fake_engine.CONTROL
    control.fail_with = fake_engine.REJECTED
    job = app.renders.submit_script(ANA, TEXT, title="Abejas")
    failed = app.ctx.runner.wait(job.id, timeout=30)
    assert failed.status == FAILED and "FaceError" in failed.error
    assert app.renders.job(ANA, job.id).status == FAILED
    assert app.renders.video(ANA, failed) is None
    for act in (app.renders.job, app.renders.cancel, app.renders.retry, app.renders.forget):
        with pytest.raises(NotFound):
            act(BOB, job.id)
    assert app.renders.jobs(BOB) == [] and not app.renders.busy(BOB)
    control.fail_with = None
    again = app.renders.retry(ANA, job.id)  # the same job, queued again with its notes
    assert again.id == job.id and again.title == "Abejas" and again.request.text == TEXT
    done = app.ctx.runner.wait(again.id, timeout=30)
    assert done.status == DONE
    record = app.renders.video(ANA, done)
    assert record is not None and record.video_path.is_file()
    assert app.renders.video(BOB, done) is None
    with pytest.raises(InputError, match="failed or cancelled"):
        app.renders.retry(ANA, again.id)
    with pytest.raises(NotFound):
        app.renders.forget(BOB, job.id)
    assert app.renders.forget(ANA, job.id)
    assert app.renders.jobs(ANA) == []


def test_a_queued_job_is_cancelled_by_its_owner(app: Parlante) -> None:
    import threading

    control = fake_engine.CONTROL
    control.gate = threading.Event()  # renders wait: the runner's two workers stay busy
    try:
        first = [app.renders.submit_script(ANA, f"{TEXT} {n}") for n in range(3)]
        waiting = first[-1]
        assert app.renders.job(ANA, waiting.id).status == QUEUED
        assert app.renders.busy(ANA) and not app.renders.busy(BOB)
        assert app.renders.queue().queued >= 1
        with pytest.raises(NotFound):
            app.renders.cancel(BOB, waiting.id)
        assert app.renders.cancel(ANA, waiting.id) == CANCELLED
    finally:
        control.gate.set()


# --- history and videos -----------------------------------------------------------------------


def test_history_open_use_again_and_delete_are_the_owners_alone(app: Parlante) -> None:
    app.preferences.change(ANA, rate=1.25, avatar="leo")
    video_id = made(app, ANA)
    [item] = app.videos.history(ANA)
    assert (item.kind, item.id, item.title, item.status) == ("video", video_id, "Abejas", DONE)
    assert app.videos.history(ANA, search="abejas") and not app.videos.history(ANA, search="xyz")
    assert app.videos.history(ANA, status=FAILED) == []
    assert app.videos.history(BOB) == [] and app.videos.history(BOB, search="abejas") == []
    record = app.videos.open(ANA, video_id)
    assert record.complete() and record.script == TEXT
    for act in (app.videos.open, app.videos.delete, app.videos.use_again):
        with pytest.raises(NotFound):
            act(BOB, video_id)
    assert app.preferences.load(BOB) == Choices()  # Bob's "use again" changed nothing
    app.preferences.change(ANA, rate=1.0, avatar=None)
    reuse = app.videos.use_again(ANA, video_id)
    assert reuse.script == TEXT and (reuse.choices.rate, reuse.choices.avatar) == (1.25, "leo")
    assert app.preferences.load(ANA) == reuse.choices
    app.videos.delete(ANA, video_id)
    assert app.videos.history(ANA) == [] and not record.folder.exists()
    with pytest.raises(NotFound):
        app.videos.open(ANA, video_id)


# --- presenters, photos, voices ---------------------------------------------------------------


def test_photos_are_uploaded_listed_used_and_deleted_by_their_owner_only(
    app: Parlante,
) -> None:
    builtins = [a.id for a in app.presenters.list(BOB)]
    avatar, crop = app.presenters.add_photo(ANA, encode(synthetic_face(400)), "maria.png")
    assert crop.startswith(b"\x89PNG") and avatar.name == "maria"
    assert [a.id for a in app.presenters.list(ANA)] == [*builtins, avatar.id]
    assert [a.id for a in app.presenters.list(BOB)] == builtins
    assert app.presenters.find(ANA, avatar.id) == avatar
    assert app.presenters.find(BOB, avatar.id) is None
    app.preferences.change(ANA, avatar=avatar.id)
    assert app.presenters.chosen(ANA) == avatar
    assert app.presenters.chosen(BOB) is not None and app.presenters.chosen(BOB).id == builtins[0]
    with pytest.raises(InputError, match="Unknown avatar"):  # Bob cannot render Ana's face
        app.renders.submit(BOB, RenderRequest(text=TEXT, avatar=avatar.id), "local")
    assert not app.presenters.delete_photo(BOB, avatar.id)
    assert app.presenters.find(ANA, avatar.id) == avatar
    assert app.presenters.delete_photo(ANA, avatar.id)
    assert app.preferences.load(ANA).avatar is None  # the chosen photo is gone: first built-in
    with pytest.raises(InputError, match="not a JPEG or PNG"):
        app.presenters.add_photo(ANA, b"just text", "notes.png")


def test_a_presenter_still_is_a_png(app: Parlante, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from core import previews

    monkeypatch.setattr(previews, "still", lambda avatar, size: np.zeros((size, size, 3), "u1"))
    avatar = app.presenters.chosen(ANA)
    assert avatar is not None
    assert app.presenters.still_png(avatar, 64).startswith(b"\x89PNG")


def test_engines_voices_and_previews(app: Parlante, monkeypatch: pytest.MonkeyPatch) -> None:
    from core import previews

    assert app.voices.engines() == ("local", "did")
    assert app.voices.capabilities("did").metered and not app.voices.capabilities("local").metered
    assert {v.id for v in app.voices.list(ANA, "local", "es")} == {"fake-es-f", "fake-es-m"}
    heard: list[tuple[str, str, float]] = []
    monkeypatch.setattr(
        previews, "voice_preview", lambda v, lang, rate: heard.append((v, lang, rate)) or b"RIFF"
    )
    assert app.voices.preview(ANA, "local", "fake-es-f", "es", 1.5) == b"RIFF"
    assert heard == [("fake-es-f", "es", 1.5)]
    with pytest.raises(InputError, match="finished video"):
        app.voices.preview(ANA, "did", "fake-es-f", "es")


# --- account ----------------------------------------------------------------------------------


def test_readiness_credits_and_usage(app: Parlante) -> None:
    ready = app.account.readiness()
    assert ready.openai and ready.openai_local_server and not ready.did
    assert app.account.credits_now("did") == {"remaining": 7, "total": 10}
    with pytest.raises(Exception, match="cannot report credits"):
        app.account.credits_now("local")
    today = app.account.usage_today(BOB)
    assert (today.did_videos, today.did_limit, today.openai_tokens) == (0, 1, 0)


def test_the_command_line_renders_in_process_as_the_shared_workspace(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_engine.install(monkeypatch, "local")
    app = Parlante.open(Settings.from_sources({"APP_DATA_DIR": str(data_dir)}), jobs=False)
    stages: list[str] = []
    video = app.renders.render_now(
        "", RenderRequest(text=TEXT), "local", lambda s, f, m="": stages.append(s)
    )
    assert video.video.is_file() and stages[-1] == "done"
    assert [i.id for i in app.videos.history("")] == [video.id]
    assert app.videos.history(ANA) == []
