"""The composition layer, checked on real outputs decoded with PyAV.

Clips here are synthetic (a flat presenter whose dark "mouth" bar opens on each word) so
the renders are short and small; tests/test_compose_engines.py runs the real engines.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.compose import check_look, compose_video
from core.compose.layouts import LAYOUTS, safe_area, stage
from core.compose.slides import split_scenes
from core.engines.base import SRT_FILE, THUMB_FILE, VIDEO_FILE, VTT_FILE
from core.models import Look
from tests.compose_media import decode, synthetic_clip, tone, write_pdf, write_wav

THREE_SCENES = "Hola a todos.\n\n---\n\nEl sol calienta el mar.\n\n---\n\nY llueve otra vez."
SCENE_WORDS = [
    ("Hola", 0.1, 0.4), ("a", 0.4, 0.5), ("todos.", 0.5, 0.9),
    ("El", 1.3, 1.4), ("sol", 1.4, 1.6), ("calienta", 1.6, 2.0), ("el", 2.0, 2.1),
    ("mar.", 2.1, 2.4),
    ("Y", 2.8, 2.9), ("llueve", 2.9, 3.2), ("otra", 3.2, 3.4), ("vez.", 3.4, 3.7),
]  # fmt: skip
SCENE_STARTS = (0.0, 1.1, 2.6)  # halfway through each pause


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "deck.pdf", 3)


def compose(tmp_path: Path, look: Look, text: str, clip, name: str = "out"):
    plan = check_look(look, text)
    work = tmp_path / name
    work.mkdir()
    out = compose_video(clip, plan, work)
    return out, work, plan


@pytest.mark.parametrize(
    ("fmt", "resolution", "size"),
    [
        ("16:9", 720, (1280, 720)),
        ("9:16", 720, (720, 1280)),
        ("1:1", 720, (720, 720)),
        ("16:9", 1080, (1920, 1080)),
        ("9:16", 1080, (1080, 1920)),
        ("1:1", 1080, (1080, 1080)),
    ],
)
def test_dimensions_per_format_and_resolution(tmp_path, fmt, resolution, size) -> None:
    clip = synthetic_clip([("Hola.", 0.0, 0.2)], 0.24)
    look = Look(format=fmt, resolution=resolution)
    out, work, _ = compose(tmp_path, look, "Hola.", clip)
    frames, audio, rate = decode(work / VIDEO_FILE)
    assert frames[0].shape == (size[1], size[0], 3)
    assert (out.width, out.height, out.format, out.layout) == (*size, fmt, "full")
    assert len(frames) == 6 and abs(len(audio) / rate - 0.24) < 0.05
    for name in (SRT_FILE, VTT_FILE, THUMB_FILE):
        assert (work / name).stat().st_size > 0


def test_old_size_means_a_square() -> None:
    plan = check_look(Look(format="16:9", resolution=720), "Hola.", size=256)
    assert (plan.width, plan.height, plan.look.format) == (256, 256, "1:1")


def test_scenes_split_at_dash_lines_only() -> None:
    assert split_scenes(THREE_SCENES) == ["Hola a todos.", "El sol calienta el mar.",
                                          "Y llueve otra vez."]  # fmt: skip
    assert split_scenes("Uno -- dos --- tres.\n---\nCuatro.") == ["Uno -- dos --- tres.", "Cuatro."]
    assert split_scenes("Sin escenas.") == ["Sin escenas."]


def _region(frame: np.ndarray, rect: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = rect
    return frame[y : y + h, x : x + w].astype(np.float32)


@pytest.mark.parametrize("layout", ["voice", "corner", "side"])
def test_slide_k_is_shown_during_scene_k(tmp_path, deck, layout) -> None:
    clip = synthetic_clip(SCENE_WORDS, 4.0, canvas=None if layout == "voice" else (240, 240))
    look = Look(layout=layout, slides=(str(deck),))
    out, work, plan = compose(tmp_path, look, THREE_SCENES, clip)
    frames, _, _ = decode(work / VIDEO_FILE)
    assert out.scenes == 3
    s = stage(plan.width, plan.height, layout, out.extra.get("corner", "bottom-right"))
    x, y, w, h = s.content
    pages = [plan.slides.render(k, w, h) for k in range(3)]
    for k, start in enumerate(SCENE_STARTS):
        end = SCENE_STARTS[k + 1] if k + 1 < 3 else 4.0
        frame = frames[round((start + end) / 2 * 25)]
        # where the page sits inside the content box (letterboxed, centred)
        ph, pw = pages[k].shape[:2]
        shown = _region(frame, (x + (w - pw) // 2, y + (h - ph) // 2, pw, ph))
        if s.presenter is not None and s.bubble:  # the bubble covers a corner: leave it out
            bx, by, bw, bh = s.presenter
            ox, oy = x + (w - pw) // 2, y + (h - ph) // 2
            mask = np.ones(shown.shape[:2], bool)
            mask[
                max(0, by - oy - 20) : by - oy + bh + 20, max(0, bx - ox - 20) : bx - ox + bw + 20
            ] = False
        else:
            mask = np.ones(shown.shape[:2], bool)
        errors = [float(np.abs(shown - p.astype(np.float32))[mask].mean()) for p in pages]
        assert errors[k] < 6, (k, errors)
        assert errors[k] < min(e for j, e in enumerate(errors) if j != k) / 3, (k, errors)


def test_counts_that_differ_are_refused_with_both_numbers(deck) -> None:
    from core.errors import InputError

    with pytest.raises(InputError) as info:
        check_look(Look(slides=(str(deck),)), "Una sola escena sin separar.")
    assert info.value.message_id == "slides.count_mismatch"
    assert "1 scene" in info.value.message and "3 slide" in info.value.message


def test_burned_captions_change_with_the_words_and_stay_in_the_safe_area(tmp_path) -> None:
    words = [("Primera", 0.1, 0.5), ("frase.", 0.5, 0.9), ("Segunda", 1.4, 1.8),
             ("frase", 1.8, 2.0), ("¿sí?", 2.0, 2.3)]  # fmt: skip
    text = "Primera frase. Segunda frase ¿sí?"
    burned = Look(format="9:16", layout="full", captions="burn", background="slate")
    plain = Look(format="9:16", layout="full", captions="none", background="slate")
    _, work_b, plan = compose(tmp_path, burned, text, synthetic_clip(words, 2.6), "burn")
    _, work_p, _ = compose(tmp_path, plain, text, synthetic_clip(words, 2.6), "plain")
    with_caps, _, _ = decode(work_b / VIDEO_FILE)
    without, _, _ = decode(work_p / VIDEO_FILE)
    s = plan.stage()
    sx, sy, sw, sh = safe_area(plan.width, plan.height)
    cx, cy, cw, ch = s.captions
    assert sx <= cx and sy <= cy and cx + cw <= sx + sw and cy + ch <= sy + sh

    def caption_diff(i: int) -> np.ndarray:
        return np.abs(with_caps[i].astype(np.int16) - without[i].astype(np.int16)).max(axis=2)

    first, second, gap = caption_diff(round(0.7 * 25)), caption_diff(round(1.9 * 25)), None
    for diff in (first, second):
        ys, xs = np.nonzero(diff > 40)
        assert len(ys) > 200, "no caption drawn"
        assert ys.min() >= cy - 2 and ys.max() <= cy + ch + 2  # inside the caption box
        assert xs.min() >= cx - 2 and xs.max() <= cx + cw + 2
        assert ys.max() <= 0.8 * plan.height  # 9:16: clear of the reels' bottom bar
    area = (slice(cy, cy + ch), slice(cx, cx + cw))
    a = with_caps[round(0.7 * 25)][area].astype(np.int16)
    b = with_caps[round(1.9 * 25)][area].astype(np.int16)
    assert np.abs(a - b).mean() > 3, "the caption did not change with the words"
    del gap


def test_vtt_cues_are_placed_off_the_mouth(tmp_path) -> None:
    clip = synthetic_clip([("Hola", 0.1, 0.4), ("a", 0.4, 0.5), ("todos.", 0.5, 0.9)], 1.0)
    _, work, plan = compose(tmp_path, Look(captions="none"), "Hola a todos.", clip)
    vtt = (work / VTT_FILE).read_text()
    cue = next(line for line in vtt.splitlines() if "-->" in line)
    settings = dict(part.split(":") for part in cue.split()[3:])
    assert settings["align"] == "center"
    line = float(settings["line"].rstrip("%")) / 100
    s = plan.stage()
    _px, py, _pw, ph = s.presenter
    _fx, fy, _fw, fh = clip.face_box  # the face box in the clip: scaled into the frame
    scale = ph / clip.height
    chin = py + (fy + fh) * scale
    assert line * plan.height >= chin - 2  # the player's subtitles start below the chin


def test_the_bubble_holds_the_moving_mouth(tmp_path, deck) -> None:
    clip = synthetic_clip(SCENE_WORDS, 4.0, canvas=(244, 244), has_alpha=True)
    out, work, plan = compose(tmp_path, Look(layout="corner", slides=(str(deck),)),
                              THREE_SCENES, clip)  # fmt: skip
    frames, _, _ = decode(work / VIDEO_FILE)
    s = stage(plan.width, plan.height, "corner", out.extra["corner"])
    bx, by, bw, bh = s.presenter
    talking, resting = frames[round(0.3 * 25)], frames[1]  # mid-word, before the first word
    moved = np.abs(talking.astype(np.int16) - resting.astype(np.int16)).max(axis=2) > 40
    ys, xs = np.nonzero(moved)
    inside = ((xs - (bx + bw / 2)) ** 2 + (ys - (by + bh / 2)) ** 2) <= (bw / 2) ** 2
    assert inside.sum() > 100, "the mouth does not move inside the bubble"
    # Everything that changed outside the bubble is the slide's crossfade: none at these times
    assert (~inside).sum() < 0.01 * inside.sum()


def test_the_bubble_avoids_the_slides_text(tmp_path, deck) -> None:
    # The generated slides have text bars on the left and a block at the bottom right.
    clip = synthetic_clip(SCENE_WORDS, 4.0)
    out, _, _ = compose(tmp_path, Look(layout="corner", slides=(str(deck),)), THREE_SCENES, clip)
    assert out.extra["corner"] == "top-right"


def test_music_is_ducked_under_speech_and_faded(tmp_path) -> None:
    # speech: a 180 Hz tone in [0.5, 2.0] and [4.0, 5.5]; music: a 1 kHz tone throughout
    words = [("Hola", 0.5, 2.0), ("adiós.", 4.0, 5.5)]
    music = write_wav(tmp_path / "bed.wav", tone(1000, 3.0, 0.6))  # looped to the video
    look = Look(music=str(music), background="slate")
    _, work, _ = compose(tmp_path, look, "Hola adiós.", synthetic_clip(words, 7.0))
    _, audio, rate = decode(work / VIDEO_FILE)

    def level(a: float, b: float, freq: float) -> float:
        part = audio[int(a * rate) : int(b * rate)]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
        bins = np.fft.rfftfreq(len(part), 1 / rate)
        return float(spectrum[np.abs(bins - freq) < 30].max())

    under_speech = level(1.0, 1.8, 1000)
    in_the_gap = level(2.9, 3.7, 1000)
    assert level(1.0, 1.8, 180) > 5 * under_speech  # the voice is on top
    assert 20 * np.log10(in_the_gap / under_speech) > 12  # ducked by well over 12 dB
    assert level(0.0, 0.3, 1000) < 0.5 * in_the_gap  # faded in
    assert level(6.75, 7.0, 1000) < 0.5 * in_the_gap  # faded out


def test_a_title_card_comes_first_and_delays_the_speech(tmp_path) -> None:
    words = [("Hola.", 0.0, 0.6)]
    look = Look(title="El ciclo del agua", background="ocean")
    out, work, _ = compose(tmp_path, look, "Hola.", synthetic_clip(words, 1.0))
    frames, audio, rate = decode(work / VIDEO_FILE)
    assert len(frames) == 75 and out.duration_s == pytest.approx(3.0)
    title, speaking = frames[25], frames[60]
    assert np.abs(title.astype(np.int16) - speaking.astype(np.int16)).mean() > 5
    rms = lambda a, b: float(np.sqrt(np.mean(audio[int(a * rate) : int(b * rate)] ** 2)))  # noqa: E731
    assert rms(0.2, 1.8) < 0.01 < rms(2.1, 2.5)  # silence under the title, then the voice
    srt = (work / SRT_FILE).read_text()
    assert "00:00:02,000 -->" in srt  # subtitles moved by the title too


def test_every_layout_renders_in_every_format(tmp_path, deck) -> None:
    """A quick sweep: no layout/format combination fails, and the presenter shows where asked."""
    clip_words = SCENE_WORDS
    for fmt in ("16:9", "9:16", "1:1"):
        for layout in LAYOUTS:
            slides = () if layout == "full" else (str(deck),)
            canvas = check_look(Look(format=fmt, layout=layout, slides=slides),
                                THREE_SCENES).stage().canvas  # fmt: skip
            clip = synthetic_clip(clip_words, 0.4, canvas=canvas)
            look = Look(format=fmt, layout=layout, slides=slides, captions="burn")
            out, work, _ = compose(tmp_path, look, THREE_SCENES, clip, f"{fmt[0]}{fmt[-1]}{layout}")
            frames, _, _ = decode(work / VIDEO_FILE)
            assert len(frames) == 10 and out.layout == layout


def test_a_vertical_video_is_framed_like_one() -> None:
    """9:16 ``full``: the presenter fills the frame top to bottom (no band of background
    above it), the face in the upper half with room for the hair above it."""
    from core.compose.pictures import HAIR, framed_crop

    for cutout in (False, True):
        assert stage(720, 1280, "full", cutout=cutout).presenter == (0, 0, 720, 1280)
    face = (352, 427, 376, 326)  # brow to chin in D-ID's 1080×1350 still (4:5)
    x, y, w, h = framed_crop(1080, 1350, 720, 1280, face)
    assert abs(w / h - 720 / 1280) < 0.01 and x >= 0 and y >= 0
    assert x + w <= 1080 and y + h <= 1350 and h >= 1350 / 1.12 - 1  # zoom at most 1.12
    centre = (face[1] + face[3] / 2 - y) / h
    assert 0.3 < centre < 0.45, centre  # not in the middle: a filmed presenter's eyeline
    assert y <= face[1] - HAIR * face[3] + 1  # the hair fits above the brow
    # a wide frame from the same still keeps the whole head: the hair before the eyeline
    x, y, w, h = framed_crop(1080, 1350, 828, 720, face)
    assert y <= face[1] - HAIR * face[3] + 1 and face[1] + face[3] <= y + h


def test_an_opaque_presenter_fills_a_vertical_frame(tmp_path) -> None:
    """A talk bigger than the frame (D-ID's 4:5) cropped into 9:16: the whole frame is the
    presenter's picture, the face's rows in the upper half."""
    still = np.zeros((1350, 1080, 3), np.uint8)
    still[:] = (200, 120, 40)  # the presenter's picture
    still[427:753, 352:728] = (250, 220, 190)  # the face
    clip = synthetic_clip(SCENE_WORDS[:3], 0.4, canvas=None)  # its audio and words
    clip.width, clip.height, clip.still = 1080, 1350, still
    clip.frames = lambda: iter([still] * clip.n_frames)
    clip.face_box = (352, 427, 376, 326)
    look = Look(format="9:16", layout="full", background="ocean")
    compose(tmp_path, look, "Hola a todos.", clip)
    frames, _, _ = decode(tmp_path / "out" / VIDEO_FILE)
    frame = frames[0].astype(np.int16)
    face_rows = np.nonzero((np.abs(frame - (250, 220, 190)).max(axis=2) < 25).mean(axis=1) > 0.3)
    top, bottom = face_rows[0].min() / 1280, face_rows[0].max() / 1280
    assert top > 0.15 and bottom < 0.6, (top, bottom)
    body = np.abs(frame - (200, 120, 40)).max(axis=2) < 25
    assert body[:40].mean() > 0.9 and body[-40:].mean() > 0.9  # no theme band at either end
