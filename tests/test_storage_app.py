"""The whole app on an object store (MEDIA_URL=s3://… against moto over HTTP): a render goes
through the job runner into the bucket, the API redirects downloads to signed links (Range
requests served by the store), the History gets signed thumbnails, deleting removes the
objects; a store that cannot sign is streamed by the app with Range support."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient

from core.api import create_app
from core.config import Settings
from core.library import VIDEO_FILES
from core.models import THUMB_FILE, VIDEO_FILE
from core.storage import ObjectStore
from core.sweep import mismatches
from core.usecases import DONE, Parlante, is_link
from tests import fake_engine
from tests.fakes.s3_server import NoSigning, S3Server

ANA = "ana@example.org"
TEXT = "Las abejas polinizan las flores. Sin ellas no habría frutas en el mercado."


@pytest.fixture
def parlante(
    data_dir: Path, s3_env: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    settings = Settings.from_sources({
        "APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "1000",
        "MEDIA_URL": f"s3://{bucket}/school", "S3_ENDPOINT_URL": s3_env.endpoint,
    })  # fmt: skip
    app = Parlante.open(settings)
    yield app
    app.close(timeout=5)


def _render(client: TestClient, parlante: Parlante) -> tuple[str, dict[str, str]]:
    ana = {"Authorization": f"Bearer {parlante.apikeys.create(ANA).key}"}
    made = client.post("/v1/videos", json={"text": TEXT, "title": "Abejas"}, headers=ana)
    assert made.status_code == 202, made.text
    job_id = made.json()["id"]
    assert parlante.ctx.runner.wait(job_id, timeout=30).status == DONE
    return job_id, ana


def test_a_render_lands_in_the_bucket_and_the_api_redirects_to_signed_links(
    parlante: Parlante, s3_env: S3Server, bucket: str
) -> None:
    with TestClient(create_app(parlante, webhooks=False)) as client:
        job_id, ana = _render(client, parlante)
        video_id = parlante.renders.job(ANA, job_id).video_id or ""
        keys = s3_env.keys(bucket, "school/media/")
        assert keys == sorted(f"school/media/{video_id}/{n}" for n in VIDEO_FILES)

        moved = client.get(f"/v1/videos/{job_id}/video.mp4", headers=ana, follow_redirects=False)
        assert moved.status_code == 307
        link = moved.headers["location"]
        assert link.startswith(f"{s3_env.endpoint}/{bucket}/school/media/{video_id}/video.mp4?")
        whole = requests.get(link, timeout=10)
        assert whole.status_code == 200 and whole.content[4:8] == b"ftyp"
        part = requests.get(link, headers={"Range": "bytes=4-7"}, timeout=10)
        assert part.status_code == 206 and part.content == b"ftyp"
        vtt = client.get(f"/v1/videos/{job_id}/subtitles.vtt", headers=ana,
                         follow_redirects=False)  # fmt: skip
        assert requests.get(vtt.headers["location"], timeout=10).text.startswith("WEBVTT")

        item = parlante.videos.history(ANA)[0]  # the History page's thumbnail: a signed link
        assert item.thumbnail is not None and is_link(item.thumbnail)
        assert requests.get(item.thumbnail, timeout=10).content[:2] == b"\xff\xd8"

        record = parlante.videos.open(ANA, video_id)
        shutil.rmtree(record.folder)  # as if a worker elsewhere rendered it
        here = parlante.renders.files_here(ANA, record)  # `render --submit --wait --out`
        assert here.video_path.read_bytes() == whole.content and here.vtt_path.is_file()

        assert mismatches(parlante.ctx.services.library).to_json() == {
            "files_without_records": 0, "records_without_files": 0}  # fmt: skip
        assert client.delete(f"/v1/videos/{job_id}", headers=ana).json()["deleted"] is True
        assert s3_env.keys(bucket, "school/media/") == []


def test_a_store_that_cannot_sign_is_streamed_by_the_api_with_ranges(
    parlante: Parlante, data_dir: Path
) -> None:
    store = parlante.ctx.services.library.media
    assert isinstance(store, ObjectStore)
    store._fs = NoSigning(store.fs)
    with TestClient(create_app(parlante, webhooks=False)) as client:
        job_id, ana = _render(client, parlante)
        video_id = parlante.renders.job(ANA, job_id).video_id or ""
        copies = data_dir / "media-copies" / video_id
        for path in copies.iterdir():  # as if another replica rendered it: no copy here
            path.unlink()
        full = client.get(f"/v1/videos/{job_id}/video.mp4", headers=ana, follow_redirects=False)
        assert full.status_code == 200 and full.content[4:8] == b"ftyp"
        part = client.get(f"/v1/videos/{job_id}/video.mp4", headers={**ana, "Range": "bytes=4-7"})
        assert part.status_code == 206 and part.content == b"ftyp"
        assert (copies / VIDEO_FILE).is_file()  # fetched once into this machine's copies
        record = parlante.videos.open(ANA, video_id)
        assert parlante.videos.source(ANA, record, THUMB_FILE) == str(copies / THUMB_FILE)


def test_the_command_line_checks_counts_and_sweeps_the_store(
    data_dir: Path,
    s3_env: S3Server,
    bucket: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json
    import os

    from core.cli import main
    from core.models import RenderRequest
    from core.usecases import SHARED_USER

    fake_engine.install(monkeypatch, "local")

    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "MEDIA_URL": f"s3://{bucket}/school",
           "S3_ENDPOINT_URL": s3_env.endpoint}  # fmt: skip
    assert main(["media", "check", "--json"], env) == 0
    assert json.loads(capsys.readouterr().out) == {"store": f"s3://{bucket}/school", "ok": True}
    s3_env.client().put_object(Bucket=bucket, Key="school/media/orphan1/video.mp4", Body=b"x")
    assert main(["media", "count", "--json"], env) == 0
    counted = json.loads(capsys.readouterr().out)
    assert counted["files_without_records"] == 1 and counted["records_without_files"] == 0
    assert main(["media", "sweep", "--json"], env) == 0  # too young to be swept
    assert json.loads(capsys.readouterr().out)["removed"] == []

    app = Parlante.open(Settings.from_sources(env))  # a runner renders (the fake engine)
    try:
        job = app.renders.submit(SHARED_USER, RenderRequest(text="Hola a todos."), "local").id
        assert app.ctx.runner.wait(job, timeout=30).status == DONE
    finally:
        app.close(timeout=5)
    assert main(["jobs", "show", job, "--json"], env) == 0
    shown = json.loads(capsys.readouterr().out)["result"]
    assert shown["video"].startswith(f"s3://{bucket}/school/media/")  # where it is kept
    assert shown["video"].endswith("/video.mp4") and shown["thumbnail"].endswith(".jpg")

    missing = {**env, "MEDIA_URL": "s3://no-such-bucket/school"}
    assert main(["media", "check"], missing) == 3
    err = capsys.readouterr().err
    assert "error: The bucket of MEDIA_URL (s3://no-such-bucket/school)" in err, err
    assert "Traceback" not in err and "fake-secret" not in err
    assert main(["media", "check"], {**env, "MEDIA_URL": "ftp://x"}) == 3
    assert "MEDIA_URL must be s3://" in capsys.readouterr().err
