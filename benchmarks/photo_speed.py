"""Photo presenter speed at video sizes: warp per frame, and the whole render vs encoding alone.

Renders a real sentence's frames (espeak-ng timings, the engine's lip-sync timeline) with the
photo presenter at 1280×720 (or ``--width/--height``), then:

* warp: ms per frame of ``PhotoPresenter.render`` alone;
* encode floor: libx264 (the engine's preset and CRF) encoding the very same frames, already
  rendered and converted to I420, so only the encoder is timed;
* render + encode: frames drawn on a producer thread while the encoder runs, as the engine
  does; the ratio to the floor is the speed goal (≤ 1.3).

Each figure is the median of ``--repeat`` runs (the machine is shared and noisy); CPU times
(all threads) are printed too, as they hold up better than wall time on a busy machine.

    .venv/bin/python benchmarks/photo_speed.py [--photo PATH] [--width 1280 --height 720]
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
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.compose.encode import CRF, FPS, PRESET, to_i420  # noqa: E402
from core.compose.prefetch import prefetch  # noqa: E402
from core.engines.local import speech  # noqa: E402
from core.engines.local.lipsync import timeline  # noqa: E402
from core.engines.local.photo import load_photo  # noqa: E402

TEXT = (
    "Good morning, everyone. Today we will look at how water moves around our planet, "
    "from the oceans to the clouds and back again as rain."
)


def _photo_bytes(path: str | None) -> bytes:
    if path:
        return Path(path).read_bytes()
    import io

    from PIL import Image
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buf, format="PNG")
    return buf.getvalue()


def _encode(frames, count: int, width: int, height: int, out: Path) -> float:
    t0 = time.perf_counter()
    with av.open(str(out), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        s.codec_context.options = {"preset": PRESET, "crf": str(CRF)}
        s.codec_context.time_base = Fraction(1, FPS)
        for i, yuv in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts = i
            for packet in s.encode(frame):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", help="a JPEG/PNG portrait (default: scikit-image's astronaut)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    w, h = args.width, args.height

    t0 = time.perf_counter()
    presenter = load_photo(_photo_bytes(args.photo), w, h, name="photo")
    load_s = time.perf_counter() - t0
    spoken = speech.synthesize(speech.default_voice("en").id, TEXT)
    states = timeline(spoken.phones, spoken.duration, fps=FPS, seed=1)
    n = len(states)
    print(f"photo {w}×{h}: {n} frames ({spoken.duration:.1f} s), detector {presenter.detector}, "
          f"load {load_s:.2f} s")  # fmt: skip

    warp, floor, whole, warp_cpu, floor_cpu = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.mp4"
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            rendered = [presenter.render(s) for s in states]
            warp.append((time.perf_counter() - t0) / n)
            warp_cpu.append((time.process_time() - c0) / n)
            yuv = [to_i420(f) for f in rendered]
            c0 = time.process_time()
            floor.append(_encode(iter(yuv), n, w, h, out))
            floor_cpu.append((time.process_time() - c0) / n)
            t0 = time.perf_counter()
            _encode(prefetch(to_i420(presenter.render(s)) for s in states), n, w, h, out)
            whole.append(time.perf_counter() - t0)
    same = all(
        np.array_equal(a, presenter.render(s))
        for a, s in zip(rendered[:5], states[:5], strict=True)
    )
    med = statistics.median
    print(f"warp          {1000 * med(warp):6.1f} ms/frame")
    print(f"encode floor  {1000 * med(floor) / n:6.1f} ms/frame ({med(floor):.2f} s)")
    print(f"render+encode {1000 * med(whole) / n:6.1f} ms/frame ({med(whole):.2f} s)")
    print(f"ratio to the encode floor: {med(whole) / med(floor):.2f} (goal ≤ 1.3)")
    # CPU time (all threads): what the warp adds to the encoder's work, whatever the load.
    print(f"cpu: warp {1000 * med(warp_cpu):.1f} ms/frame, encode {1000 * med(floor_cpu):.1f} "
          f"ms/frame → (warp + encode) / encode = "
          f"{(med(warp_cpu) + med(floor_cpu)) / med(floor_cpu):.2f}")  # fmt: skip
    print(f"frames repeat exactly: {same}")


if __name__ == "__main__":
    main()
