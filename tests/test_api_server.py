"""End to end against the running server: ``python -m core serve`` in its own process,
keys from ``python -m core apikey create --json`` (both started by tests/api_process.py), a
real offline render, the MP4 fetched with a range request, another user's key refused, and
the webhook received over HTTP and verified with the documented recipe."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from tests.api_process import cli_json, serving
from tests.test_webhooks import documented_verify

pytestmark = pytest.mark.slow


class Hooks(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []
    arrived = threading.Event()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Hooks.received.append((dict(self.headers.items()), body))
        Hooks.arrived.set()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server(data_dir: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "API_WEBHOOK_INSECURE": "1",
           "MAX_JOBS": "1"}  # fmt: skip
    with serving(env) as base:
        yield base, env


def test_two_api_processes_share_each_keys_rate_limit(data_dir: Path) -> None:
    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "6"}
    ana = cli_json(env, "apikey", "create", "--user", "ana@example.org", "--json")
    headers = {"Authorization": f"Bearer {ana['key']}"}
    with serving(env, "--no-jobs") as first, serving(env, "--no-jobs") as second:
        codes = [httpx.get(base + "/v1/avatars", headers=headers, timeout=30).status_code
                 for base in (first, second) * 3]  # fmt: skip
        assert codes == [200] * 6  # three each: the key's six for this minute
        for base in (first, second):
            refused = httpx.get(base + "/v1/avatars", headers=headers, timeout=30)
            assert refused.status_code == 429, refused.text
            assert refused.json()["error"]["type"] == "rate_limit_error"
            assert int(refused.headers["Retry-After"]) >= 1


def test_a_real_video_through_the_running_server(server: tuple[str, dict[str, str]]) -> None:
    base, env = server
    ana = cli_json(env, "apikey", "create", "--user", "ana@example.org", "--json")
    bob = cli_json(env, "apikey", "create", "--user", "bob@example.org", "--json")
    assert set(ana) == {"id", "key", "webhook_secret"}
    hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    try:
        headers = {"Authorization": f"Bearer {ana['key']}", "Idempotency-Key": "e2e-1"}
        body = {"text": "Hola a todos. Esto es una prueba.", "language": "es", "size": 256,
                "webhook_url": f"http://127.0.0.1:{hooks.server_address[1]}/hook"}  # fmt: skip
        first = httpx.post(base + "/v1/videos", json=body, headers=headers, timeout=30)
        again = httpx.post(base + "/v1/videos", json=body, headers=headers, timeout=30)
        assert first.status_code == again.status_code == 202, first.text
        video_id = first.json()["id"]
        assert again.json()["id"] == video_id
        deadline = time.monotonic() + 180
        while True:
            video = httpx.get(f"{base}/v1/videos/{video_id}", headers=headers, timeout=10).json()
            if video["status"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert video["status"] == "done", video
        mp4 = httpx.get(video["links"]["video"], timeout=30,
                        headers={**headers, "Range": "bytes=0-11"})  # fmt: skip
        assert mp4.status_code == 206 and mp4.content[4:8] == b"ftyp"
        assert int(mp4.headers["content-range"].split("/")[1]) > 1000
        other = httpx.get(f"{base}/v1/videos/{video_id}", timeout=10,
                          headers={"Authorization": f"Bearer {bob['key']}"})  # fmt: skip
        assert other.status_code == 404 and other.json()["error"]["type"] == "not_found"
        assert Hooks.arrived.wait(30), "no webhook arrived"
        hook_headers, raw = Hooks.received[0]
        assert json.loads(raw)["type"] == "video.succeeded"
        assert documented_verify()(ana["webhook_secret"], hook_headers["Parlante-Signature"], raw)
    finally:
        hooks.shutdown()


def test_a_real_video_with_uploaded_slides_music_and_narration(
    data_dir: Path, tmp_path: Path
) -> None:
    from tests.compose_media import tone, write_pdf, write_wav
    from tests.narration_samples import joined_words, to_wav

    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "MAX_JOBS": "1"}
    ana = cli_json(env, "apikey", "create", "--user", "ana@example.org", "--json")
    headers = {"Authorization": f"Bearer {ana['key']}"}
    deck = write_pdf(tmp_path / "clase.pdf", 2).read_bytes()
    music = write_wav(tmp_path / "fondo.wav", tone(330, 3.0, level=0.3)).read_bytes()
    narration = to_wav(joined_words("Hola a todos. Esto es una prueba.", "espeak:es:f3").audio)

    def wait(base: str, video_id: str) -> dict:
        deadline = time.monotonic() + 300
        while True:
            got = httpx.get(f"{base}/v1/videos/{video_id}", headers=headers, timeout=10).json()
            if got["status"] in ("done", "failed") or time.monotonic() > deadline:
                return got
            time.sleep(0.5)

    with serving(env) as base:
        ids = {}
        for kind, name, data in (("slides", "clase.pdf", deck), ("music", "fondo.wav", music),
                                 ("narration", "voz.wav", narration)):  # fmt: skip
            sent = httpx.post(base + "/v1/uploads", headers=headers, data={"kind": kind},
                              files={"file": (name, data)}, timeout=60)  # fmt: skip
            assert sent.status_code == 201, sent.text
            ids[kind] = sent.json()["id"]
        body = {"text": "Hola a todos.\n---\nEsto es una prueba.", "language": "es",
                "slides_upload_ids": [ids["slides"]], "music_upload_id": ids["music"],
                "narration_upload_id": ids["narration"],
                "look": {"format": "16:9", "resolution": 720, "layout": "side"}}  # fmt: skip
        made = httpx.post(base + "/v1/videos", json=body, headers=headers, timeout=60)
        assert made.status_code == 202, made.text
        video = wait(base, made.json()["id"])
        assert video["status"] == "done", video
        mp4 = httpx.get(video["links"]["video"], headers=headers, timeout=60).content
    path = tmp_path / "out.mp4"
    path.write_bytes(mp4)
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (1280, 720)
        assert container.streams.audio  # the narration with the music under it
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    red = (abs(frame[..., 0].astype(int) - 220) < 40) & (frame[..., 1] < 90) & (frame[..., 2] < 90)
    assert red[:, 640:].sum() > 5000 and red[:, :400].sum() < 500  # the first slide, at the side
