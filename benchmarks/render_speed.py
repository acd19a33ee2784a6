"""Offline render speed: a ~30 s Spanish video at 512 px, from a cold process.

Compares the whole render (``python -m core render`` in a fresh process: imports,
speech, face, animation, encoding) with PyAV alone encoding the very same frames with
libx264 ``veryfast`` (frames decoded from the rendered video into memory first, so only
the encoding is timed). Goal: ratio ≤ 1.5. Runs each side ``--repeat`` times, alternating,
and reports medians, because the machine is shared and noisy.

    .venv/bin/python benchmarks/render_speed.py [--repeat 3] [--size 512] [--avatar ana]
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

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "Hola a todos y bienvenidos a esta breve lección sobre el ciclo del agua. "
    "El sol calienta los océanos, los ríos y los lagos, y una parte del agua se evapora. "
    "Ese vapor sube, se enfría y se condensa en pequeñas gotas que forman las nubes. "
    "Cuando las gotas se hacen grandes y pesadas, caen como lluvia, nieve o granizo. "
    "El agua vuelve a la tierra, se filtra en el suelo o corre hacia el mar, "
    "y el ciclo comienza otra vez. Recuerda cuidar el agua, porque es un recurso valioso "
    "para todos. Gracias por escuchar."
)


def render_cold(out: Path, size: int, avatar: str | None, data_dir: Path) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "core", "render", "--engine", "local", "--language", "es"]
    cmd += ["--text", TEXT, "--size", str(size), "--out", str(out), "--no-cache", "--json"]
    if avatar:
        cmd += ["--avatar", avatar]
    env = {**os.environ, "APP_DATA_DIR": str(data_dir)}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"render failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed, json.loads(proc.stdout)


def decode_frames(path: Path) -> list:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def encode_only(frames: list, size: int, out: Path) -> float:
    t0 = time.perf_counter()
    with av.open(str(out), "w") as c:
        s = c.add_stream("libx264", rate=25)
        s.width = s.height = size
        s.pix_fmt = "yuv420p"
        s.codec_context.options = {"preset": "veryfast"}
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 25)
            c.mux(s.encode(frame))
        c.mux(s.encode(None))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--avatar", default=None, help="avatar id or photo path")
    args = parser.parse_args()
    renders, encodes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for i in range(args.repeat):
            out = tmpdir / f"render{i}.mp4"
            elapsed, info = render_cold(out, args.size, args.avatar, tmpdir / f"data{i}")
            renders.append(elapsed)
            frames = decode_frames(out)
            encodes.append(encode_only(frames, args.size, tmpdir / f"enc{i}.mp4"))
            print(f"run {i + 1}: render {elapsed:.2f} s, encode-only {encodes[-1]:.2f} s, "
                  f"{len(frames)} frames", flush=True)  # fmt: skip
    render_s, encode_s = statistics.median(renders), statistics.median(encodes)
    duration = info["duration_s"]
    print(
        f"video: {duration:.1f} s at {args.size} px, avatar {info['avatar']}, voice {info['voice']}"
    )
    print(f"full render (cold process), median: {render_s:.2f} s")
    print(f"PyAV libx264 veryfast encode of the same frames, median: {encode_s:.2f} s")
    print(f"ratio render / encode-only: {render_s / encode_s:.2f}  (goal ≤ 1.5)")
    print(f"real-time factor (video seconds per render second): {duration / render_s:.1f}×")


if __name__ == "__main__":
    main()
