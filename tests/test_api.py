"""The HTTP API through FastAPI's ASGI test client: keys, per-user isolation, idempotency,
the one error shape, limits, downloads with ranges, photos, voices, avatars, scripts."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.api import create_app
from core.config import Settings
from core.engines import registry
from core.usecases import DONE, Parlante
from tests import fake_engine
from tests.conftest import FAKE_DID_KEY, db_env
from tests.face_images import encode, synthetic_face

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

ANA, BOB = "ana@example.org", "bob@example.org"
TEXT = "Las abejas polinizan las flores. Sin ellas no habría frutas en el mercado."


@pytest.fixture
def parlante(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    env = {"APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "1000", "API_MAX_BODY_MB": "1"}
    settings = Settings.from_sources({**db_env(), **env})
    app = Parlante.open(settings)
    yield app
    app.close(timeout=5)


@pytest.fixture
def client(parlante: Parlante) -> Iterator[TestClient]:
    with TestClient(create_app(parlante, webhooks=False), raise_server_exceptions=False) as c:
        yield c


def auth(parlante: Parlante, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {parlante.apikeys.create(user).key}"}


def wait_done(parlante: Parlante, video_id: str) -> None:
    assert parlante.ctx.runner.wait(video_id, timeout=30).status == DONE


def assert_error(response, status: int, type_: str, param: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "param", "code"}
    assert body["error"]["type"] == type_
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]
    if param is not None:
        assert body["error"]["param"] == param
    return body["error"]


def test_no_key_a_wrong_key_and_a_revoked_key_are_401(client: TestClient, parlante: Parlante):
    assert_error(client.get("/v1/videos"), 401, "authentication_error")
    assert_error(client.get("/v1/videos", headers={"Authorization": "Bearer pk_nope_x"}), 401,
                 "authentication_error")  # fmt: skip
    new = parlante.apikeys.create(ANA)
    headers = {"Authorization": f"Bearer {new.key}"}
    assert client.get("/v1/videos", headers=headers).status_code == 200
    parlante.apikeys.revoke(ANA, new.info.id)
    assert_error(client.get("/v1/videos", headers=headers), 401, "authentication_error")


def test_keys_are_stored_hashed(parlante: Parlante) -> None:
    new = parlante.apikeys.create(ANA, "shop")
    rows = parlante.ctx.services.library.db.all("SELECT * FROM api_keys")
    dump = "\n".join(str(dict(row)) for row in rows)
    assert new.key not in dump and new.key[-20:] not in dump
    assert [k.name for k in parlante.apikeys.list(ANA)] == ["shop"]
    assert parlante.apikeys.list(BOB) == []


def test_submit_follow_download_and_delete(client: TestClient, parlante: Parlante) -> None:
    ana = auth(parlante, ANA)
    made = client.post("/v1/videos", json={"text": TEXT, "title": "Abejas"}, headers=ana)
    assert made.status_code == 202, made.text
    video = made.json()
    assert video["status"] in ("queued", "running", "done") and video["title"] == "Abejas"
    wait_done(parlante, video["id"])
    got = client.get(f"/v1/videos/{video['id']}", headers=ana).json()
    assert got["status"] == "done" and 1.4 < got["duration_s"] < 1.7
    assert got["links"]["video"].endswith(f"/v1/videos/{video['id']}/video.mp4")
    full = client.get(f"/v1/videos/{video['id']}/video.mp4", headers=ana)
    assert full.status_code == 200 and full.headers["content-type"] == "video/mp4"
    part = client.get(f"/v1/videos/{video['id']}/video.mp4",
                      headers={**ana, "Range": "bytes=4-7"})  # fmt: skip
    assert part.status_code == 206 and part.content == full.content[4:8] == b"ftyp"
    vtt = client.get(f"/v1/videos/{video['id']}/subtitles.vtt", headers=ana)
    assert vtt.text.startswith("WEBVTT")
    listed = client.get("/v1/videos", params={"status": "done"}, headers=ana).json()
    assert [v["id"] for v in listed["data"]] == [video["id"]] and listed["total"] == 1
    gone = client.delete(f"/v1/videos/{video['id']}", headers=ana)
    assert gone.json() == {"id": video["id"], "deleted": True, "status": "deleted"}
    assert_error(client.get(f"/v1/videos/{video['id']}", headers=ana), 404, "not_found")


def test_a_key_never_sees_another_users_videos(client: TestClient, parlante: Parlante) -> None:
    ana, bob = auth(parlante, ANA), auth(parlante, BOB)
    video = client.post("/v1/videos", json={"text": TEXT}, headers=ana).json()
    wait_done(parlante, video["id"])
    for path in ("", "/video.mp4", "/thumbnail.jpg", "/deliveries"):
        assert_error(client.get(f"/v1/videos/{video['id']}{path}", headers=bob), 404, "not_found")
    assert_error(client.delete(f"/v1/videos/{video['id']}", headers=bob), 404, "not_found")
    assert client.get("/v1/videos", headers=bob).json()["data"] == []
    photo = client.post("/v1/photos", headers=ana,
                        files={"file": ("cara.png", encode(synthetic_face()))})  # fmt: skip
    assert photo.status_code == 201, photo.text
    bob_avatars = client.get("/v1/avatars", headers=bob).json()["data"]
    assert photo.json()["id"] not in {a["id"] for a in bob_avatars}
    used = client.post("/v1/videos", json={"text": TEXT, "avatar": photo.json()["id"]},
                       headers=bob)  # fmt: skip
    assert_error(used, 422, "invalid_request", "avatar")
    assert client.get(f"/v1/videos/{video['id']}", headers=ana).status_code == 200


def test_idempotency_same_body_same_job_other_body_409(client: TestClient, parlante: Parlante):
    ana = {**auth(parlante, ANA), "Idempotency-Key": "order-1234"}
    first = client.post("/v1/videos", json={"text": TEXT, "rate": 1.0}, headers=ana)
    again = client.post("/v1/videos", content=f'{{ "rate": 1.0, "text": "{TEXT}" }}',
                        headers={**ana, "Content-Type": "application/json"})  # fmt: skip
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert len(parlante.renders.jobs(ANA)) == 1
    other = client.post("/v1/videos", json={"text": TEXT + " Y miel."}, headers=ana)
    assert_error(other, 409, "idempotency_conflict", "Idempotency-Key")
    # the same key is another user's own key space
    bob = {**auth(parlante, BOB), "Idempotency-Key": "order-1234"}
    assert client.post("/v1/videos", json={"text": "Otro."}, headers=bob).status_code == 202
    # a refused request does not burn its key
    bad = {**ana, "Idempotency-Key": "order-9"}
    assert client.post("/v1/videos", json={"text": " "}, headers=bad).status_code == 422
    assert client.post("/v1/videos", json={"text": TEXT}, headers=bad).status_code == 202


def test_error_shape_and_statuses(client: TestClient, parlante: Parlante) -> None:
    ana = auth(parlante, ANA)
    assert_error(client.post("/v1/videos", content="{nope", headers={
        **ana, "Content-Type": "application/json"}), 400, "invalid_json")  # fmt: skip
    assert_error(client.post("/v1/videos", json={"text": TEXT, "size": 5}, headers=ana), 422,
                 "invalid_request", "size")  # fmt: skip
    assert_error(client.post("/v1/videos", json={}, headers=ana), 422, "invalid_request")
    long_text = "palabra " * 1000
    err = assert_error(client.post("/v1/videos", json={"text": long_text}, headers=ana), 422,
                       "invalid_request", "text")  # fmt: skip
    assert err["code"] == "script.too_long"
    assert_error(client.post("/v1/videos", json={"text": TEXT, "voice": "nadie"}, headers=ana),
                 422, "invalid_request", "voice")  # fmt: skip
    assert_error(client.post("/v1/videos", json={"text": TEXT, "engine": "did"}, headers=ana),
                 422, "invalid_request", "engine")  # fmt: skip
    assert_error(client.post("/v1/videos", json={"text": TEXT, "avatar": "/etc/passwd"},
                             headers=ana), 422, "invalid_request", "avatar")  # fmt: skip
    for url, why in (("http://example.org/h", "not_https"), ("https://127.0.0.1/h", "private"),
                     ("https://10.1.2.3/h", "private"), ("https://[::1]/h", "private"),
                     ("https://localhost/h", "private")):  # fmt: skip
        got = client.post("/v1/videos", json={"text": TEXT, "webhook_url": url}, headers=ana)
        assert assert_error(got, 422, "invalid_request", "webhook_url")["code"] == f"webhook.{why}"
    assert parlante.renders.jobs(ANA) == []  # nothing refused became a job
    assert_error(client.get("/v1/nothing", headers=ana), 404, "not_found")
    assert_error(client.post("/v1/videos", content=b"x" * 2_000_000, headers=ana), 413,
                 "payload_too_large")  # fmt: skip
    assert_error(client.post("/v1/scripts", json={"prompt": "abejas"}, headers=ana), 503,
                 "service_unavailable")  # fmt: skip


def test_not_ready_is_409(client: TestClient, parlante: Parlante) -> None:
    fake_engine.CONTROL.gate = gate = threading.Event()
    ana = auth(parlante, ANA)
    video = client.post("/v1/videos", json={"text": TEXT}, headers=ana).json()
    assert_error(client.get(f"/v1/videos/{video['id']}/video.mp4", headers=ana), 409, "not_ready")
    gate.set()
    wait_done(parlante, video["id"])


def test_rate_limit_is_429_with_retry_after(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    fake_engine.install(monkeypatch, "local")
    settings = Settings.from_sources(
        {**db_env(), "APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "3"}
    )
    app = Parlante.open(settings, jobs=False)
    with TestClient(create_app(app, webhooks=False)) as client:
        ana, bob = auth(app, ANA), auth(app, BOB)
        codes = [client.get("/v1/avatars", headers=ana).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/avatars", headers=ana)
        assert_error(limited, 429, "rate_limit_error")
        assert int(limited.headers["Retry-After"]) >= 1
        assert client.get("/v1/avatars", headers=bob).status_code == 200  # per key


def test_daily_cap_is_429_with_retry_after(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from tests.test_usecases import PaidFake

    fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(registry.ENGINES, "did", PaidFake)
    settings = Settings.from_sources(
        {
            **db_env(),
            "APP_DATA_DIR": str(data_dir),
            "DID_DAILY_VIDEOS": "0",
            "DID_API_KEY": FAKE_DID_KEY,
        }
    )
    app = Parlante.open(settings, jobs=False)
    with TestClient(create_app(app, webhooks=False)) as client:
        got = client.post("/v1/videos", json={"text": TEXT, "engine": "did"},
                          headers=auth(app, ANA))  # fmt: skip
        assert_error(got, 429, "daily_limit_reached")
        assert int(got.headers["Retry-After"]) > 0


def test_voices_avatars_and_photos(client: TestClient, parlante: Parlante) -> None:
    ana = auth(parlante, ANA)
    voices = client.get("/v1/voices", params={"language": "es"}, headers=ana).json()["data"]
    assert {v["id"] for v in voices} == {"fake-es-f", "fake-es-m"}
    avatars = client.get("/v1/avatars", headers=ana).json()["data"]
    assert avatars and all(a["kind"] == "illustrated" for a in avatars)
    assert_error(client.post("/v1/photos", headers=ana, files={"file": ("x.gif", b"GIF89a")}),
                 422, "invalid_request", "file")  # fmt: skip
    big = io.BytesIO(b"\xff\xd8\xff" + b"0" * 1_100_000)
    assert_error(client.post("/v1/photos", headers=ana, files={"file": ("x.jpg", big)}), 413,
                 "payload_too_large")  # fmt: skip


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/v1/videos" in schema["paths"] and "/v1/videos/{video_id}/video.mp4" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert client.get("/docs").status_code == 200


def test_server_paths_are_never_request_fields(client: TestClient, parlante: Parlante) -> None:
    got = client.post("/v1/videos", json={"text": TEXT, "audio": "/etc/hosts"},
                      headers=auth(parlante, ANA))  # fmt: skip
    assert_error(got, 422, "invalid_request", "audio")
    ana = auth(parlante, ANA)
    for look in ({"slides": ["/etc/passwd"]}, {"music": "/etc/hosts"},
                 {"background": "/home/someone/secret.png"}):  # fmt: skip
        got = client.post("/v1/videos", json={"text": TEXT, "look": look}, headers=ana)
        assert assert_error(got, 422, "invalid_request")["param"].startswith("look")
    assert parlante.renders.jobs(ANA) == []
    fine = client.post("/v1/videos", json={"text": TEXT, "look": {"format": "9:16"}}, headers=ana)
    assert fine.status_code == 202, fine.text
    assert parlante.renders.job(ANA, fine.json()["id"]).request.look.format == "9:16"


def test_a_key_whose_account_is_no_longer_allowed_is_403(data_dir: Path, monkeypatch):
    fake_engine.install(monkeypatch, "local")
    settings = Settings.from_sources({"APP_DATA_DIR": str(data_dir), "ALLOWED_EMAILS": ANA})
    app = Parlante.open(settings, jobs=False)
    with TestClient(create_app(app, webhooks=False)) as client:
        assert client.get("/v1/videos", headers=auth(app, ANA)).status_code == 200
        err = assert_error(client.get("/v1/videos", headers=auth(app, BOB)), 403,
                           "permission_error")  # fmt: skip
        assert BOB in err["message"] and err["code"] == "api.user_not_allowed"
