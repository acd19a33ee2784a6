"""The CLI end-to-end against the fake D-ID server, as a real subprocess.

The fake runs in this process on 127.0.0.1; each ``python -m core`` is a child process
pointed at it with DID_API_URL. DID_POLL_MIN_S shrinks every D-ID wait so the tests are
quick; Retry-After from the fake is still honoured (1 s).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from tests.api_process import run_core
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import FakeDid

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Hola a todos. Bienvenidos al curso de hoy, vamos a aprender algo nuevo."


@pytest.fixture
def fake() -> Iterator[FakeDid]:
    with FakeDid(key=FAKE_DID_KEY, video_s=2.0, render_s=0.3) as server:
        yield server


@pytest.fixture
def env(fake: FakeDid, data_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DID_", "OPENAI_"))}
    return {
        **base,
        "APP_DATA_DIR": str(data_dir),
        "DID_API_URL": fake.url,
        "DID_API_KEY": FAKE_DID_KEY,
        "DID_POLL_MIN_S": "0.02",
        "PYTHONPATH": str(ROOT),
    }


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = run_core(env, "-v", *args, timeout=timeout)
    assert FAKE_DID_KEY not in proc.stdout and FAKE_DID_KEY not in proc.stderr
    assert "FAKE-did-secret" not in proc.stdout + proc.stderr
    return proc


def render(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return cli(env, "render", "--engine", "did", "--text", TEXT, "--json", *extra)


def test_render_then_served_from_the_library(fake: FakeDid, env, tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    first = render(env, "--out", str(out), "--subtitles", str(tmp_path / "s.vtt"))
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["engine"] == "did" and result["voice"] == "es-EC-AndreaNeural"
    assert result["cached"] is False and result["duration_s"] == pytest.approx(2.0, abs=0.05)
    with av.open(str(out)) as video:  # D-ID's talk, composited: 16:9 at 720 by default
        stream = video.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (1280, 720)
    assert (result["width"], result["height"], result["layout"]) == (1280, 720, "full")
    assert (tmp_path / "s.vtt").read_text().startswith("WEBVTT")
    assert Path(result["thumbnail"]).read_bytes()[:2] == b"\xff\xd8"
    assert fake.storage_auth_headers == 0  # the key never went to storage

    second = render(env)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["cached"] is True
    assert fake.creates == 1 and fake.uploads == 1


def test_no_key_exits_3_naming_the_variable(fake: FakeDid, env) -> None:
    env.pop("DID_API_KEY")
    for args in (
        ("render", "--engine", "did", "--text", TEXT),
        ("voices", "--engine", "did", "--language", "es"),
        ("credits",),
    ):
        proc = cli(env, *args)
        assert proc.returncode == 3, (args, proc.stderr)
        assert proc.stderr.startswith("error: ") and "DID_API_KEY" in proc.stderr
    assert fake.log == []


def test_wrong_key_exits_3_without_showing_it(fake: FakeDid, env) -> None:
    env["DID_API_KEY"] = "someone:else"
    proc = cli(env, "credits")
    assert proc.returncode == 3
    assert "D-ID rejected the key — check DID_API_KEY" in proc.stderr
    assert "someone:else" not in proc.stderr


def test_voices_and_an_unknown_voice(fake: FakeDid, env) -> None:
    proc = cli(env, "voices", "--engine", "did", "--language", "es", "--json")
    assert proc.returncode == 0, proc.stderr
    voices = json.loads(proc.stdout)
    assert voices[0] == {
        "id": "es-EC-AndreaNeural",
        "name": "Andrea",
        "language": "es-EC",
        "gender": "female",
        "engine": "did",
    }
    assert {v["language"][:2] for v in voices} == {"es"} and len(voices) == 5
    text = cli(env, "voices", "--engine", "did", "--language", "en-GB")
    assert text.returncode == 0 and "en-GB-SoniaNeural" in text.stdout
    bad = render(env, "--voice", "es-XX-Nobody")
    assert bad.returncode == 2 and "Unknown D-ID voice 'es-XX-Nobody'" in bad.stderr
    assert fake.count("GET", "/tts/voices") == 1  # the list is cached for a day
    assert fake.creates == 0


def test_credits(fake: FakeDid, env) -> None:
    proc = cli(env, "credits")
    assert proc.returncode == 0 and "87 remaining of 100" in proc.stdout
    data = json.loads(cli(env, "credits", "--json").stdout)
    assert data["remaining"] == 87 and data["total"] == 100 and len(data["credits"]) == 1


def test_survives_every_transient_fault_and_pays_once(fake: FakeDid, env) -> None:
    fake.add_fault("429", times=2, match="POST /images")  # Retry-After: 1
    fake.add_fault("5xx", times=3, match="GET /talks/")
    fake.add_fault("504-created", times=1, match="POST /talks")
    fake.add_fault("malformed", times=1, match="GET /talks/")
    fake.expire_links = 1
    started = time.monotonic()
    proc = render(env)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started >= 2.0  # two Retry-After: 1 honoured
    assert fake.creates == 1 and fake.count("POST", "/talks") == 1
    assert fake.count("GET", "/storage/") == 2  # expired once, then a fresh link
    for reason in ("HTTP 429", "HTTP 503", "HTTP 504", "not JSON", "link from D-ID expired"):
        assert reason in proc.stderr, reason
    assert "already has talk tlk_0001" in proc.stderr


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        ("error", "FaceError: Face not detected in the source image"),
        ("rejected", "ContentModeration: The image was flagged"),
    ],
)
def test_failed_talks_exit_4_with_d_id_reason(fake: FakeDid, env, outcome, said) -> None:
    fake.outcome = outcome
    proc = render(env)
    assert proc.returncode == 4
    assert said in proc.stderr and f"talk tlk_0001 {outcome}" in proc.stderr
    fake.outcome = "done"  # the failed talk is forgotten: the next run creates a new one
    again = render(env)
    assert again.returncode == 0, again.stderr
    assert fake.creates == 2


def test_persistent_server_errors_exit_4(fake: FakeDid, env) -> None:
    fake.add_fault("5xx", times=100, match="GET /tts/voices")
    proc = cli(env, "voices", "--engine", "did", "--language", "es")
    assert proc.returncode == 4
    assert "HTTP 503" in proc.stderr and "gave up after 5 attempts" in proc.stderr


def test_killed_while_polling_resumes_the_same_talk(fake: FakeDid, env) -> None:
    fake.render_s = 600
    cmd = [sys.executable, "-m", "core", "render", "--engine", "did", "--text", TEXT, "--json"]
    child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while fake.polls() < 2 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert fake.polls() >= 2, child.stderr.read().decode() if child.poll() is not None else ""
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert fake.creates == 1
    fake.finish_in("tlk_0001", 0.3)
    proc = render(env)
    assert proc.returncode == 0, proc.stderr
    assert fake.creates == 1 and fake.uploads == 1 and fake.count("POST", "/talks") == 1
    assert json.loads(proc.stdout)["cached"] is False


def test_deadline_exits_4_and_the_next_run_keeps_waiting(fake: FakeDid, env) -> None:
    fake.render_s = 3.0
    env["DID_POLL_DEADLINE_S"] = "1"
    proc = render(env)
    assert proc.returncode == 4
    assert "did not finish talk tlk_0001 within 1 s" in proc.stderr
    env["DID_POLL_DEADLINE_S"] = "60"
    again = render(env)
    assert again.returncode == 0, again.stderr
    assert fake.creates == 1


def test_own_narration_is_sent_as_an_audio_script_and_subtitled_here(
    fake: FakeDid, env, tmp_path: Path
) -> None:
    from tests.narration_samples import joined_words, to_wav

    wav = tmp_path / "narración.wav"
    wav.write_bytes(to_wav(joined_words(TEXT, "espeak:es-419:m1", seed=5).audio))
    proc = cli(env, "render", "--engine", "did", "--audio", str(wav), "--text", TEXT, "--json",
               "--subtitles", str(tmp_path / "s.srt"))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["voice"] == "narration" and result["engine"] == "did"
    assert len(fake.audio_uploads) == 1 and wav.read_bytes() in fake.audio_uploads[0]
    (talk,) = fake.talks.values()
    assert talk.body["script"] == {"type": "audio", "audio_url": "s3://d-id-audios/fake/aud_1.wav"}
    srt = (tmp_path / "s.srt").read_text()
    assert "Hola a todos." in srt and "00:00:00,000 -->" not in srt  # timed to the recording
    no_script = cli(env, "render", "--engine", "did", "--audio", str(wav), "--json")
    assert no_script.returncode == 0, no_script.stderr
    assert json.loads(no_script.stdout)["subtitles"] is None
    assert len(fake.audio_uploads) == 1  # the same recording is uploaded once
