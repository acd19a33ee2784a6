"""HTTP API and batch speed.

1. API overhead, submit → queued: ``python -m core serve --no-jobs`` in its own process (no
   renders competing for the CPU), 20 concurrent clients each POSTing ``--per-client``
   videos to /v1/videos; the time from sending the request to its ``202`` (the job is in the
   queue then). Prints p50/p95/max and requests per second, and what the per-key rate limit
   (an upsert in the database per request) costs on its own.
2. Batch throughput: ``python -m core batch`` on a CSV of 20 short offline videos (one
   sentence each, 512 px) in a fresh process; wall time, videos per minute, seconds of
   video per second of wall time. Then the same command again (a rerun renders nothing new).

    .venv/bin/python benchmarks/api_speed.py [--clients 20] [--per-client 10] [--rows 20]
    (--rows 0: the API part only)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import av
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.api_process import cli_json, serving  # noqa: E402

NAMES = ["Ana", "Luis", "Marta", "Pablo", "Sara", "Tomás", "Eva", "Juan", "Rosa", "Iván"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def api_overhead(data_dir: Path, clients: int, per_client: int) -> dict[str, float]:
    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "100000"}
    key = cli_json(env, "apikey", "create", "--user", "bench@example.org", "--json")["key"]
    with serving(env, "--no-jobs") as base:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers) as warm:  # first request imports
            warm.post("/v1/videos", json={"text": "Calentando.", "use_cache": False})
        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        start = threading.Barrier(clients)

        def client(n: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
                start.wait()
                for i in range(per_client):
                    body = {"text": f"Hola {NAMES[i % len(NAMES)]}, este es el vídeo {n}-{i}."}
                    t0 = time.perf_counter()
                    got = http.post("/v1/videos", json=body)
                    took = time.perf_counter() - t0
                    with lock:
                        (latencies if got.status_code == 202 else failures).append(
                            took if got.status_code == 202 else got.status_code
                        )

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    return {
        "requests": len(latencies), "failed": len(failures),
        "p50_ms": percentile(latencies, 0.50) * 1000, "p95_ms": percentile(latencies, 0.95) * 1000,
        "max_ms": max(latencies) * 1000, "per_s": len(latencies) / wall,
    }  # fmt: skip


def limiter_cost(data_dir: Path, calls: int = 2000) -> float:
    """Milliseconds the per-key rate limit (counted in the database) adds to a request."""
    from core.config import Settings
    from core.usecases import Parlante

    app = Parlante.open(Settings.from_sources({"APP_DATA_DIR": str(data_dir)}), jobs=False)
    try:
        app.ratelimits.take("warm", 10**9)
        t0 = time.perf_counter()
        for i in range(calls):
            app.ratelimits.take(f"key-{i % 20}", 10**9)
        return (time.perf_counter() - t0) / calls * 1000
    finally:
        app.close()


def batch_throughput(data_dir: Path, rows: int) -> dict[str, float]:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    sheet = data_dir.parent / "lista.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["nombre", "title"])
        for i in range(rows):
            writer.writerow([f"{NAMES[i % len(NAMES)]} {i}", f"Bienvenida {i}"])
    env = {**os.environ, "APP_DATA_DIR": str(data_dir), "MAX_JOBS": "2"}
    cmd = [sys.executable, "-m", "core", "batch", str(sheet), "--out-dir",
           str(data_dir.parent / "videos"), "--template",
           "Hola {nombre}, bienvenido al curso de esta semana.", "--json"]  # fmt: skip
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"batch failed ({out.returncode}): {out.stderr[-2000:]}")
    result = json.loads(out.stdout)
    seconds = 0.0
    for name in result["files"].values():
        with av.open(str(data_dir.parent / "videos" / name)) as container:
            seconds += container.duration / 1e6
    t1 = time.perf_counter()
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    rerun = time.perf_counter() - t1
    jobs_after = json.loads(again.stdout)
    return {
        "videos": result["done"], "wall_s": wall, "per_min": result["done"] / wall * 60,
        "video_s": seconds, "realtime": seconds / wall, "rerun_s": rerun,
        "rerun_same_jobs": [r["job_id"] for r in jobs_after["rows"]]
        == [r["job_id"] for r in result["rows"]],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=10)
    parser.add_argument("--rows", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parlante-bench-") as tmp:
        api = api_overhead(Path(tmp) / "api" / "data", args.clients, args.per_client)
        print(f"submit → queued, {args.clients} concurrent clients, {api['requests']:.0f} "
              f"videos ({api['failed']:.0f} failed): p50 {api['p50_ms']:.1f} ms, "
              f"p95 {api['p95_ms']:.1f} ms, max {api['max_ms']:.1f} ms, "
              f"{api['per_s']:.0f} submits/s")  # fmt: skip
        print(f"rate limit counted in the database: "
              f"{limiter_cost(Path(tmp) / 'limits'):.3f} ms a request")  # fmt: skip
        if args.rows <= 0:  # --rows 0: the API part only
            return
        batch = batch_throughput(Path(tmp) / "batch" / "data", args.rows)
        print(f"batch of {args.rows} short offline videos: {batch['videos']:.0f} done in "
              f"{batch['wall_s']:.1f} s = {batch['per_min']:.1f} videos/min, "
              f"{batch['video_s']:.1f} s of video ({batch['realtime']:.1f}× real time); "
              f"rerun {batch['rerun_s']:.1f} s, same jobs: {batch['rerun_same_jobs']}")  # fmt: skip


if __name__ == "__main__":
    main()
