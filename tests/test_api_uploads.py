"""Uploads over the HTTP API: slides (PDF or a picture), a background image, music and the
person's own narration — checked like the app checks them, kept per user, named by id in
``POST /v1/videos`` (another user's id is 404), covered by the idempotency hash, 413 over
the limits."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from core.api import create_app
from core.config import Settings
from core.usecases import Parlante
from tests import fake_engine
from tests.compose_media import png_bytes, slide_images, tone, write_pdf, write_wav
from tests.conftest import db_env
from tests.test_api import ANA, BOB, TEXT, assert_error, auth

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

SCENES = "Primera parte del vídeo sobre abejas.\n---\nSegunda parte: la miel y la cera."


def encrypted_pdf() -> bytes:
    """A one-page PDF behind a password (the standard security handler)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32
        + b"> /P -4 >>",
    ]  # fmt: skip
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objs) + 1)
    out += b"01" * 16 + b"> <" + b"01" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@pytest.fixture
def media(tmp_path: Path) -> dict[str, bytes]:
    return {
        "pdf": write_pdf(tmp_path / "deck.pdf", 2).read_bytes(),
        "png": png_bytes(slide_images(1)[0]),
        "wav": write_wav(tmp_path / "tone.wav", tone(440, 2.0)).read_bytes(),
    }


@pytest.fixture
def parlante(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    env = {"APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "1000", "API_MAX_BODY_MB": "1",
           "MAX_AUDIO_MB": "0.5"}  # fmt: skip
    settings = Settings.from_sources({**db_env(), **env})
    app = Parlante.open(settings, jobs=False)
    yield app
    app.close(timeout=5)


@pytest.fixture
def client(parlante: Parlante) -> Iterator[TestClient]:
    with TestClient(create_app(parlante, webhooks=False), raise_server_exceptions=False) as c:
        yield c


def send(client: TestClient, headers: dict, kind: str, name: str, data: bytes):
    return client.post("/v1/uploads", headers=headers, data={"kind": kind},
                       files={"file": (name, io.BytesIO(data))})  # fmt: skip


def test_uploads_are_checked_kept_listed_and_deleted(client, parlante, media) -> None:
    ana = auth(parlante, ANA)
    deck = send(client, ana, "slides", "deck.pdf", media["pdf"])
    assert deck.status_code == 201, deck.text
    body = deck.json()
    assert body["kind"] == "slides" and body["pages"] == 2 and body["name"] == "deck.pdf"
    assert body["bytes"] == len(media["pdf"]) and body["id"].startswith("up_")
    assert "file" not in body and "/" not in str(body)  # where it is kept is never shown
    again = send(client, ana, "slides", "otra.pdf", media["pdf"])
    assert again.json()["id"] == body["id"]  # the same bytes: the same upload
    picture = send(client, ana, "image", "fondo.png", media["png"]).json()
    assert (picture["width"], picture["height"]) == (640, 360)
    music = send(client, ana, "music", "musica.wav", media["wav"]).json()
    voice = send(client, ana, "narration", "voz.wav", media["wav"]).json()
    assert music["duration_s"] == pytest.approx(2.0, abs=0.05) == voice["duration_s"]
    listed = client.get("/v1/uploads", headers=ana).json()
    assert listed["total"] == 4 and {u["id"] for u in listed["data"]} == {
        body["id"], picture["id"], music["id"], voice["id"]}  # fmt: skip
    assert client.get(f"/v1/uploads/{music['id']}", headers=ana).json() == music
    kept = Path(parlante.uploads.get(ANA, music["id"]).file)
    assert kept.read_bytes() == media["wav"]
    gone = client.delete(f"/v1/uploads/{music['id']}", headers=ana)
    assert gone.json() == {"id": music["id"], "deleted": True, "status": "deleted"}
    assert_error(client.get(f"/v1/uploads/{music['id']}", headers=ana), 404, "not_found")
    assert kept.is_file()  # the narration upload keeps the same bytes
    client.delete(f"/v1/uploads/{voice['id']}", headers=ana)
    assert not kept.exists()


def test_the_same_checks_as_the_app(client, parlante, media) -> None:
    ana = auth(parlante, ANA)
    for kind, name, data, code in (
        ("slides", "secreto.pdf", encrypted_pdf(), "slides.pdf_password"),
        ("slides", "roto.pdf", b"%PDF-1.4\nnothing here", "slides.pdf_damaged"),
        ("slides", "nota.txt", b"hola", "photo.not_image"),
        ("image", "fondo.gif", b"GIF89a....", "photo.not_image"),
        ("music", "musica.mp3", b"not audio at all" * 10, "music.not_audio"),
        ("narration", "voz.wav", b"RIFF" + b"\0" * 100, "audio.unreadable"),
        ("narration", "voz.exe", media["wav"], "audio.not_audio"),
        ("narration", "voz.wav", b"", "upload.empty"),
    ):  # fmt: skip
        err = assert_error(send(client, ana, kind, name, data), 422, "invalid_request", "file")
        assert err["code"] == code, (name, err)
    silent = write_wav(Path(parlante.settings.data_dir) / "s.wav", tone(440, 1.0, level=0.0))
    err = assert_error(send(client, ana, "narration", "s.wav", silent.read_bytes()), 422,
                       "invalid_request", "file")  # fmt: skip
    assert err["code"] == "audio.silent"
    assert_error(send(client, ana, "video", "x.mp4", b"x"), 422, "invalid_request", "kind")
    too_big = send(client, ana, "narration", "larga.wav", media["wav"] * 10)  # over 0.5 MB
    assert assert_error(too_big, 413, "payload_too_large", "file")["code"] == "upload.too_big"
    assert "0 MB" in too_big.json()["error"]["message"]
    assert parlante.uploads.list(ANA) == ([], 0)  # nothing refused was kept


def test_videos_use_uploads_by_id_and_never_anothers(client, parlante, media) -> None:
    ana, bob = auth(parlante, ANA), auth(parlante, BOB)
    deck = send(client, ana, "slides", "deck.pdf", media["pdf"]).json()
    picture = send(client, ana, "image", "fondo.png", media["png"]).json()
    music = send(client, ana, "music", "musica.wav", media["wav"]).json()
    voice = send(client, ana, "narration", "voz.wav", media["wav"]).json()
    request = {"text": SCENES, "slides_upload_ids": [deck["id"]], "music_upload_id": music["id"],
               "background_upload_id": picture["id"], "look": {"layout": "side"}}  # fmt: skip
    made = client.post("/v1/videos", json=request, headers=ana)
    assert made.status_code == 202, made.text
    job = parlante.renders.job(ANA, made.json()["id"])
    files = parlante.uploads
    assert job.request.look.slides == (files.get(ANA, deck["id"]).file,)
    assert job.request.look.music == files.get(ANA, music["id"]).file
    assert job.request.look.background == files.get(ANA, picture["id"]).file
    busy = client.delete(f"/v1/uploads/{music['id']}", headers=ana)  # the video still needs it
    assert assert_error(busy, 409, "conflict")["code"] == "upload.in_use"
    assert job.id in busy.json()["error"]["message"]
    spoken = client.post("/v1/videos", json={"narration_upload_id": voice["id"],
                                             "keep_unaligned": True}, headers=ana)  # fmt: skip
    assert spoken.status_code == 202, spoken.text
    assert parlante.renders.job(ANA, spoken.json()["id"]).request.audio == files.get(
        ANA, voice["id"]).file  # fmt: skip
    for field, value in (("slides_upload_ids", [deck["id"]]), ("music_upload_id", music["id"]),
                         ("background_upload_id", picture["id"]),
                         ("narration_upload_id", voice["id"])):  # fmt: skip
        got = client.post("/v1/videos", json={"text": SCENES, field: value}, headers=bob)
        assert_error(got, 404, "not_found", field)
        assert_error(client.get(f"/v1/uploads/{deck['id']}", headers=bob), 404, "not_found")
        assert_error(client.delete(f"/v1/uploads/{deck['id']}", headers=bob), 404, "not_found")
    assert parlante.renders.jobs(BOB) == [] and client.get("/v1/uploads", headers=bob).json()[
        "total"] == 0  # fmt: skip
    wrong = client.post("/v1/videos", json={"text": TEXT, "music_upload_id": voice["id"]},
                        headers=ana)  # fmt: skip
    assert assert_error(wrong, 422, "invalid_request", "music_upload_id")["code"] == (
        "upload.wrong_kind")  # fmt: skip
    for made_id in (made.json()["id"], spoken.json()["id"]):
        assert client.delete(f"/v1/videos/{made_id}", headers=ana).json()["deleted"]
    assert client.delete(f"/v1/uploads/{music['id']}", headers=ana).status_code == 200
    counted = client.post(
        "/v1/videos",
        json={"text": TEXT, "slides_upload_ids": [deck["id"]], "look": {"layout": "side"}},
        headers=ana,
    )
    assert counted.status_code == 422  # one scene, two slides: the app's own check
    assert counted.json()["error"]["code"] == "slides.count_mismatch"


def test_the_idempotency_hash_covers_the_upload_ids(client, parlante, media) -> None:
    ana = auth(parlante, ANA)
    first = send(client, ana, "music", "a.wav", media["wav"]).json()
    higher = write_wav(Path(parlante.settings.data_dir) / "b.wav", tone(660, 2.0)).read_bytes()
    other = send(client, ana, "music", "b.wav", higher).json()
    headers = {**ana, "Idempotency-Key": "musica-1"}
    made = client.post("/v1/videos", json={"text": TEXT, "music_upload_id": first["id"]},
                       headers=headers)  # fmt: skip
    same = client.post("/v1/videos", json={"text": TEXT, "music_upload_id": first["id"]},
                       headers=headers)  # fmt: skip
    assert made.status_code == same.status_code == 202 and made.json()["id"] == same.json()["id"]
    changed = client.post("/v1/videos", json={"text": TEXT, "music_upload_id": other["id"]},
                          headers=headers)  # fmt: skip
    assert_error(changed, 409, "idempotency_conflict", "Idempotency-Key")


def test_uploads_in_an_object_store_reach_a_replica_without_the_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, media, s3_env, bucket
) -> None:
    fake_engine.install(monkeypatch, "local")
    settings = Settings.from_sources({
        **db_env(),
        "APP_DATA_DIR": str(data_dir), "MEDIA_URL": f"s3://{bucket}/parlante",
        "S3_ENDPOINT_URL": s3_env.endpoint,
    })  # fmt: skip
    app = Parlante.open(settings, jobs=False)
    try:
        with TestClient(create_app(app, webhooks=False)) as client:
            ana = auth(app, ANA)
            deck = send(client, ana, "slides", "deck.pdf", media["pdf"]).json()
            kept = app.ctx.services.library.kept
            local = Path(app.uploads.get(ANA, deck["id"]).file)
            key = kept.key_of(local)
            assert key and app.ctx.services.library.media.exists(key)
            local.unlink()  # this replica never had the file: it was uploaded through another
            made = client.post(
                "/v1/videos",
                headers=ana,
                json={
                    "text": SCENES,
                    "slides_upload_ids": [deck["id"]],
                    "look": {"layout": "side"},
                },
            )
            assert made.status_code == 202, made.text
            assert local.read_bytes() == media["pdf"]  # fetched from the store
            client.delete(f"/v1/videos/{made.json()['id']}", headers=ana)
            assert client.delete(f"/v1/uploads/{deck['id']}", headers=ana).status_code == 200
            assert not app.ctx.services.library.media.exists(key) and not local.exists()
    finally:
        app.close(timeout=5)
