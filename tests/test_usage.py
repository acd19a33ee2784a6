"""Daily spending caps, enforced in core: D-ID videos per user, OpenAI tokens per user."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from core import avatars
from core.cli import main
from core.config import Settings
from core.engines import registry
from core.engines.base import Capabilities, MemoryJournal
from core.errors import LimitReached, QuotaError
from core.models import Avatar, Brief, RenderRequest, Script, Usage
from core.pipeline import check_quota, render_video, write_script
from core.services import Services
from core.usage import METERED_VIDEOS, OPENAI_TOKENS, MeteredJournal, UsageMeter
from core.writers import WRITERS, ScriptStream
from tests import fake_engine
from tests.conftest import db_env

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

TEXT = "Hola a todos, esto es una prueba del presentador."
NOON = dt.datetime(2031, 5, 4, 12, 0, tzinfo=dt.UTC).timestamp()


class MeteredFake(fake_engine.FakeEngine):
    """The fake engine, metered like D-ID: it saves a resume token before rendering."""

    capabilities = Capabilities(metered=True, resumable=True)


class Clock:
    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> fake_engine.FakeControl:
    monkeypatch.setattr(avatars, "builtin_avatars", lambda: [Avatar("ana", "Ana", "illustrated")])
    control = fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(registry.ENGINES, "did", MeteredFake)
    return control


def services_with(data_dir: Path, **env: str) -> Services:
    return Services.from_settings(
        Settings.from_sources({**db_env(), "APP_DATA_DIR": str(data_dir), **env})
    )


def request(text: str = TEXT, **kw: Any) -> RenderRequest:
    return RenderRequest(text=text, language="es", avatar="ana", **kw)


# --- the meter -----------------------------------------------------------------------------


def test_reservations_stop_at_the_cap_per_user_and_day(data_dir: Path) -> None:
    services = services_with(data_dir, DID_DAILY_VIDEOS="2")
    clock = Clock()
    meter = UsageMeter(services.library, services.settings, clock)
    meter.reserve_video("ana@example.org")
    meter.reserve_video("ana@example.org")
    with pytest.raises(LimitReached) as info:
        meter.reserve_video("ana@example.org")
    err = info.value
    assert isinstance(err, QuotaError) and err.exit_code == 3
    assert (err.kind, err.limit, err.used) == (METERED_VIDEOS, 2, 2)
    assert err.retry_after == pytest.approx(12 * 3600)  # until 00:00 UTC
    assert "DID_DAILY_VIDEOS" in err.message and "12 h 0 min" in err.message
    meter.reserve_video("leo@example.org")  # someone else's cap is their own
    clock.now += 12 * 3600 + 1  # the next UTC day
    meter.reserve_video("ana@example.org")
    assert meter.used("ana@example.org", METERED_VIDEOS) == 1


def test_two_jobs_at_once_cannot_both_take_the_last_video(data_dir: Path) -> None:
    services = services_with(data_dir, DID_DAILY_VIDEOS="5")
    meter = services.usage
    won, lost = [], []
    barrier = threading.Barrier(12)

    def reserve() -> None:
        barrier.wait()
        try:
            won.append(meter.reserve_video("ana"))
        except LimitReached:
            lost.append(1)

    threads = [threading.Thread(target=reserve) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(won), len(lost)) == (5, 7)
    assert meter.used("ana", METERED_VIDEOS) == 5


def test_a_cap_of_zero_turns_the_service_off(data_dir: Path) -> None:
    services = services_with(data_dir, DID_DAILY_VIDEOS="0", OPENAI_DAILY_TOKENS="0")
    with pytest.raises(LimitReached):
        services.usage.reserve_video("")
    with pytest.raises(LimitReached):
        services.usage.check("", OPENAI_TOKENS)


# --- D-ID videos through the pipeline ------------------------------------------------------


def test_a_new_talk_counts_once_and_a_library_hit_is_free(data_dir: Path) -> None:
    services = services_with(data_dir, DID_DAILY_VIDEOS="1")
    first = render_video(services, request(), "did", user="ana")
    assert not first.cached
    assert services.usage.used("ana", METERED_VIDEOS) == 1
    again = render_video(services, request(), "did", user="ana")  # same video: from the library
    assert again.cached and services.usage.used("ana", METERED_VIDEOS) == 1
    assert render_video(services, request(), "local", user="ana")  # the offline engine is free
    with pytest.raises(LimitReached):
        check_quota(services, "did", "ana")
    check_quota(services, "local", "ana")
    control = fake_engine.CONTROL
    before = len(control.renders)
    with pytest.raises(LimitReached):  # enforced in core, before the engine is asked
        render_video(services, request(TEXT + " Otra vez."), "did", user="ana")
    assert len(control.renders) == before
    assert render_video(services, request(TEXT + " Otra vez."), "did", user="leo")


def test_a_render_that_fails_before_a_talk_gives_the_video_back(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_with(data_dir, DID_DAILY_VIDEOS="1")

    def broken(self: Any, *args: Any) -> Any:
        raise RuntimeError("upload failed")

    monkeypatch.setattr(MeteredFake, "render", broken)
    with pytest.raises(RuntimeError):
        render_video(services, request(), "did", user="ana")
    assert services.usage.used("ana", METERED_VIDEOS) == 0


def test_a_talk_that_d_id_failed_is_refunded_and_a_resumed_talk_not_counted_twice(
    data_dir: Path,
) -> None:
    services = services_with(data_dir, DID_DAILY_VIDEOS="3")
    control = fake_engine.CONTROL
    control.fail_with = RuntimeError("talk failed")
    journal = MemoryJournal()
    with pytest.raises(RuntimeError):
        render_video(services, request(job_id="j1"), "did", journal=journal, user="ana")
    assert journal.resume_token() == "tlk_j1"  # the paid work exists: it stays counted
    assert services.usage.used("ana", METERED_VIDEOS) == 1
    control.fail_with = None
    render_video(services, request(job_id="j1"), "did", journal=journal, user="ana")  # resumed
    assert services.usage.used("ana", METERED_VIDEOS) == 1
    metered = _metered_journal(services, "leo")
    metered.save_resume_token("tlk_9")
    assert services.usage.used("leo", METERED_VIDEOS) == 1
    metered.refund()  # what the D-ID engine does when D-ID failed the talk
    assert services.usage.used("leo", METERED_VIDEOS) == 0


def _metered_journal(services: Services, user: str) -> MeteredJournal:
    return MeteredJournal(MemoryJournal(), services.usage, user).start()


# --- OpenAI tokens -------------------------------------------------------------------------


class CountingWriter:
    id = "openai"
    version = "counting-1"
    usage: Usage | None = Usage(100, 150, 250)
    calls = 0

    def __init__(self, _settings: Any) -> None:
        pass

    def cache_parts(self) -> dict[str, Any]:
        return {"model": "counting"}

    def write(self, brief: Brief) -> Script:
        CountingWriter.calls += 1
        return Script(text="Las abejas.", words=2, estimated_s=1.0, model="m", usage=self.usage)

    def stream(self, brief: Brief) -> ScriptStream:
        def pieces() -> Generator[str, None, Script]:
            yield "Las abejas."
            return self.write(brief)

        return ScriptStream(pieces())


@pytest.fixture
def writer(monkeypatch: pytest.MonkeyPatch) -> type[CountingWriter]:
    monkeypatch.setitem(WRITERS, "openai", CountingWriter)
    CountingWriter.calls = 0
    CountingWriter.usage = Usage(100, 150, 250)
    return CountingWriter


def test_tokens_are_counted_per_user_and_cached_scripts_are_free(
    data_dir: Path, writer: type[CountingWriter]
) -> None:
    services = services_with(data_dir, OPENAI_DAILY_TOKENS="500")
    write_script(services, Brief("bees"), user="ana")
    write_script(services, Brief("bees"), user="ana")  # cached
    assert writer.calls == 1 and services.usage.used("ana", OPENAI_TOKENS) == 250
    write_script(services, Brief("ants"), user="ana", on_delta=lambda _: None)
    assert services.usage.used("ana", OPENAI_TOKENS) == 500
    with pytest.raises(LimitReached) as info:
        write_script(services, Brief("wasps"), user="ana")
    assert info.value.kind == OPENAI_TOKENS and "OPENAI_DAILY_TOKENS" in info.value.message
    assert writer.calls == 2  # refused before the model was asked
    write_script(services, Brief("bees"), user="ana")  # a cached script is still free
    write_script(services, Brief("wasps"), user="leo")  # and leo has his own allowance
    assert services.usage.used("leo", OPENAI_TOKENS) == 250


def test_a_server_that_reports_no_usage_is_charged_an_estimate(
    data_dir: Path, writer: type[CountingWriter]
) -> None:
    writer.usage = None
    services = services_with(data_dir)
    write_script(services, Brief("bees " * 100), user="ana")
    assert services.usage.used("ana", OPENAI_TOKENS) > 400


# --- the command line obeys the same caps (user "") ----------------------------------------


def test_the_cli_obeys_the_caps(data_dir: Path, writer: type[CountingWriter], capsys) -> None:
    env = {
        **db_env(),
        "APP_DATA_DIR": str(data_dir),
        "DID_DAILY_VIDEOS": "0",
        "OPENAI_DAILY_TOKENS": "0",
    }
    assert main(["render", "--engine", "did", "--text", TEXT, "--avatar", "ana"], env=env) == 3
    assert "DID_DAILY_VIDEOS" in capsys.readouterr().err
    assert main(["script", "--prompt", "bees", "--json"], env=env) == 3
    assert "OPENAI_DAILY_TOKENS" in capsys.readouterr().err
    assert writer.calls == 0
    env["DID_DAILY_VIDEOS"] = "1"
    assert main(["render", "--engine", "did", "--text", TEXT, "--avatar", "ana"], env=env) == 0
    meter = services_with(data_dir).usage
    assert meter.used("", METERED_VIDEOS) == 1
