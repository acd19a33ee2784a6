"""The pages on an object store (MEDIA_URL=s3://… against moto over HTTP): History plays the
video from a signed link, shows a signed thumbnail, downloads the bytes, and deleting removes
the objects."""

from __future__ import annotations

import pytest
import requests

from tests.app_harness import button, fakes, open_app, runtime
from tests.fakes.s3_server import S3Server
from tests.test_app_history import make_video

__all__ = ["fakes"]
PAGE = "pages/history.py"


def test_history_plays_from_a_signed_link_and_delete_removes_the_objects(
    fakes, s3_env: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIA_URL", f"s3://{bucket}/pages")
    monkeypatch.setenv("S3_ENDPOINT_URL", s3_env.endpoint)
    at = open_app(PAGE)
    video_id = make_video(at, "Las abejas polinizan las flores.")
    assert len(s3_env.keys(bucket, f"pages/media/{video_id}/")) == 4
    at.run()
    thumbs = [img.url for image in at.get("image") for img in image.proto.imgs]
    assert len(thumbs) == 1 and thumbs[0].startswith(s3_env.endpoint), thumbs  # signed
    assert requests.get(thumbs[0], timeout=10).content[:2] == b"\xff\xd8"
    button(at, "Open").click().run()
    assert not at.exception, at.exception
    player = at.get("video")[0].proto
    assert player.url.startswith(f"{s3_env.endpoint}/{bucket}/pages/media/{video_id}/video.mp4?")
    got = requests.get(player.url, headers={"Range": "bytes=4-7"}, timeout=10)
    assert got.status_code == 206 and got.content == b"ftyp"
    assert player.subtitles and player.subtitles[0].label  # the VTT, read from the store
    button(at, "Delete").click().run()
    button(at, "Yes, delete").click().run()
    assert runtime(at).services.library.get_video(video_id) is None
    assert s3_env.keys(bucket, "pages/media/") == []
