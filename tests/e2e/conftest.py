"""End-to-end fixtures: the real app in a subprocess, a fake OpenAI server, headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import CHROMIUM, SCRIPT, App, browser, run_app

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y "
        "chromium; .ci/run does it) to run the end-to-end browser tests"
    )
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)


@pytest.fixture
def fake_openai() -> Iterator[Any]:
    from tests.fakes.openai_server import FakeOpenAI, Reply

    with FakeOpenAI(Reply.ok(SCRIPT, chunk_delay_s=0.02)) as fake:
        yield fake


@pytest.fixture
def app(tmp_path: Path, fake_openai: Any) -> Iterator[App]:
    env = {"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-local-placeholder"}
    with run_app(tmp_path / "data", env) as running:
        yield running


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(app: App, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with browser() as tab:
        yield tab
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:  # keep evidence: a screenshot and the log
            shot = tmp_path / "failure.png"
            tab.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}\napp log: {app.log}\n{app.log.read_text()[-2000:]}")
