"""Both engines through the composer: D-ID's talk (from the fake D-ID server) laid out in
every layout, the offline engine's presenter in a bubble, and bad input refused before any
work with nothing left at --out."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.compose.layouts import stage
from core.config import Settings
from core.errors import LimitReached
from core.models import Look, RenderRequest
from core.pipeline import render_video
from core.services import Services
from core.usage import METERED_VIDEOS
from tests.api_process import run_core
from tests.compose_media import (
    decode,
    tone,
    write_encrypted_pdf,
    write_images,
    write_pdf,
    write_wav,
)
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import FakeDid

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Hola a todos.\n\n---\n\nHoy aprendemos algo nuevo.\n\n---\n\nGracias."


@pytest.fixture
def fake() -> Iterator[FakeDid]:
    with FakeDid(key=FAKE_DID_KEY, video_s=1.2, render_s=0.05) as server:
        yield server


@pytest.mark.parametrize("layout", ["full", "side", "corner", "voice"])
def test_a_d_id_talk_is_composited_in_every_layout(fake, data_dir, tmp_path, layout) -> None:
    settings = Settings.from_sources(
        {"APP_DATA_DIR": str(data_dir), "DID_API_URL": fake.url, "DID_API_KEY": FAKE_DID_KEY,
         "DID_POLL_MIN_S": "0.01"}
    )  # fmt: skip
    services = Services.from_settings(settings)
    deck = write_pdf(tmp_path / "deck.pdf", 1)  # one scene: no slide change to see move
    slides = () if layout == "full" else (str(deck),)
    look = Look(format="16:9", layout=layout, slides=slides, background="ocean", captions="burn")
    text = "Hola a todos, hoy aprendemos algo nuevo."
    video = render_video(services, RenderRequest(text=text, look=look), "did")
    frames, _, _ = decode(video.video)
    assert frames[0].shape == (720, 1280, 3) and video.layout == layout
    assert fake.creates == 1
    # The fake talk is a moving red/blue gradient: where the layout puts the presenter, the
    # frame moves and is that gradient; with no presenter, nothing there moves.
    s = stage(1280, 720, layout, "top-right")  # the generated slides' emptiest corner
    a, b = frames[3].astype(np.int16), frames[20].astype(np.int16)
    moving = np.abs(a - b).max(axis=2) > 30
    if s.presenter is None:
        assert moving.mean() < 0.01
        return
    x, y, w, h = s.presenter
    inside = moving[y : y + h, x : x + w].mean()
    outside = moving.mean() - inside * (w * h) / moving.size
    assert inside > 0.3, "the talk does not move where the presenter goes"
    assert outside < 0.02


def test_a_new_look_of_the_same_d_id_talk_buys_no_new_talk(fake, data_dir, tmp_path) -> None:
    """Same script, voice and presenter; another format, layout, slides, captions: D-ID's
    talk is composed again from the kept one. Nothing is paid twice, nor metered twice."""
    settings = Settings.from_sources(
        {"APP_DATA_DIR": str(data_dir), "DID_API_URL": fake.url, "DID_API_KEY": FAKE_DID_KEY,
         "DID_POLL_MIN_S": "0.01", "DID_DAILY_VIDEOS": "1"}
    )  # fmt: skip
    services = Services.from_settings(settings)
    text = "Hola a todos, hoy aprendemos algo nuevo."
    one, two = write_pdf(tmp_path / "one.pdf", 1), write_images(tmp_path, 1)
    looks = [
        (Look(format="16:9", layout="corner", slides=(str(one),), captions="burn"), (720, 1280)),
        (Look(format="9:16", layout="full", background="ocean"), (1280, 720)),
        (Look(format="1:1", resolution=1080, layout="side", slides=(str(two[0]),)), (1080, 1080)),
    ]
    for n, (look, shape) in enumerate(looks):
        video = render_video(services, RenderRequest(text=text, look=look), "did", user="ana")
        frames, _, _ = decode(video.video)
        assert frames[0].shape[:2] == shape and video.layout == look.layout
        assert fake.creates == 1, f"look {n} bought a new talk"
        assert fake.count("POST", "/images") == 1
        assert not video.cached  # each look is a new video, composed from the kept talk
    assert services.usage.used("ana", METERED_VIDEOS) == 1  # the daily cap counts one video
    other = RenderRequest(text="Otro guion, otra charla.", look=looks[0][0])
    with pytest.raises(LimitReached):  # a new talk is paid work again: capped
        render_video(services, other, "did", user="ana")
    assert fake.creates == 1


def test_the_offline_bubble_holds_the_moving_mouth(services, tmp_path) -> None:
    deck = write_pdf(tmp_path / "deck.pdf", 2)
    look = Look(layout="corner", slides=(str(deck),))
    text = "Hola, buenos días.\n\n---\n\nMamá come papaya."
    video = render_video(services, RenderRequest(text=text, avatar="ana", look=look), "local")
    frames, _, _ = decode(video.video)
    s = stage(1280, 720, "corner", "top-right")
    x, y, w, h = s.presenter
    stack = np.stack([f[..., 1] for f in frames[5:-5]]).astype(np.int16)
    spread = stack.max(axis=0) - stack.min(axis=0)
    changing = spread > 40
    ys, xs = np.nonzero(changing)
    in_bubble = ((xs - (x + w / 2)) ** 2 + (ys - (y + h / 2)) ** 2) <= (w / 2) ** 2
    assert in_bubble.sum() > 150, "the mouth does not move in the bubble"
    # outside the bubble only the slide change moves: a crossfade across the slide area
    assert video.scenes == 2


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return run_core(env, "render", "--text", TEXT, *args)


def test_bad_input_exits_2_saying_what_to_fix_and_leaves_no_output(data_dir, tmp_path) -> None:
    out = tmp_path / "out.mp4"
    not_pdf = tmp_path / "deck.pdf"
    not_pdf.write_text("hello, not a pdf")
    two = write_pdf(tmp_path / "two.pdf", 2)
    silent = write_wav(tmp_path / "silence.wav", np.zeros(16000, np.float32))
    locked = write_encrypted_pdf(tmp_path / "locked.pdf", 3)
    for args, expected in [
        (["--slides", str(not_pdf)], "is not a PDF"),
        (["--slides", str(two)], "3 scene(s) but there are 2 slide(s)"),
        (["--music", str(silent)], "is silent"),
        (["--slides", str(locked)], "protected with a password"),
    ]:
        proc = run_cli(data_dir, *args, "--out", str(out))
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("error: ") and expected in proc.stderr, (args, proc.stderr)
        assert not out.exists()


def test_every_bad_look_is_refused_before_any_work(tmp_path) -> None:
    from core.compose import check_look
    from core.errors import InputError

    two = write_pdf(tmp_path / "two.pdf", 2)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"%PDF-1.4\n%%EOF\n")
    locked = write_encrypted_pdf(tmp_path / "locked.pdf", 3)
    noise = tmp_path / "song.mp3"
    noise.write_bytes(b"ID3" + bytes(range(256)) * 40)
    bad_image = tmp_path / "slide.png"
    bad_image.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    fine_music = write_wav(tmp_path / "ok.wav", tone(440, 1.0))
    cases = [
        (Look(slides=(str(empty),)), "slides.pdf_"),
        (Look(slides=(str(locked),)), "slides.pdf_password"),
        (Look(slides=(str(bad_image),) * 3), "photo."),
        (Look(music=str(noise)), "music.not_audio"),
        (Look(format="4:3"), "look.unknown_format"),
        (Look(resolution=900), "look.unknown_resolution"),
        (Look(layout="grid"), "look.unknown_layout"),
        (Look(background="neon"), "look.unknown_background"),
        (Look(background="missing.jpg"), "look.background_missing"),
        (Look(captions="yes"), "look.unknown_captions"),
        (Look(caption_style="comic"), "look.unknown_caption_style"),
        (Look(layout="corner", music=str(fine_music)), "look.needs_content"),
        (Look(layout="voice"), "look.needs_content"),
        (Look(layout="full", slides=(str(two),)), "look.full_with_slides"),
        (Look(title="x" * 200), "look.title_too_long"),
    ]
    for look, message_id in cases:
        with pytest.raises(InputError) as info:
            check_look(look, TEXT)
        assert (info.value.message_id or "").startswith(message_id), (look, info.value)
        assert info.value.text("es") != info.value.text("en")  # said in Spanish too
