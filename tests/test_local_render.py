"""The offline engine end to end: render a few seconds, decode with PyAV, check what moved."""

from __future__ import annotations

import itertools

import av
import numpy as np
import pytest

from core.engines.local import speech
from core.engines.local.illustrated_frame import in_square
from core.engines.local.illustrated_look import EYE_BOX as ART_EYE_BOX
from core.engines.local.illustrated_look import MOUTH_BOX as ART_MOUTH_BOX
from core.models import RenderRequest
from core.pipeline import render_video
from core.services import Services
from tests.face_images import encode, synthetic_face

EYE_BOX, MOUTH_BOX = in_square(ART_EYE_BOX), in_square(ART_MOUTH_BOX)
TEXT = "Hola a todos. Mañana empezamos la clase."
FPS = 25


def decode(path) -> tuple[list[np.ndarray], float, float]:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        video_s = float(v.duration * v.time_base)
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        samples = sum(f.samples for f in c.decode(audio=0))
        audio_s = samples / a.sample_rate
    return frames, video_s, audio_s


def region(frame: np.ndarray, box: tuple[float, float, float, float], grow: float = 0.0):
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = box
    return frame[
        int((y0 - grow) * h) : int((y1 + grow) * h), int((x0 - grow) * w) : int((x1 + grow) * w)
    ].astype(np.int16)


def dark_pixels(frame: np.ndarray) -> int:
    """Dark pixels in the mouth area: the open mouth's inside is dark, a closed mouth is not."""
    mouth = region(frame, MOUTH_BOX, grow=0.015)
    return int((mouth.max(axis=2) < 90).sum())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    from core.config import Settings

    data = tmp_path_factory.mktemp("data")
    services = Services.from_settings(Settings.from_sources({"APP_DATA_DIR": str(data)}))
    video = render_video(
        services, RenderRequest(text=TEXT, language="es", avatar="ana", size=256), "local"
    )
    spoken = speech.synthesize(video.voice, TEXT)
    return services, video, spoken, decode(video.video)


def test_streams_codecs_and_equal_lengths(rendered) -> None:
    _, video, spoken, (frames, video_s, audio_s) = rendered
    assert frames[0].shape == (256, 256, 3)
    assert abs(video_s - len(frames) / FPS) < 1e-6
    assert abs(video_s - video.duration_s) < 0.05
    assert abs(audio_s - video_s) < 0.06  # same length, give or take AAC's priming frame
    assert video_s >= spoken.duration - 0.05
    with av.open(str(video.video)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert c.streams.video[0].codec_context.pix_fmt == "yuv420p"
        assert c.streams.audio[0].codec_context.name == "aac"


def test_audio_is_the_speech(rendered) -> None:
    _, video, _, _ = rendered
    with av.open(str(video.video)) as c:
        pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    assert np.sqrt(np.mean(pcm**2)) > 0.02  # not silence


def test_mouth_moves_while_speaking_and_rests_in_pauses(rendered) -> None:
    _, _, spoken, (frames, _, _) = rendered
    dark = [dark_pixels(f) for f in frames]
    first, last = spoken.phones[0].start, spoken.phones[-1].end
    speaking = [dark[i] for i in range(len(frames)) if first + 0.1 < i / FPS < last - 0.1]
    # the longest gap between phones is the pause between the two sentences
    gaps = [(b.start - a.end, a.end, b.start) for a, b in itertools.pairwise(spoken.phones)]
    length, gap_start, gap_end = max(gaps)
    assert length > 0.25
    middle = round((gap_start + gap_end) / 2 * FPS)
    assert max(speaking) > 20, "the mouth never opened while speaking"
    assert sum(1 for d in speaking if d > 20) >= 5
    assert dark[middle] < 0.25 * max(speaking), "the mouth did not rest in the pause"
    assert dark[0] < 0.25 * max(speaking) and dark[-1] < 0.25 * max(speaking)


def test_rest_of_the_picture_stays_stable(rendered) -> None:
    _, _, _, (frames, _, _) = rendered
    # background corners never move; the forehead only moves with the slight head motion
    corner = [region(f, (0.0, 0.0, 0.12, 0.12)) for f in frames]
    assert max(np.abs(c - corner[0]).mean() for c in corner) < 2.5
    forehead = (0.42, EYE_BOX[1] - 0.02, 0.58, EYE_BOX[1] + 0.01)
    fore = [region(f, forehead) for f in frames]
    assert max(np.abs(f - fore[0]).mean() for f in fore) < 20
    # … yet the head is not frozen
    head = [region(f, (0.3, 0.15, 0.7, 0.6)) for f in frames]
    assert max(np.abs(h - head[0]).mean() for h in head) > 0.5


def test_subtitles_and_thumbnail_exist_and_match(rendered) -> None:
    _, video, _, (_, video_s, _) = rendered
    srt = video.subtitles.read_text(encoding="utf-8")
    assert "Hola a todos." in srt and "Mañana empezamos la clase." in srt
    assert video.vtt.read_text(encoding="utf-8").startswith("WEBVTT")
    assert video.thumbnail.read_bytes()[:2] == b"\xff\xd8"  # JPEG
    last_end = srt.strip().splitlines()[-2].split(" --> ")[1]
    hours, minutes, seconds = last_end.split(":")
    end_s = int(hours) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))
    assert end_s <= video_s + 0.01


def test_identical_render_is_served_from_the_library(rendered) -> None:
    services, video, _, _ = rendered
    again = render_video(
        services, RenderRequest(text=TEXT, language="es", avatar="ana", size=256), "local"
    )
    assert again.cached and again.id == video.id
    fresh = render_video(
        services,
        RenderRequest(text=TEXT, language="es", avatar="ana", size=256, use_cache=False),
        "local",
    )
    assert not fresh.cached and fresh.id != video.id


def test_the_same_request_renders_the_same_frames(tmp_path) -> None:
    """Two fresh processes, one request: identical frames (motion is seeded, not random;
    nothing depends on the process). Within one process: see the test further down."""
    import os
    import subprocess
    import sys

    frames = []
    for run in range(2):
        out = tmp_path / f"v{run}.mp4"
        cmd = [sys.executable, "-m", "core", "render", "--engine", "local", "--language", "es"]
        cmd += ["--text", "Hola. ¿Qué tal?", "--size", "256", "--out", str(out), "--no-cache"]
        env = {**os.environ, "APP_DATA_DIR": str(tmp_path / f"data{run}")}
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
        frames.append(decode(out)[0])
    assert len(frames[0]) == len(frames[1]) > 10
    assert all(np.array_equal(a, b) for a, b in zip(*frames, strict=True))


def test_different_videos_blink_at_different_times() -> None:
    from core.engines.local.engine import motion_seed
    from core.engines.local.lipsync import timeline
    from core.engines.local.types import Phone

    parts = {"text": TEXT, "voice": "espeak:es", "avatar": "builtin:ana:4", "size": 512}
    phones = [Phone("a", 0.2 + 0.3 * i, 0.4 + 0.3 * i) for i in range(60)]

    def blinks(**changes: object) -> list[int]:
        states = timeline(phones, 20.0, fps=FPS, seed=motion_seed({**parts, **changes}))
        return [i for i, s in enumerate(states) if s.blink == 1.0]

    same = blinks()
    assert same == blinks() and len(same) >= 3
    for other in (blinks(text="Otra cosa."), blinks(avatar="builtin:leo:4"), blinks(size=720)):
        assert other != same
        assert len(set(other) & set(same)) < len(same) / 2  # not just shifted by a frame


def test_photo_avatar_renders(services: Services, tmp_path) -> None:
    photo = tmp_path / "me.jpg"
    photo.write_bytes(encode(synthetic_face(384), "JPEG", quality=92))
    video = render_video(
        services, RenderRequest(text="Hola.", language="es", avatar=str(photo), size=256), "local"
    )
    frames, video_s, audio_s = decode(video.video)
    assert video.avatar == str(photo) and len(frames) >= 10
    assert abs(audio_s - video_s) < 0.06
    # The library says which face finder animated it (landmarks here; Haar is the fallback).
    record = services.library.get_video(video.id)
    assert record is not None and record.settings["face_detector"] == "face-mesh"


def closed_eye_frames(frames: list[np.ndarray]) -> list[int]:
    """Frames whose eyes are shut: the eyes lose most of their dark irises and pupils (only
    the thin lash lines are left)."""
    eyes = (0.38, 0.35, 0.62, 0.44)  # both eyes, between the brows and the cheeks
    dark = np.array([int((region(f, eyes).max(axis=2) < 90).sum()) for f in frames])
    return [i for i, d in enumerate(dark) if d < 0.7 * float(np.median(dark))]


def test_two_texts_render_blinks_at_different_frames(services: Services) -> None:
    """In the rendered videos themselves (decoded frames), not only in the timeline."""
    texts = (
        "Hoy vamos a aprender por qué el cielo es azul y por qué las nubes son blancas.",
        "Mañana visitamos el museo de ciencias naturales con toda la clase de tercero.",
    )
    closed = []
    for text in texts:
        request = RenderRequest(text=text, language="es", avatar="ana", size=256)
        frames = decode(render_video(services, request, "local").video)[0]
        closed.append(closed_eye_frames(frames))
    assert all(len(c) >= 1 for c in closed), closed
    assert closed[0] != closed[1]
    assert len(set(closed[0]) & set(closed[1])) < min(len(c) for c in closed), closed


def test_the_same_request_renders_the_same_frames_within_a_process(rendered) -> None:
    """espeak-ng is reloaded before each utterance, so the second render speaks (and moves)
    exactly like the first, in the same process, even with other speech in between."""
    services, video, _, (frames, _, _) = rendered
    speech.synthesize(video.voice, "Otra frase, dicha entre las dos.")
    again = render_video(
        services,
        RenderRequest(text=TEXT, language="es", avatar="ana", size=256, use_cache=False),
        "local",
    )
    assert not again.cached
    repeat = decode(again.video)[0]
    assert len(repeat) == len(frames) and all(
        np.array_equal(a, b) for a, b in zip(frames, repeat, strict=True)
    )
