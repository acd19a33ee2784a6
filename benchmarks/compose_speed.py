"""Composed render speed and memory: a 30 s Spanish lesson, 16:9, a 3-page PDF, the corner
layout, captions burned in and a music bed — from a cold process.

The whole render (``python -m core render`` in a fresh process: imports, speech, presenter,
slides, composition, music, encoding) is compared with PyAV alone encoding the same number
of frames at the same size with libx264 ``veryfast`` (the render's own frames, decoded to
raw YUV on disk first, so only encoding is timed). Goal: ratio ≤ 1.3 at 720p; the 1080p
figure is printed too. ``--long`` also renders a 5-minute 1080p video and prints the peak
memory (RSS) of that process: frames stream, so it must stay well under 1.5 GB.

The project's modules are compiled to bytecode first, as the container image ships them
(``--no-compile`` measures a checkout that compiles them in every process instead). The
floor encodes with ``from_ndarray`` per frame, PyAV's ordinary way; the render hands x264
reused frames (core.compose.encode.FrameRing), so the ratio against a floor that does the
same is printed too.

    .venv/bin/python benchmarks/compose_speed.py [--repeat 3] [--resolutions 720 1080] [--long]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.compose.encode import FrameRing

ROOT = Path(__file__).resolve().parent.parent
SCENES = [
    "Hola a todos y bienvenidos a esta breve lección sobre el ciclo del agua. "
    "El sol calienta los océanos, los ríos y los lagos, y una parte del agua se evapora.",
    "Ese vapor sube, se enfría y se condensa en pequeñas gotas que forman las nubes. "
    "Cuando las gotas se hacen grandes y pesadas, caen como lluvia, nieve o granizo.",
    "El agua vuelve a la tierra, se filtra en el suelo o corre hacia el mar, y el ciclo "
    "comienza otra vez. Recuerda cuidar el agua, porque es un recurso valioso. Gracias.",
]


def make_deck(path: Path, pages: int) -> None:
    ims = []
    for i in range(pages):
        im = Image.new("RGB", (1280, 720), (250, 250, 252))
        d = ImageDraw.Draw(im)
        d.rectangle((80, 60, 700, 130), fill=(30, 30, 40))
        for k in range(4):
            d.rectangle((100, 220 + 80 * k, 760 - 40 * k, 250 + 80 * k), fill=(80, 80, 90))
        d.ellipse((880, 380, 1180, 680), fill=[(220, 60, 60), (40, 150, 90), (50, 90, 200)][i % 3])
        ims.append(im)
    ims[0].save(path, save_all=True, append_images=ims[1:])


def make_music(path: Path, seconds: float = 20.0, rate: int = 22050) -> None:
    t = np.arange(int(seconds * rate)) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3
    samples = (0.5 * chord * (0.6 + 0.4 * np.sin(2 * np.pi * 0.25 * t))).astype(np.float32)
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(
            (samples * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate, frame.pts, frame.time_base = rate, 0, Fraction(1, rate)
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)


def render_cold(
    work: Path, text: str, resolution: int, data_dir: Path, out: Path
) -> tuple[float, dict, int]:
    """Seconds, the JSON result and the peak RSS (bytes) of one render in a fresh process."""
    cmd = [sys.executable, "-m", "core", "render", "--engine", "local", "--language", "es"]
    cmd += ["--text", text, "--format", "16:9", "--resolution", str(resolution)]
    cmd += ["--layout", "corner", "--slides", str(work / "deck.pdf"), "--captions", "burn"]
    cmd += ["--music", str(work / "music.wav"), "--out", str(out), "--no-cache", "--json"]
    env = {**os.environ, "APP_DATA_DIR": str(data_dir)}
    code = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "sys.stderr.write(p.stderr); sys.stdout.write(p.stdout);"
        "print(json.dumps({'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}),"
        " file=sys.stderr); sys.exit(p.returncode)"
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *cmd], cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"render failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    rss_kb = json.loads(proc.stderr.strip().splitlines()[-1])["rss_kb"]
    return elapsed, json.loads(proc.stdout), rss_kb * 1024


def dump_yuv(video: Path, raw: Path) -> tuple[int, int, int]:
    """The video's frames as raw yuv420p on disk: (frames, width, height)."""
    n = 0
    with av.open(str(video)) as c, raw.open("wb") as f:
        stream = c.streams.video[0]
        w, h = stream.codec_context.width, stream.codec_context.height
        for frame in c.decode(stream):
            f.write(frame.to_ndarray(format="yuv420p").tobytes())
            n += 1
    return n, w, h


def encode_only(
    raw: Path, n: int, width: int, height: int, out: Path, reuse: bool = False
) -> float:
    """Seconds PyAV takes to encode the raw frames; ``reuse``: into frames made once."""
    frames = np.memmap(raw, dtype=np.uint8, mode="r", shape=(n, height * 3 // 2, width))
    for i in range(0, n, 64):  # into the page cache before timing
        frames[i].sum()
    t0 = time.perf_counter()
    ring = FrameRing(width, height, 2) if reuse else None
    with av.open(str(out), "w") as c:
        s = c.add_stream("libx264", rate=25)
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        s.codec_context.options = {"preset": "veryfast"}
        for i in range(n):
            if ring is not None:
                frame = ring.fill(np.asarray(frames[i]))
            else:
                frame = av.VideoFrame.from_ndarray(np.asarray(frames[i]), format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, 25)
            c.mux(s.encode(frame))
        c.mux(s.encode(None))
    return time.perf_counter() - t0


def measure(work: Path, resolution: int, repeat: int) -> None:
    text = "\n\n---\n\n".join(SCENES)
    renders, encodes, reused = [], [], []
    for i in range(repeat):
        out = work / f"render{resolution}-{i}.mp4"
        elapsed, info, rss = render_cold(work, text, resolution, work / f"data{resolution}{i}", out)
        raw = work / "frames.yuv"
        n, w, h = dump_yuv(out, raw)
        encodes.append(encode_only(raw, n, w, h, work / "enc.mp4"))
        reused.append(encode_only(raw, n, w, h, work / "enc.mp4", reuse=True))
        raw.unlink()
        renders.append(elapsed)
        print(f"  run {i + 1}: render {elapsed:.2f} s, encode-only {encodes[-1]:.2f} s "
              f"(reused frames {reused[-1]:.2f} s), {n} frames {w}×{h}, "
              f"peak RSS {rss / 2**20:.0f} MB, load {os.getloadavg()[0]:.1f}",
              flush=True)  # fmt: skip
    r, e, e2 = statistics.median(renders), statistics.median(encodes), statistics.median(reused)
    print(f"{resolution}p: {info['duration_s']:.1f} s of video, layout {info['layout']}, "
          f"{info['scenes']} scenes; render {r:.2f} s vs encode-only {e:.2f} s "
          f"→ ratio {r / e:.2f} (goal ≤ 1.3); against reused-frame encoding {e2:.2f} s: "
          f"{r / e2:.2f}", flush=True)  # fmt: skip


def long_render(work: Path) -> None:
    text = "\n\n---\n\n".join(" ".join([scene] * 10) for scene in SCENES)
    out = work / "long.mp4"
    elapsed, info, rss = render_cold(work, text, 1080, work / "data-long", out)
    print(
        f"5-minute check: {info['duration_s']:.0f} s of 1080p video rendered in {elapsed:.0f} s;"
        f" peak RSS {rss / 2**20:.0f} MB (goal < 1536 MB)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--resolutions", type=int, nargs="+", default=[720, 1080])
    parser.add_argument("--long", action="store_true", help="also a 5-minute 1080p render")
    parser.add_argument(
        "--no-compile", action="store_true", help="do not compile the project's bytecode first"
    )
    args = parser.parse_args()
    if not args.no_compile:  # as the container image does (Dockerfile)
        subprocess.run([sys.executable, "-m", "compileall", "-q", "core"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_deck(work / "deck.pdf", 3)
        make_music(work / "music.wav")
        for resolution in args.resolutions:
            measure(work, resolution, args.repeat)
        if args.long:
            long_render(work)


if __name__ == "__main__":
    main()
