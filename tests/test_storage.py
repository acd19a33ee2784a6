"""Media in the local data folder or an object store (MEDIA_URL), tested against a real
S3-compatible server over HTTP (moto in server mode, tests/fakes/s3_server.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from core.config import Settings
from core.errors import ConfigError, ProviderError
from core.library import VIDEO_FILES, Library, video_key
from core.media_url import parse_media_url, redact_url
from core.models import THUMB_FILE, VIDEO_FILE, VTT_FILE, Look, RenderRequest
from core.storage import LocalStore, ObjectStore, open_store
from core.sweep import mismatches, sweep
from tests.fakes.s3_server import AWS_ENV, FAKE_SECRET, NoSigning, S3Server
from tests.records import record

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "parlante"


def s3_library(data_dir: Path, s3: S3Server, bucket: str) -> Library:
    location = parse_media_url(f"s3://{bucket}/{PREFIX}", s3.endpoint)
    return Library(data_dir, media=open_store(data_dir, location))


@pytest.fixture(params=["local", "s3"])
def library(request: pytest.FixtureRequest, data_dir: Path) -> Library:
    if request.param == "local":
        return Library(data_dir)
    return s3_library(data_dir, request.getfixturevalue("s3_env"),
                      request.getfixturevalue("bucket"))  # fmt: skip


def contents(name: str) -> bytes:
    return f"{name}:".encode() + bytes(range(256)) * 8


def stage_video(library: Library) -> Path:
    staging = library.staging_dir()
    for name in VIDEO_FILES:
        (staging / name).write_bytes(contents(name))
    return staging


def stored_keys(library: Library, s3: S3Server | None = None) -> list[str]:
    """Every video file in the store (keys under media/ except uploads)."""
    if library.media.is_local:
        media = library.data_dir / "media"
        found = [p.relative_to(library.data_dir).as_posix() for p in media.rglob("*")
                 if p.is_file()] if media.is_dir() else []  # fmt: skip
    else:
        assert s3 is not None
        store = library.media
        assert isinstance(store, ObjectStore)
        found = [k.removeprefix(f"{PREFIX}/") for k in s3.keys(store.location.bucket, PREFIX)]
    return sorted(k for k in found if not k.startswith("media/uploads/"))


def _s3(library: Library, request: pytest.FixtureRequest) -> S3Server | None:
    return None if library.media.is_local else request.getfixturevalue("s3_env")


# -- the library's files, on both stores --------------------------------------------------------
def test_a_video_is_stored_whole_then_listed_and_deleted_with_its_files(
    library: Library, request: pytest.FixtureRequest
) -> None:
    s3 = _s3(library, request)
    added = library.add_video(stage_video(library), record(title="Ciclo del agua"))
    assert not list(library.media_dir.glob(".staging-*"))  # the staging folder moved on
    found = library.get_video(added.id)
    assert found is not None and found.complete()
    assert [v.id for v in library.list_videos()] == [added.id]
    assert stored_keys(library, s3) == sorted(video_key(added.id, n) for n in VIDEO_FILES)
    for name in VIDEO_FILES:
        assert library.read(found, name) == contents(name)
    assert mismatches(library).to_json() == {"files_without_records": 0,
                                             "records_without_files": 0}  # fmt: skip

    assert library.delete_video(added.id)
    assert library.get_video(added.id) is None
    assert stored_keys(library, s3) == []
    assert not found.folder.exists()  # this machine's files (or copies) too


def test_a_missing_file_makes_the_video_incomplete_and_is_counted(
    library: Library, request: pytest.FixtureRequest
) -> None:
    added = library.add_video(stage_video(library), record())
    library.media.delete(video_key(added.id, THUMB_FILE))
    (added.folder / THUMB_FILE).unlink(missing_ok=True)
    found = library.get_video(added.id)
    assert found is not None and not found.complete()
    assert mismatches(library).records_without_files == [added.id]


def test_a_failed_upload_leaves_no_video_and_no_objects(
    data_dir: Path, s3_env: S3Server, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = s3_library(data_dir, s3_env, bucket)
    real_put, calls = library.media.put_file, []

    def flaky_put(src: Path, key: str) -> None:
        calls.append(key)
        if len(calls) == 3:
            raise ProviderError("storage.failed", provider="storage", url="s3://x",
                                endpoint="-", reason="injected")  # fmt: skip
        real_put(src, key)

    monkeypatch.setattr(library.media, "put_file", flaky_put)
    with pytest.raises(ProviderError):
        library.add_video(stage_video(library), record())
    assert len(calls) == 3  # two files were stored before the failure ...
    assert library.list_videos() == []  # ... yet nothing is visible
    assert stored_keys(library, s3_env) == []  # and what was stored is removed again


def test_a_duplicate_id_never_overwrites_another_videos_files(
    data_dir: Path, s3_env: S3Server, bucket: str
) -> None:
    library = s3_library(data_dir, s3_env, bucket)
    first = library.add_video(stage_video(library), record(id="dup"))
    with pytest.raises(FileExistsError):
        library.add_video(stage_video(library), record(id="dup"))
    assert library.get_video(first.id).complete()  # type: ignore[union-attr]


CRASH = """
import os, sys
from pathlib import Path
from core.library import Library, VideoRecord, VIDEO_FILES
from core.media_url import parse_media_url
from core.storage import open_store

data_dir, endpoint, bucket = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
library = Library(data_dir, media=open_store(data_dir, parse_media_url(f"s3://{bucket}/parlante",
                                                                 endpoint)))
staging = library.staging_dir()
for name in VIDEO_FILES:
    (staging / name).write_bytes(b"frames" * 1000)
real_put, calls = library.media.put_file, []
def dying_put(src, key):
    calls.append(key)
    if len(calls) == 3:
        os._exit(17)  # the worker is killed in the middle of the upload
    real_put(src, key)
library.media.put_file = dying_put
library.add_video(staging, VideoRecord(id="", script="s", language="es", engine="local",
                                       voice="v", avatar="a", size=512, duration_s=1.0))
"""


def test_a_worker_killed_mid_upload_leaves_no_video_and_the_sweeper_removes_its_files(
    data_dir: Path, s3_env: S3Server, bucket: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(data_dir), s3_env.endpoint, bucket],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 17, done.stderr.decode()[-2000:]
    library = s3_library(data_dir, s3_env, bucket)
    assert library.list_videos() == []  # nothing half-written is visible
    left = mismatches(library)
    assert len(left.files_without_records) == 1 and left.records_without_files == []
    assert len(stored_keys(library, s3_env)) == 2

    now = time.time()
    assert sweep(library, grace_s=3600, now=now) == []  # young: maybe an upload under way
    assert sweep(library, grace_s=3600, now=now + 3601) == left.files_without_records
    assert stored_keys(library, s3_env) == []
    assert mismatches(library).to_json() == {"files_without_records": 0,
                                             "records_without_files": 0}  # fmt: skip


def test_the_sweeper_keeps_recorded_videos_and_uploads(
    library: Library, request: pytest.FixtureRequest
) -> None:
    s3 = _s3(library, request)
    kept = library.add_video(stage_video(library), record())
    upload = library.save_upload(b"%PDF-1.4 slides", "deck.pdf", "ana@example.com")
    assert sweep(library, grace_s=0, now=time.time() + 10_000) == []
    assert library.get_video(kept.id).complete()  # type: ignore[union-attr]
    assert upload.is_file()
    if s3 is not None:
        assert library.media.exists(library.kept.key_of(upload) or "")


# -- signed links --------------------------------------------------------------------------------
def test_a_signed_link_serves_the_bytes_and_ranges_and_refuses_forged_or_expired(
    data_dir: Path, s3_env: S3Server, bucket: str
) -> None:
    library = s3_library(data_dir, s3_env, bucket)
    added = library.add_video(stage_video(library), record())
    url = library.video_url(added, VIDEO_FILE)
    assert url and url.startswith(s3_env.endpoint) and "X-Amz-Signature=" in url
    assert "X-Amz-Expires=900" in url
    assert FAKE_SECRET not in url

    whole = requests.get(url, timeout=10)
    assert whole.status_code == 200 and whole.content == contents(VIDEO_FILE)
    part = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=10)
    assert part.status_code == 206 and part.content == contents(VIDEO_FILE)[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(contents(VIDEO_FILE))}"

    at = url.index("X-Amz-Signature=") + len("X-Amz-Signature=")
    forged = url[:at] + ("0" if url[at] != "0" else "1") + url[at + 1 :]
    assert requests.get(forged, timeout=10).status_code == 403
    other = url.replace(f"/{VIDEO_FILE}?", f"/{THUMB_FILE}?")  # another file, same signature
    assert requests.get(other, timeout=10).status_code == 403
    s3_env.offset = 901  # the link has lived its 15 minutes
    refused = requests.get(url, timeout=10)
    assert refused.status_code == 403 and b"expired" in refused.content


def test_signed_links_are_reused_while_young_so_the_player_does_not_reload(
    s3_env: S3Server, bucket: str
) -> None:
    clock, signed = [1_000_000.0], []
    location = parse_media_url(f"s3://{bucket}/p", s3_env.endpoint)
    assert location is not None
    inner = ObjectStore(location).fs

    class Counting:
        def sign(self, path: str, expiration: int) -> str:
            signed.append(path)
            return str(inner.sign(path, expiration=expiration))

    store = ObjectStore(location, fs=Counting(), signed_url_s=900, clock=lambda: clock[0])
    first = store.sign("media/a/video.mp4")
    clock[0] += 400
    assert store.sign("media/a/video.mp4") == first and len(signed) == 1
    clock[0] += 100  # less than half its life left: a fresh one
    store.sign("media/a/video.mp4")
    assert signed == [f"{bucket}/p/media/a/video.mp4"] * 2


def test_local_files_are_served_by_the_app_not_signed(data_dir: Path) -> None:
    library = Library(data_dir)
    added = library.add_video(stage_video(library), record())
    assert library.video_url(added, VIDEO_FILE) is None
    assert library.source(added, VIDEO_FILE) == str(data_dir / "media" / added.id / VIDEO_FILE)


def test_a_store_that_cannot_sign_is_streamed_from_a_copy_on_this_machine(
    tmp_path: Path, s3_env: S3Server, bucket: str
) -> None:
    writer = s3_library(tmp_path / "worker", s3_env, bucket)
    added = writer.add_video(stage_video(writer), record())
    location = parse_media_url(f"s3://{bucket}/{PREFIX}", s3_env.endpoint)
    store = ObjectStore(location, fs=NoSigning(writer.media.fs))  # type: ignore[arg-type, attr-defined]
    shutil.rmtree(added.folder)  # the app replica is another machine: no copy here yet
    reader = Library(tmp_path / "worker", media=store)  # (the same records: one database)
    found = reader.get_video(added.id)
    assert found is not None and found.complete()
    source = reader.source(found, VIDEO_FILE)
    assert source == str(tmp_path / "worker" / "media-copies" / added.id / VIDEO_FILE)
    assert Path(source).read_bytes() == contents(VIDEO_FILE)
    assert reader.read(found, VTT_FILE) == contents(VTT_FILE)


# -- inputs made on one machine, rendered on another ----------------------------------------------
def test_uploads_narrations_and_photos_reach_a_worker_on_another_machine(
    tmp_path: Path, s3_env: S3Server, bucket: str
) -> None:
    app = s3_library(tmp_path / "app", s3_env, bucket)
    worker = s3_library(tmp_path / "worker", s3_env, bucket)
    deck = app.save_upload(b"%PDF-1.4 a deck", "Deck.PDF", "ana@example.com")
    music = app.save_upload(b"ID3 music", "song.mp3", "ana@example.com")
    narration = tmp_path / "app" / "narration" / "abc.wav"
    narration.parent.mkdir(parents=True)
    narration.write_bytes(b"RIFF narration")
    app.kept.share(narration)
    photo = app.add_photo(b"\xff\xd8 a photo", "Ana", "ana@example.com")

    request = RenderRequest(
        text="Hola", audio=str(narration),
        look=Look(slides=(str(deck),), music=str(music), background="ocean"),
    )  # fmt: skip
    (tmp_path / "app").rename(tmp_path / "gone")  # the worker is another machine
    local = worker.kept.localize_request(request)
    assert Path(local.look.slides[0]).read_bytes() == b"%PDF-1.4 a deck"
    assert Path(local.look.slides[0]).is_relative_to(tmp_path / "worker")
    assert Path(local.look.music).read_bytes() == b"ID3 music"
    assert Path(local.audio or "").read_bytes() == b"RIFF narration"
    assert local.look.background == "ocean"  # a theme, not a file
    worker.kept.forget(Path(local.look.music))  # removed here and from the store
    assert not Path(local.look.music).exists()
    assert not worker.media.exists(worker.kept.key_of(music) or "")

    # the photo's record is in the app's library; another machine finds its file by key
    key = f"photos/{photo.path.name}"  # type: ignore[union-attr]
    assert worker.media.exists(key)
    app = s3_library(tmp_path / "gone", s3_env, bucket)
    assert app.delete_photo(photo.id, "ana@example.com")
    assert not worker.media.exists(key)


def test_keys_of_kept_files_are_found_whatever_the_data_folder(tmp_path: Path) -> None:
    library = Library(tmp_path / "here")
    assert library.kept.key_of(tmp_path / "here" / "photos" / "p.jpg") == "photos/p.jpg"
    assert library.kept.key_of("/elsewhere/data/media/uploads/u/d.pdf") == "media/uploads/u/d.pdf"
    assert library.kept.key_of("/elsewhere/data/narration/n.wav") == "narration/n.wav"
    assert library.kept.key_of(tmp_path / "here" / "library.sqlite3") is None
    assert library.kept.key_of("/elsewhere/media/abc/video.mp4") is None  # a video, not input
    assert library.kept.key_of("ocean") is None


# -- settings and failures: a message that says what to fix, never a secret ----------------------
@pytest.mark.parametrize(
    ("url", "endpoint", "message_id"),
    [
        ("ftp://bucket/x", None, "config.media_url_scheme"),
        ("/srv/media", None, "config.media_url_scheme"),
        ("s3://", None, "config.media_url_bucket"),
        ("s3:///prefix", None, "config.media_url_bucket"),
        ("s3://Bad_Bucket!/x", None, "config.media_url_bucket"),
        ("s3://FAKEKEYID:fake-secret-in-url@bucket/x", None, "config.media_url_credentials"),
        (
            "s3://bucket/x?X-Amz-Signature=fake-signature-secret",
            None,
            "config.media_url_credentials",
        ),
        (None, "http://minio:9000", "config.s3_endpoint_alone"),
        ("gs://bucket/x", "http://minio:9000", "config.s3_endpoint_not_s3"),
        ("s3://bucket/x", "minio:9000", "config.s3_endpoint"),
        ("s3://bucket/x", "ftp://user:fake-endpoint-secret@minio", "config.s3_endpoint"),
    ],
)
def test_a_bad_media_url_says_what_to_fix_without_secrets(
    url: str | None, endpoint: str | None, message_id: str
) -> None:
    env = {k: v for k, v in (("MEDIA_URL", url), ("S3_ENDPOINT_URL", endpoint)) if v}
    with pytest.raises(ConfigError) as caught:
        Settings.from_sources(env)
    err = caught.value
    assert err.message_id == message_id
    assert err.variable in ("MEDIA_URL", "S3_ENDPOINT_URL") and err.variable in err.text("en")
    for lang in ("en", "es"):
        text = err.text(lang)
        assert "fake-secret" not in text and "fake-signature" not in text
        assert "fake-endpoint-secret" not in text and "Traceback" not in text


def test_media_urls_are_parsed_for_s3_and_gcs() -> None:
    s3 = Settings.from_sources({"MEDIA_URL": "s3://my-bucket/schools/north/",
                                "S3_ENDPOINT_URL": "http://minio:9000/"}).media  # fmt: skip
    assert s3 is not None and (s3.kind, s3.bucket, s3.prefix) == (
        "s3",
        "my-bucket",
        "schools/north",
    )
    assert s3.endpoint_url == "http://minio:9000" and s3.root == "my-bucket/schools/north"
    gs = Settings.from_sources({"MEDIA_URL": "gs://parlante-media"}).media
    assert gs is not None and (gs.kind, gs.bucket, gs.prefix, gs.root) == (
        "gs",
        "parlante-media",
        "",
        "parlante-media",
    )
    assert Settings.from_sources({"MEDIA_URL": "gcs://b-1/p"}).media.kind == "gs"  # type: ignore[union-attr]
    assert Settings.from_sources({}).media is None
    assert isinstance(open_store(Path("/tmp/x"), None), LocalStore)
    assert redact_url("https://user:pw@host:9000/p?sig=1") == "https://***@host:9000/p?***"


def test_a_missing_bucket_says_so(data_dir: Path, s3_env: S3Server) -> None:
    store = open_store(data_dir, parse_media_url("s3://no-such-bucket/p", s3_env.endpoint))
    with pytest.raises(ConfigError) as caught:
        store.check()
    assert caught.value.message_id == "storage.no_bucket"
    assert "no-such-bucket" in caught.value.text("es")


def test_an_unreachable_store_says_so_without_secrets(data_dir: Path, s3_env: S3Server) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    location = parse_media_url("s3://media/p", f"http://127.0.0.1:{port}")
    store = open_store(data_dir, location)
    with pytest.raises(ProviderError) as caught:
        store.put_bytes("a", b"x")
    err = caught.value
    assert err.message_id == "storage.unreachable"
    assert f"127.0.0.1:{port}" in err.text("en") and "S3_ENDPOINT_URL" in err.text("es")
    assert FAKE_SECRET not in err.text("en") and AWS_ENV["AWS_ACCESS_KEY_ID"] not in err.text()


def test_gcs_signing_uses_a_service_account_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No GCS server here: this checks that a gs:// store builds gcsfs from
    GOOGLE_APPLICATION_CREDENTIALS and signs V4 links offline with the key in it."""
    import json

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    account = {
        "type": "service_account", "project_id": "fake-project", "private_key_id": "fake",
        "private_key": pem, "client_email": "parlante@fake-project.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token",
    }  # fmt: skip
    creds = tmp_path / "sa.json"
    creds.write_text(json.dumps(account))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(creds))
    store = open_store(tmp_path, parse_media_url("gs://parlante-media/prod"), signed_url_s=600)
    import gcsfs

    assert isinstance(store, ObjectStore) and isinstance(store.fs, gcsfs.GCSFileSystem)
    url = store.sign("media/abc/video.mp4")
    assert url is not None
    assert url.startswith("https://storage.googleapis.com/parlante-media/prod/media/abc/video.mp4")
    assert "X-Goog-Signature=" in url and "X-Goog-Expires=600" in url
    assert pem not in url


class GcsLike:
    """What gcsfs raises: a bare FileNotFoundError(path) for a missing bucket (404), and
    OSError("Forbidden: …") for refused credentials (403)."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def pipe_file(self, path: str, data: bytes) -> None:
        raise self.error

    def rm_file(self, path: str) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "message_id"),
    [
        (FileNotFoundError("parlante-media/prod/.parlante-check-1"), "storage.no_bucket"),
        (OSError("Forbidden: parlante-media/prod/x\nno storage.objects.create"), "storage.denied"),
        (TimeoutError("read timed out"), "storage.unreachable"),
    ],
)
def test_gcs_failures_say_what_to_fix(tmp_path: Path, error: Exception, message_id: str) -> None:
    location = parse_media_url("gs://parlante-media/prod")
    assert location is not None
    store = ObjectStore(location, fs=GcsLike(error))
    with pytest.raises((ConfigError, ProviderError)) as caught:
        store.check()
    assert caught.value.message_id == message_id
    assert "gs://parlante-media/prod" in caught.value.text("es")


def test_the_sweeper_refuses_when_the_database_looks_like_the_wrong_one(data_dir: Path) -> None:
    library = Library(data_dir)
    library.add_video(stage_video(library), record())
    for n in range(25):  # media of another database (a new DATABASE_URL over old media)
        folder = library.media_dir / f"old{n:02d}"
        folder.mkdir(parents=True)
        (folder / VIDEO_FILE).write_bytes(b"x")
    later = time.time() + 10 * 3600
    with pytest.raises(ConfigError) as caught:
        sweep(library, grace_s=3600, now=later)
    assert caught.value.message_id == "storage.sweep_refused"
    assert "DATABASE_URL" in caught.value.text("es") and "25" in caught.value.text("en")
    assert len(mismatches(library).files_without_records) == 25  # nothing removed
    assert len(sweep(library, grace_s=3600, now=later, force=True)) == 25
    assert mismatches(library).to_json() == {"files_without_records": 0,
                                             "records_without_files": 0}  # fmt: skip


def test_a_record_on_an_object_store_crosses_processes(
    data_dir: Path, s3_env: S3Server, bucket: str
) -> None:
    import pickle

    library = s3_library(data_dir, s3_env, bucket)
    added = library.add_video(stage_video(library), record())
    found = library.get_video(added.id)
    assert found is not None and found.media is not None
    found.media.sign(video_key(added.id, VIDEO_FILE))  # the store has made its filesystem
    copy = pickle.loads(pickle.dumps(found))
    assert copy.complete() and copy.id == added.id  # the copy opens its own filesystem
