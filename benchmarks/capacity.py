"""Capacity figures for docs/scaling.md: CPU cost and size of one offline render.

Renders the same 30 s Spanish lesson as ``compose_speed.py`` (16:9, a 3-page PDF, the corner
layout, captions burned in, a music bed; ``--scenario presenter``: no slides and no music, the
presenter full frame, which moves more pixels) with the local engine, each in a fresh process pinned
to ONE CPU (``taskset``), at each resolution. For every render it prints the wall time, the CPU
time the process used (user + system, from ``getrusage``: far less sensitive than wall time to
the other processes of a shared machine), the size of the video and of everything the library
stored for it (video, subtitles, thumbnail), and from those:

- CPU seconds per minute of video, and renders per hour per vCPU for this lesson;
- megabytes per minute of video (storage, and egress per full view).

``--engine did`` measures the CPU a D-ID job costs this project: the same command with the
D-ID engine against the fake D-ID server (tests/fakes), whose talk is a 512×512 clip as long
as the narration and is "rendered" in 1 s, so the figure is the download, the composition
and the encoding, not D-ID's own time (which costs no CPU here: the job process waits).

    flock /tmp/bench.lock .venv/bin/python benchmarks/capacity.py [--repeat 3] [--cpu 1]
        [--resolutions 720 1080] [--scenario lesson|presenter] [--engine local|did]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compose_speed import SCENES, make_deck, make_music

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DID_KEY = "bench-user:FAKE-bench-secret"

# Runs the render and prints the children's CPU time and peak RSS on stderr's last line.
WRAPPER = (
    "import resource, subprocess, sys, json;"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "sys.stderr.write(p.stderr); sys.stdout.write(p.stdout);"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(json.dumps({'cpu_s': u.ru_utime + u.ru_stime, 'rss_kb': u.ru_maxrss}),"
    " file=sys.stderr); sys.exit(p.returncode)"
)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def media_bytes(data: Path) -> int:
    """What the library keeps for the video (media files), not caches or the database."""
    total = 0
    for path in data.rglob("*"):
        kept = path.suffix.lower() in {".mp4", ".vtt", ".srt", ".jpg", ".png"}
        if kept and path.is_file() and "cache" not in path.parts:
            total += path.stat().st_size
    return total


def render_once(
    work: Path, resolution: int, cpu: int, index: int, scenario: str, did_url: str = ""
) -> dict:
    data = work / f"data{resolution}-{index}"
    out = work / f"render{resolution}-{index}.mp4"
    engine = "did" if did_url else "local"
    cmd = [sys.executable, "-m", "core", "render", "--engine", engine, "--language", "es"]
    cmd += ["--text", "\n\n---\n\n".join(SCENES), "--format", "16:9"]
    cmd += ["--resolution", str(resolution), "--captions", "burn"]
    if scenario == "lesson":
        cmd += ["--layout", "corner", "--slides", str(work / "deck.pdf")]
        cmd += ["--music", str(work / "music.wav")]
    else:
        cmd += ["--layout", "full"]
    cmd += ["--out", str(out), "--no-cache", "--json"]
    pin = ["taskset", "-c", str(cpu)] if shutil.which("taskset") else []
    env = {**os.environ, "APP_DATA_DIR": str(data)}
    if did_url:
        env |= {"DID_API_URL": did_url, "DID_API_KEY": DID_KEY}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*pin, sys.executable, "-c", WRAPPER, *cmd],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"render failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    usage = json.loads(proc.stderr.strip().splitlines()[-1])
    info = json.loads(proc.stdout)
    return {
        "wall_s": wall,
        "cpu_s": usage["cpu_s"],
        "rss_mb": usage["rss_kb"] / 1024,
        "duration_s": float(info["duration_s"]),
        "video_bytes": out.stat().st_size,
        "stored_bytes": media_bytes(data),
        "data_bytes": folder_bytes(data),
    }


def measure(
    work: Path, resolution: int, repeat: int, cpu: int, scenario: str, did_url: str = ""
) -> dict:
    runs = []
    for i in range(repeat):
        run = render_once(work, resolution, cpu, i, scenario, did_url)
        runs.append(run)
        print(
            f"  {resolution}p run {i + 1}: wall {run['wall_s']:.1f} s, CPU {run['cpu_s']:.1f} s, "
            f"{run['duration_s']:.1f} s of video, video {run['video_bytes'] / 1e6:.2f} MB, "
            f"stored media {run['stored_bytes'] / 1e6:.2f} MB, peak RSS {run['rss_mb']:.0f} MB",
            flush=True,
        )
    cpu_s = statistics.median(r["cpu_s"] for r in runs)
    wall_s = statistics.median(r["wall_s"] for r in runs)
    minutes = statistics.median(r["duration_s"] for r in runs) / 60
    video_mb = statistics.median(r["video_bytes"] for r in runs) / 1e6
    stored_mb = statistics.median(r["stored_bytes"] for r in runs) / 1e6
    summary = {
        "engine": "did" if did_url else "local",
        "scenario": scenario,
        "resolution": resolution,
        "video_minutes": round(minutes, 3),
        "cpu_s_per_render": round(cpu_s, 1),
        "wall_s_per_render_one_cpu": round(wall_s, 1),
        "cpu_s_per_video_minute": round(cpu_s / minutes, 1),
        "renders_per_hour_per_vcpu": round(3600 / cpu_s, 1),
        "video_minutes_per_hour_per_vcpu": round(3600 / (cpu_s / minutes), 1),
        "video_mb_per_minute": round(video_mb / minutes, 2),
        "stored_mb_per_minute": round(stored_mb / minutes, 2),
        "peak_rss_mb": round(max(r["rss_mb"] for r in runs)),
    }
    print(
        f"{summary['engine']} {scenario} {resolution}p: {cpu_s:.1f} CPU s "
        f"per {minutes * 60:.0f} s render "
        f"(wall {wall_s:.1f} s on one pinned CPU) → {summary['renders_per_hour_per_vcpu']} "
        f"renders/hour/vCPU, {summary['cpu_s_per_video_minute']} CPU s per minute of video; "
        f"{summary['video_mb_per_minute']} MB video / {summary['stored_mb_per_minute']} MB "
        "stored per minute of video",
        flush=True,
    )
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=1, help="the CPU to pin each render to")
    parser.add_argument("--resolutions", type=int, nargs="+", default=[720, 1080])
    parser.add_argument("--scenario", choices=["lesson", "presenter"], default="lesson")
    parser.add_argument("--engine", choices=["local", "did"], default="local")
    parser.add_argument("--json", action="store_true", help="also print the summary as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        make_deck(work / "deck.pdf", 3)
        make_music(work / "music.wav")
        did_url = ""
        if args.engine == "did":
            from tests.fakes.did_server import FakeDid, make_mp4

            fake = stack.enter_context(FakeDid(key=DID_KEY, render_s=1.0, video_s=30.0))
            fake.video = make_mp4(30.0, size=512)  # a talk of D-ID's usual size
            did_url = fake.url
        summaries = [
            measure(work, r, args.repeat, args.cpu, args.scenario, did_url)
            for r in args.resolutions
        ]
    if args.json:
        print(json.dumps(summaries, indent=2))


if __name__ == "__main__":
    main()
