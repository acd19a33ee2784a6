"""App speed in a real browser (Debian's headless Chromium) against ``streamlit run app.py``.

Measures, on localhost, with a fresh APP_DATA_DIR and the real offline engine:
1. first page load: navigation start → the Create page's "Generate video" button visible
   (cold server process: the first session builds the runtime), and again warm;
2. "Generate video" clicked → the job's progress visible on the page;
3. with 20 videos queued (the runner renders ``max_jobs`` at once), how long it takes to
   open each page and to get a widget round trip (typing a History search) answered.
Goals (issue 5): first load < 1.5 s; progress < 1 s; pages stay responsive under 20 jobs.

    .venv/bin/python benchmarks/app_speed.py [--jobs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.config import Settings  # noqa: E402
from core.jobs import QUEUED, RUNNING  # noqa: E402
from core.jobstore import JobStore  # noqa: E402
from core.library import Library  # noqa: E402
from core.models import RenderRequest  # noqa: E402
from tests.e2e.harness import SCRIPT, browser, run_app, wait_idle  # noqa: E402

GENERATE = "button:has-text('Generate video')"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def load(page, url: str, selector: str) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, timeout=60000)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="parlante-bench-")) / "data"
    with run_app(data) as app, browser() as page:
        cold = load(page, app.url, GENERATE)
        fresh = []
        for _ in range(3):  # a new visitor: new browser context, empty cache, new session
            context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
            fresh.append(load(context.new_page(), app.url, GENERATE))
            context.close()
        warm = [load(page, app.url, GENERATE) for _ in range(3)]
        print(f"first page load, cold server + cold browser  {ms(cold)}")
        print(f"first page load, new visitor (median of 3)   {ms(statistics.median(fresh))}")
        print(f"page reload, warm cache (median of 3)        {ms(statistics.median(warm))}")

        wait_idle(page)
        page.get_by_role("textbox", name="Script", exact=True).fill(SCRIPT)
        page.keyboard.press("Tab")
        wait_idle(page)
        started = time.perf_counter()
        page.locator(GENERATE).click()
        page.locator("[data-testid='stProgress']").first.wait_for(timeout=30000)
        progress = time.perf_counter() - started
        print(f"Generate video → progress      {ms(progress)}")

        store = JobStore(Library(Settings.from_sources({"APP_DATA_DIR": str(data)}).data_dir),
                         time.time)  # fmt: skip
        for i in range(args.jobs):
            text = f"Vídeo número {i + 1}. " + SCRIPT
            store.insert("local", RenderRequest(text=text, language="es"), title=f"Bench {i + 1}")
        time.sleep(1.0)
        busy = store.count(RUNNING), store.count(QUEUED)
        print(f"jobs now: {busy[0]} running, {busy[1]} queued")
        timings: dict[str, list[float]] = {"create": [], "voice_avatar": [], "history": []}
        selectors = {
            "create": GENERATE,
            "voice_avatar": "text=Speaking rate",
            "history": "text=Bench 1",
        }
        for _ in range(3):
            for name, selector in selectors.items():
                timings[name].append(load(page, f"{app.url}/{name}", selector))
        for name, values in timings.items():
            median = ms(statistics.median(values))
            print(f"under load: open {name:<8}        {median} (median of 3)")
        wait_idle(page)
        search = page.get_by_role("textbox", name="Search")
        started = time.perf_counter()
        search.fill("Bench 7")
        search.press("Enter")
        page.wait_for_function(
            "() => !document.body.innerText.includes('Bench 3\\n')", timeout=30000
        )
        print(f"under load: search round trip  {ms(time.perf_counter() - started)}")
        busy = store.count(RUNNING), store.count(QUEUED)
        print(f"jobs at the end: {busy[0]} running, {busy[1]} queued")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
