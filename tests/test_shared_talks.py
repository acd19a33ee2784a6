"""A D-ID talk is paid once across workers: with MEDIA_URL, a kept talk is put in the object
store (did-talks/<name>/), and a worker that has not kept it fetches it instead of buying a
new one. Against the fake D-ID server and a real S3-compatible server (moto over HTTP)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import s3fs

from core.config import Settings
from core.engines.did import DidEngine
from core.engines.registry import create_engine
from core.library import Library
from core.media_url import parse_media_url
from core.models import Look, RenderRequest
from core.pipeline import render_video
from core.services import Services
from core.shared_talks import META, PREFIX, TALK_TTL_S, VIDEO, SharedTalks
from core.storage import LocalStore, open_store
from core.sweep import sweep
from core.usage import METERED_VIDEOS
from tests.compose_media import decode
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import FakeDid
from tests.fakes.s3_server import AWS_ENV, FAKE_SECRET, S3Server

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Hola a todos, hoy aprendemos algo nuevo."
MEDIA_PREFIX = "parlante"
DAY = 24 * 3600


@pytest.fixture
def fake() -> Iterator[FakeDid]:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.2, render_s=0.05) as server:
        yield server


def worker(fake: FakeDid, data_dir: Path, database: Path, **env: str) -> Services:
    """One machine: its own data folder (and so its own cache), the shared database."""
    return Services.from_settings(
        Settings.from_sources(
            {"APP_DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{database}",
             "DID_API_URL": fake.url, "DID_API_KEY": FAKE_DID_KEY, "DID_POLL_MIN_S": "0.01",
             "DID_DAILY_VIDEOS": "5", **env}
        )
    )  # fmt: skip


def media_env(s3: S3Server, bucket: str) -> dict[str, str]:
    return {"MEDIA_URL": f"s3://{bucket}/{MEDIA_PREFIX}", "S3_ENDPOINT_URL": s3.endpoint}


def talk_keys(s3: S3Server, bucket: str) -> list[str]:
    return [
        k.removeprefix(f"{MEDIA_PREFIX}/") for k in s3.keys(bucket, f"{MEDIA_PREFIX}/{PREFIX}/")
    ]


def look(layout: str) -> RenderRequest:
    return RenderRequest(text=TEXT, look=Look(layout=layout, background="ocean"))


def dead_endpoint() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


# -- two workers, one store ----------------------------------------------------------------------
def test_a_talk_made_on_one_worker_is_reused_by_another_with_a_new_look(
    fake: FakeDid, tmp_path: Path, s3_env: S3Server, bucket: str
) -> None:
    shared = media_env(s3_env, bucket)
    a = worker(fake, tmp_path / "a", tmp_path / "db.sqlite3", **shared)
    b = worker(fake, tmp_path / "b", tmp_path / "db.sqlite3", **shared)
    assert a.cache.directory != b.cache.directory

    first = render_video(a, RenderRequest(text=TEXT, look=Look(format="16:9", layout="full",
                                                               background="ocean")),
                         "did", user="ana")  # fmt: skip
    assert fake.creates == 1
    keys = talk_keys(s3_env, bucket)
    assert len(keys) == 2 and {k.rsplit("/", 1)[1] for k in keys} == {VIDEO, META}
    meta = json.loads(
        s3_env.client()
        .get_object(Bucket=bucket, Key=f"{MEDIA_PREFIX}/{keys[0].rsplit('/', 1)[0]}/{META}")["Body"]
        .read()
    )
    assert meta["talk_id"] == "tlk_0001" and len(meta["face_box"]) == 4  # fmt: skip
    assert abs(meta["created"] - time.time()) < 600 and meta["bytes"] > 0

    assert not list((b.cache.directory / "did-talks").glob("*.mp4"))  # B has kept nothing
    second = render_video(b, RenderRequest(text=TEXT, look=Look(format="9:16", layout="side",
                                                                background="ocean")),
                          "did", user="ana")  # fmt: skip
    assert fake.creates == 1, "the second worker bought a new talk"
    assert fake.count("POST", "/images") == 1  # nor uploaded the presenter again
    assert talk_keys(s3_env, bucket) == keys  # nothing put twice
    assert len(list((b.cache.directory / "did-talks").glob("*.mp4"))) == 1  # now kept on B too
    assert second.id != first.id and not second.cached  # a new video, composed on B
    frames, _, _ = decode(second.video)
    assert frames[0].shape[:2] == (1280, 720)
    record = b.library.get_video(second.id)
    assert record is not None and record.settings["did_talk_id"] == "tlk_0001"
    assert a.usage.used("ana", METERED_VIDEOS) == 1  # the daily cap counts one video
    assert b.usage.used("ana", METERED_VIDEOS) == 1


def test_two_worker_processes_pay_for_one_talk(
    fake: FakeDid, tmp_path: Path, s3_env: S3Server, bucket: str
) -> None:
    """The same, as two real processes on separate data folders (the command line's render:
    the same pipeline a worker runs), sharing only the database and MEDIA_URL."""
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {**os.environ, **media_env(s3_env, bucket), "DID_API_URL": fake.url,
           "DID_API_KEY": FAKE_DID_KEY, "DID_POLL_MIN_S": "0.01", "DATABASE_URL": database,
           "PYTHONPATH": str(ROOT)}  # fmt: skip

    def render(machine: str, layout: str) -> dict[str, object]:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "core",
                "render",
                "--engine",
                "did",
                "--text",
                TEXT,
                "--layout",
                layout,
                "--background",
                "ocean",
                "--json",
            ],
            cwd=ROOT,
            env={**env, "APP_DATA_DIR": str(tmp_path / machine)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)

    first = render("a", "full")
    assert fake.creates == 1 and len(talk_keys(s3_env, bucket)) == 2
    second = render("b", "side")
    assert fake.creates == 1, "the second process bought a new talk"
    assert fake.count("POST", "/images") == 1
    assert first["video"] != second["video"] and not second["cached"]
    assert str(second["video"]).startswith(str(tmp_path / "b"))  # composed on B
    assert len(list((tmp_path / "b" / "cache" / "did-talks").glob("*.mp4"))) == 1
    assert len(talk_keys(s3_env, bucket)) == 2  # put once


def test_without_a_shared_store_each_machine_keeps_its_own_talks(
    fake: FakeDid, tmp_path: Path
) -> None:
    """The same two machines without MEDIA_URL: as before, nothing is shared (this is what
    the test above would see if the store were not used)."""
    a = worker(fake, tmp_path / "a", tmp_path / "db.sqlite3")
    b = worker(fake, tmp_path / "b", tmp_path / "db.sqlite3")
    assert isinstance(a.library.media, LocalStore)
    assert a.engine("did").kept.shared is None  # type: ignore[attr-defined]
    render_video(a, look("full"), "did", user="ana")
    render_video(b, look("side"), "did", user="ana")
    assert fake.creates == 2
    assert not (tmp_path / "a" / PREFIX).exists() and not (tmp_path / "b" / PREFIX).exists()


# -- the store failing never fails a render ------------------------------------------------------
def _first_talk_in_the_store(
    fake: FakeDid, tmp_path: Path, s3_env: S3Server, bucket: str
) -> dict[str, str]:
    """Worker A renders once with the store: one talk bought, put in the store. Returns the
    settings that share that store."""
    shared = media_env(s3_env, bucket)
    a = worker(fake, tmp_path / "a", tmp_path / "db.sqlite3", **shared)
    render_video(a, look("full"), "did", user="ana")
    assert fake.creates == 1 and len(talk_keys(s3_env, bucket)) == 2
    return shared


def test_a_store_that_is_down_falls_back_to_a_new_talk_and_logs_without_secrets(
    fake: FakeDid, tmp_path: Path, s3_env: S3Server, bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    _first_talk_in_the_store(fake, tmp_path, s3_env, bucket)

    # Worker B: its library is local here, but its engine's shared store does not answer
    b = worker(fake, tmp_path / "b", tmp_path / "db.sqlite3")
    down = open_store(tmp_path / "b", parse_media_url(f"s3://{bucket}/{MEDIA_PREFIX}",
                                                      dead_endpoint()))  # fmt: skip
    down._fs = s3fs.S3FileSystem(  # type: ignore[attr-defined]  # refused at once, no retries
        client_kwargs={"endpoint_url": down.location.endpoint_url},  # type: ignore[attr-defined]
        config_kwargs={"retries": {"max_attempts": 1}}, skip_instance_cache=True,
    )  # fmt: skip
    b._engines["did"] = create_engine("did", b.settings, b.cache, down)
    assert isinstance(b._engines["did"], DidEngine) and b._engines["did"].kept.shared is not None
    with caplog.at_level(logging.INFO):
        video = render_video(b, look("side"), "did",
                             user="ana")  # fmt: skip
    assert fake.creates == 2  # the lookup failed: a new talk, and the render went on
    assert Path(video.video).is_file()
    assert b.usage.used("ana", METERED_VIDEOS) == 2  # it was paid work again: metered
    logged = caplog.text
    assert logged.count("could not be read") == 1  # asked once, not again in the same render
    assert "a new talk will be made" in logged
    assert "not shared through" in logged  # the upload failed too, and was only logged
    assert "storage.unreachable" not in logged and "127.0.0.1" in logged  # the typed message
    assert FAKE_SECRET not in logged and AWS_ENV["AWS_ACCESS_KEY_ID"] not in logged
    assert FAKE_DID_KEY not in logged
    assert len(list((b.cache.directory / "did-talks").glob("*.mp4"))) == 1  # kept on B


def test_an_upload_that_fails_keeps_the_talk_on_this_machine(
    fake: FakeDid, tmp_path: Path, s3_env: S3Server, bucket: str,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    a = worker(fake, tmp_path / "a", tmp_path / "db.sqlite3", **media_env(s3_env, bucket))
    engine = a.engine("did")
    assert isinstance(engine, DidEngine) and engine.kept.shared is not None
    store = engine.kept.shared.store

    real_put = store.put_file

    def put_file(src: Path, key: str) -> None:  # a key that may write videos, not talks
        if key.startswith(PREFIX):
            with store._errors(writing=True):  # the store's own translation of a 403
                raise PermissionError("Access Denied")
        real_put(src, key)

    monkeypatch.setattr(store, "put_file", put_file)
    with caplog.at_level(logging.WARNING):
        render_video(
            a,
            look("full"),
            "did",
            user="ana",
        )
        render_video(
            a,
            look("side"),
            "did",
            user="ana",
        )
    assert fake.creates == 1  # kept here: the second look reused it
    assert talk_keys(s3_env, bucket) == []
    assert "not shared through" in caplog.text and "refused access" in caplog.text


# -- the store's talks ----------------------------------------------------------------------------
def test_a_talk_is_fetched_whole_or_not_at_all(tmp_path: Path) -> None:
    now = [1_000_000.0]
    talks = SharedTalks(LocalStore(tmp_path / "store"), clock=lambda: now[0])
    video = tmp_path / "talk.mp4"
    video.write_bytes(b"a talk" * 100)
    assert talks.fetch("abc", tmp_path / "here" / "abc.mp4") is None  # never shared
    assert talks.put("abc", video, "tlk_9", (1, 2, 3, 4))
    assert not talks.put("abc", video, "tlk_10", (0, 0, 0, 0))  # shared already: left alone

    got = talks.fetch("abc", tmp_path / "here" / "abc.mp4")
    assert got is not None and got.talk_id == "tlk_9" and got.face_box == (1, 2, 3, 4)
    assert (tmp_path / "here" / "abc.mp4").read_bytes() == video.read_bytes()

    now[0] += TALK_TTL_S + 1  # a month later: expired, not reused
    assert talks.fetch("abc", tmp_path / "later.mp4") is None
    now[0] -= TALK_TTL_S + 1

    (tmp_path / "store" / PREFIX / "abc" / VIDEO).write_bytes(b"cut")  # not the bytes it says
    with pytest.raises(ValueError, match="bytes"):
        talks.fetch("abc", tmp_path / "cut.mp4")
    assert not (tmp_path / "cut.mp4").exists()
    (tmp_path / "store" / PREFIX / "abc" / META).write_text('{"talk_id": 3}')
    with pytest.raises(ValueError, match="not a talk"):
        talks.fetch("abc", tmp_path / "bad.mp4")


def test_a_broken_talk_in_the_store_is_a_miss_and_a_new_talk_is_made(
    fake: FakeDid, tmp_path: Path, s3_env: S3Server, bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    shared = _first_talk_in_the_store(fake, tmp_path, s3_env, bucket)
    meta = next(k for k in talk_keys(s3_env, bucket) if k.endswith(META))
    s3_env.client().put_object(Bucket=bucket, Key=f"{MEDIA_PREFIX}/{meta}", Body=b"{not json")
    b = worker(fake, tmp_path / "b", tmp_path / "db.sqlite3", **shared)
    with caplog.at_level(logging.WARNING):
        render_video(
            b,
            look("side"),
            "did",
            user="ana",
        )
    assert fake.creates == 2 and "could not be read" in caplog.text


# -- the sweeper ----------------------------------------------------------------------------------
def test_the_sweeper_leaves_kept_talks_alone_until_they_are_a_month_old(
    tmp_path: Path, s3_env: S3Server, bucket: str
) -> None:
    location = parse_media_url(f"s3://{bucket}/{MEDIA_PREFIX}", s3_env.endpoint)
    library = Library(tmp_path / "data", media=open_store(tmp_path / "data", location))
    video = tmp_path / "talk.mp4"
    video.write_bytes(b"a talk" * 100)
    assert SharedTalks(library.media).put("abc", video, "tlk_1", (1, 2, 3, 4))
    orphan = f"media/{'f' * 32}/video.mp4"  # a crashed upload's leftover, for comparison
    library.media.put_bytes(orphan, b"half a video")

    now = time.time()
    assert sweep(library, grace_s=0, now=now + 60) == ["f" * 32]  # the orphan goes at once
    assert talk_keys(s3_env, bucket) == [f"{PREFIX}/abc/{META}", f"{PREFIX}/abc/{VIDEO}"]
    assert sweep(library, grace_s=0, now=now + 29 * DAY) == []
    assert len(talk_keys(s3_env, bucket)) == 2  # a fresh talk is no orphan
    sweep(library, grace_s=0, now=now + 31 * DAY)
    assert talk_keys(s3_env, bucket) == []  # a month old: expired
