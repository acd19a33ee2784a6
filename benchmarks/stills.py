"""Contact sheets of every presenter, to look at, and what a frame costs to draw.

For each built-in presenter and for two photos (scikit-image's astronaut, who smiles with her
teeth showing, and the same face with closed lips), one PNG in OUT:
row 1 the rest pose and each viseme (rest, open, wide, round, press, lip-teeth), row 2
four frames from a real sentence (espeak-ng speech → lip-sync timeline), then the smile
of a pause and a nod with raised brows. Tiles are 720×720 (the presenter drawn natively
for a 720p canvas), put over the presenter's own background. Then it prints the draw cost
per frame at 1280×720 and 1920×1080 next to what libx264 (veryfast) takes to encode
the same frames, the floor of an offline render.

    .venv/bin/python benchmarks/stills.py OUT [--only ana,leo] [--no-photo] [--frames 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.avatars import builtin_avatars  # noqa: E402
from core.compose.encode import to_i420  # noqa: E402
from core.engines.local import speech  # noqa: E402
from core.engines.local.alpha import Flattened, opaque  # noqa: E402
from core.engines.local.lipsync import timeline  # noqa: E402
from core.engines.local.presenters import backdrop, load_presenter  # noqa: E402
from core.engines.local.types import FrameState  # noqa: E402
from core.engines.local.visemes import VISEME_POSES, Viseme  # noqa: E402

REST_POSE = VISEME_POSES[Viseme.REST]
from core.models import Avatar  # noqa: E402

SENTENCE = "Hola a todos. Hoy vamos a aprender por qué el cielo es azul."
VISEMES = (Viseme.REST, Viseme.OPEN, Viseme.WIDE, Viseme.ROUND, Viseme.PRESS, Viseme.LIP_TEETH)
TILE = 720


def label(rgb: np.ndarray, text: str) -> np.ndarray:
    out = np.ascontiguousarray(rgb)
    cv2.putText(out, text, (18, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 5, cv2.LINE_AA)
    cv2.putText(out, text, (18, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2, cv2.LINE_AA)
    return out


def sentence_states() -> tuple[list[FrameState], list[int], list[str]]:
    voice = speech.default_voice("es")
    spoken = speech.synthesize(voice.id, SENTENCE)
    states = timeline(spoken.phones, spoken.duration, fps=25, seed=7, words=spoken.words)
    words = [w for w in spoken.words if len(w.text) > 3][:4]
    picks = [min(len(states) - 1, round((w.start + 0.6 * (w.end - w.start)) * 25)) for w in words]
    return states, picks, [w.text for w in words]


def _long_timeline(frames: int) -> list[FrameState]:
    """The motion of a real ~30 s script (as many frames as asked, from its start)."""
    from benchmarks.render_speed import TEXT

    spoken = speech.synthesize(speech.default_voice("es").id, TEXT)
    states = timeline(spoken.phones, spoken.duration, fps=25, seed=3, words=spoken.words)
    return states[:frames]


def sheet(avatar: Avatar, states: list[FrameState], picks: list[int], words: list[str]) -> Image:
    presenter = load_presenter(avatar, TILE, TILE)
    back = backdrop(avatar, TILE, TILE)

    def tile(state: FrameState, text: str) -> np.ndarray:
        return label(opaque(presenter.render(state), back), text)

    top = [tile(FrameState(mouth=VISEME_POSES[v]), v.value) for v in VISEMES]
    bottom = [tile(states[i], f"{w} ({i / 25:.2f}s)") for i, w in zip(picks, words, strict=True)]
    bottom.append(tile(FrameState(smile=1.0), "pause: smile"))
    bottom.append(tile(FrameState(nod=1.0, brows=1.0, blink=0.4), "nod, brows up"))
    return Image.fromarray(np.vstack([np.hstack(top), np.hstack(bottom)]))


def draw_ms(avatar: Avatar, width: int, height: int, states: list[FrameState]) -> tuple:
    """CPU ms per frame (process time: the machine may be shared), sprite misses included:
    (RGBA/RGB ``render()`` as the composer gets it, and flattened over the presenter's own
    background + RGB→I420 as a plain video needs it)."""
    presenter = load_presenter(avatar, width, height)
    t0 = time.process_time()
    for s in states:
        presenter.render(s)
    rgba = (time.process_time() - t0) / len(states) * 1000
    presenter = load_presenter(avatar, width, height)  # fresh: its sprite misses count too
    picture = Flattened(presenter, backdrop(avatar, width, height))
    t0 = time.process_time()
    for s in states:
        to_i420(picture(s))
    return rgba, (time.process_time() - t0) / len(states) * 1000


def encode_ms(
    avatar: Avatar, width: int, height: int, states: list[FrameState]
) -> tuple[float, float]:
    """libx264 veryfast on the same frames: (wall ms, CPU ms of all its threads) per frame."""
    picture = Flattened(load_presenter(avatar, width, height), backdrop(avatar, width, height))
    frames = [to_i420(picture(s)) for s in states]
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        with av.open(str(Path(tmp) / "x.mp4"), "w") as c:
            stream = c.add_stream("libx264", rate=25)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.codec_context.options = {"preset": "veryfast", "crf": "23"}
            for i, yuv in enumerate(frames):
                frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                frame.pts, frame.time_base = i, Fraction(1, 25)
                c.mux(stream.encode(frame))
            c.mux(stream.encode(None))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        return wall / len(frames) * 1000, cpu / len(frames) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", default="", help="comma-separated presenter ids")
    parser.add_argument("--no-photo", action="store_true")
    parser.add_argument("--frames", type=int, default=250, help="frames timed per size")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    avatars = [a for a in builtin_avatars() if not args.only or a.id in args.only.split(",")]
    if not args.no_photo:
        from skimage import data

        photo = args.out / "astronaut-source.png"
        Image.fromarray(data.astronaut()).save(photo)
        avatars.append(Avatar(id=str(photo), name="astronaut", kind="photo", path=photo))
        # The same face with closed lips (her relaxed frame, saved as a photo): a photo that
        # shows no teeth, so the open mouth's teeth are drawn.
        closed = args.out / "astronaut-closed-source.png"
        relaxed = load_presenter(avatars[-1], 512, 512).render(FrameState(mouth=REST_POSE))
        Image.fromarray(relaxed).save(closed)
        avatars.append(Avatar(id=str(closed), name="astronaut-closed", kind="photo", path=closed))
    states, picks, words = sentence_states()
    for avatar in avatars:
        t0 = time.perf_counter()
        path = args.out / f"{avatar.name if avatar.kind == 'photo' else avatar.id}.png"
        sheet(avatar, states, picks, words).save(path)
        print(f"{path}  ({time.perf_counter() - t0:.1f} s)")
    timed = _long_timeline(args.frames)
    print(f"\nms per frame over {len(timed)} frames of a real script (CPU ms; x264 also wall):")
    for width, height in ((1280, 720), (1920, 1080)):
        enc_wall, enc_cpu = encode_ms(avatars[0], width, height, timed)
        print(f"  {width}×{height}: x264 veryfast {enc_wall:.1f} ms wall, {enc_cpu:.1f} ms CPU")
        for a in avatars:
            rgba, flat = draw_ms(a, width, height, timed)
            print(f"    {a.name:24} render() {rgba:5.1f} ms   flattened + I420 {flat:5.1f} ms")


if __name__ == "__main__":
    main()
