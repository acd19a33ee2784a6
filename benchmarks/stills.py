"""Contact sheets of every presenter, to look at, and what a frame costs to draw.

For each built-in presenter and for a photo (scikit-image's astronaut), one PNG in OUT:
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
import statistics
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
from core.engines.local.alpha import opaque  # noqa: E402
from core.engines.local.lipsync import timeline  # noqa: E402
from core.engines.local.presenters import backdrop, load_presenter  # noqa: E402
from core.engines.local.types import FrameState  # noqa: E402
from core.engines.local.visemes import VISEME_POSES, Viseme  # noqa: E402
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


def draw_ms(avatar: Avatar, width: int, height: int, states: list[FrameState]) -> float:
    presenter = load_presenter(avatar, width, height)
    back = backdrop(avatar, width, height)
    for s in states[:10]:  # warm the sprite cache as a render does in its first second
        to_i420(opaque(presenter.render(s), back))
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        for s in states:
            to_i420(opaque(presenter.render(s), back))
        runs.append((time.perf_counter() - t0) / len(states) * 1000)
    return min(runs)


def encode_ms(avatar: Avatar, width: int, height: int, states: list[FrameState]) -> float:
    presenter = load_presenter(avatar, width, height)
    back = backdrop(avatar, width, height)
    frames = [to_i420(opaque(presenter.render(s), back)) for s in states]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with av.open(str(Path(tmp) / "x.mp4"), "w") as c:
            stream = c.add_stream("libx264", rate=25)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.codec_context.options = {"preset": "veryfast", "crf": "23"}
            for i, yuv in enumerate(frames):
                frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                frame.pts, frame.time_base = i, Fraction(1, 25)
                c.mux(stream.encode(frame))
            c.mux(stream.encode(None))
        return (time.perf_counter() - t0) / len(frames) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", default="", help="comma-separated presenter ids")
    parser.add_argument("--no-photo", action="store_true")
    parser.add_argument("--frames", type=int, default=100, help="frames timed per size")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    avatars = [a for a in builtin_avatars() if not args.only or a.id in args.only.split(",")]
    if not args.no_photo:
        from skimage import data

        photo = args.out / "astronaut-source.png"
        Image.fromarray(data.astronaut()).save(photo)
        avatars.append(Avatar(id=str(photo), name="astronaut", kind="photo", path=photo))
    states, picks, words = sentence_states()
    for avatar in avatars:
        t0 = time.perf_counter()
        path = args.out / f"{avatar.name if avatar.kind == 'photo' else avatar.id}.png"
        sheet(avatar, states, picks, words).save(path)
        print(f"{path}  ({time.perf_counter() - t0:.1f} s)")
    timed = (states * (1 + args.frames // max(1, len(states))))[: args.frames]
    print(f"\nms per frame (draw + over background + RGB→I420), {len(timed)} frames of a sentence:")
    for width, height in ((1280, 720), (1920, 1080)):
        draws = {a.name: draw_ms(a, width, height, timed) for a in avatars}
        enc = encode_ms(avatars[0], width, height, timed)
        worst = max(draws, key=draws.get)
        print(
            f"  {width}×{height}: draw median {statistics.median(draws.values()):.1f} ms, "
            f"slowest {worst} {draws[worst]:.1f} ms; x264 veryfast encode {enc:.1f} ms/frame"
        )


if __name__ == "__main__":
    main()
