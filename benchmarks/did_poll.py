"""How quickly a finished D-ID talk reaches the library, and how many polls it costs.

Runs the real pipeline (``render_video`` with the D-ID engine and its default polling
policy: 1 s doubling to a 4.5 s cap, minus up to 25 % jitter) against the fake D-ID server,
with talks that take N seconds to render. Goal: under 5 s from ``done`` to the video in
the library, and at most 20 polls for a 60-second render. This really waits (about a
minute); the scenarios run side by side, each with its own fake server and data folder.

    .venv/bin/python -m benchmarks.did_poll [--seconds 3 30 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.models import RenderRequest
from core.pipeline import render_video
from core.services import Services
from tests.fakes.did_server import FakeDid

KEY = "bench-user:bench-secret"
MAX_DELAY_S, MAX_POLLS_60 = 5.0, 20


@dataclass
class Result:
    render_s: float
    delay_s: float  # from the talk turning done (server clock) to render_video returning
    notice_s: float  # from done to the poll that saw it
    polls: int


def run_one(render_s: float, run: int, root: Path) -> Result:
    with FakeDid(key=KEY, render_s=render_s, video_s=2.0) as fake:
        settings = Settings.from_sources(
            {
                "APP_DATA_DIR": str(root / f"n{render_s:g}-r{run}"),
                "DID_API_URL": fake.url,
                "DID_API_KEY": KEY,
            }
        )
        services = Services.from_settings(settings)
        text = f"Prueba número {run}: hola a todos, este vídeo tarda {render_s:g} segundos."
        video = render_video(services, RenderRequest(text=text), engine_id="did")
        in_library = time.monotonic()
        assert video.video.is_file() and not video.cached
        (talk,) = fake.talks.values()
        assert talk.done_seen_at is not None
        return Result(
            render_s=render_s,
            delay_s=in_library - talk.finished_at,
            notice_s=talk.done_seen_at - talk.finished_at,
            polls=talk.polls,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[3.0, 30.0, 60.0])
    parser.add_argument("--runs", type=int, default=3, help="renders per duration")
    args = parser.parse_args(argv)

    results: list[Result] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="did-bench-") as tmp:

        def worker(seconds: float, run: int) -> None:
            try:
                result = run_one(seconds, run, Path(tmp))
            except BaseException as err:  # report, don't hang the other threads
                with lock:
                    errors.append(err)
                return
            with lock:
                results.append(result)

        threads = [
            threading.Thread(target=worker, args=(s, r))
            for s in args.seconds
            for r in range(args.runs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for err in errors:
        print(f"run failed: {err!r}", file=sys.stderr)

    ok = not errors
    print(
        f"{'render':>8} {'runs':>4} {'delay mean':>10} {'delay max':>9} "
        f"{'notice max':>10} {'polls':>9}"
    )
    for seconds in args.seconds:
        group = [r for r in results if r.render_s == seconds]
        if not group:
            continue
        delays = [r.delay_s for r in group]
        polls = [r.polls for r in group]
        print(
            f"{seconds:>7g}s {len(group):>4} {statistics.mean(delays):>9.2f}s "
            f"{max(delays):>8.2f}s {max(r.notice_s for r in group):>9.2f}s "
            f"{min(polls):>4}–{max(polls):<4}"
        )
        ok &= max(delays) < MAX_DELAY_S
        if seconds >= 60:
            ok &= max(polls) <= MAX_POLLS_60
    print(
        f"goal: delay < {MAX_DELAY_S:g} s, ≤ {MAX_POLLS_60} polls at 60 s → "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
