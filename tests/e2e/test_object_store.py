"""The app on an object store in a real browser: MEDIA_URL=s3://… against moto over HTTP.
The video is rendered offline, stored in the bucket, and the browser plays it from a
short-lived signed link (straight from the store), on Create and in History."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import App, browser, run_app, wait_idle
from tests.e2e.test_flow import VIDEO_PLAYS
from tests.fakes.s3_server import AWS_ENV, S3Server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
BUCKET = "parlante-e2e"
SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp"))


@pytest.fixture
def store() -> Iterator[S3Server]:
    server = S3Server().start()
    server.create_bucket(BUCKET)
    yield server
    server.stop()


@pytest.fixture
def s3_app(tmp_path: Path, store: S3Server) -> Iterator[App]:
    env = {**AWS_ENV, "MEDIA_URL": f"s3://{BUCKET}/school", "S3_ENDPOINT_URL": store.endpoint,
           "AWS_CONFIG_FILE": str(tmp_path / "none"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}  # fmt: skip
    with run_app(tmp_path / "data", env) as running:
        yield running


def test_create_and_history_play_from_signed_links(s3_app: App, store: S3Server) -> None:
    with browser() as page:
        page.goto(s3_app.url)
        wait_idle(page)
        page.get_by_role("textbox", name="Script", exact=True).fill(
            "Hola a todos. Hoy hablamos del agua y de las nubes."
        )
        page.get_by_role("button", name="Generate video").click()
        page.wait_for_function(VIDEO_PLAYS, timeout=180000)
        src = page.evaluate("() => document.querySelector('video').currentSrc")
        assert src.startswith(f"{store.endpoint}/{BUCKET}/school/media/"), src
        assert "X-Amz-Signature=" in src
        assert page.locator("video track").count() == 1  # subtitles read from the store
        page.locator("video").screenshot(path=str(SHOTS / "parlante-s3-create.png"))
        keys = store.keys(BUCKET, "school/media/")
        assert len(keys) == 4 and any(k.endswith("/video.mp4") for k in keys)

        page.get_by_role("link", name="History").click()
        thumb = page.locator("img[src*='thumbnail.jpg']").first
        thumb.wait_for(timeout=30000)
        assert thumb.evaluate("i => i.complete && i.naturalWidth > 0")  # fetched, signed
        page.locator('[data-testid="stBaseButton-secondary"]', has_text="Open").first.click()
        page.wait_for_function(VIDEO_PLAYS, timeout=30000)
        page.screenshot(path=str(SHOTS / "parlante-s3-history.png"), full_page=True)

        page.get_by_role("button", name="Delete", exact=True).click()
        page.get_by_role("button", name="Yes, delete").click()
        page.get_by_text("Video deleted.").wait_for(timeout=30000)
        assert store.keys(BUCKET, "school/media/") == []
