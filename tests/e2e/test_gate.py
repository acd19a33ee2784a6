"""The password gate in a real browser: nothing of the app before the right password,
wrong tries slow down, the right one opens the app, and sign-out closes it again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import App, browser, run_app, wait_idle

pytestmark = [pytest.mark.e2e]

PASSWORD = "e2e correct horse battery staple"
SIDEBAR_EMPTY = """() => [...document.querySelectorAll('[data-testid="stSidebarUserContent"]')]
  .every(s => s.innerText.trim() === '')"""
REFUSED_UNCHECKED = """() => [...document.querySelectorAll('[data-testid="stAlert"]')]
  .some(a => a.innerText.trim().startsWith('Too many wrong tries'))"""
NAV_PAGES = ("Create", "Voice & avatar", "History", "voice avatar", "history", "create")


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[App]:
    with run_app(tmp_path / "data", {"APP_PASSWORD": PASSWORD}) as running:
        yield running


@pytest.fixture
def tab(locked: App, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    with browser() as page:
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            shot = tmp_path / "failure.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}\n{locked.log.read_text()[-2000:]}")


def assert_locked(page: Any) -> None:
    """Only the sign-in screen: no page content, no navigation, no sidebar, no video."""
    page.get_by_role("heading", name="Sign in to Parlante").wait_for(timeout=30000)
    wait_idle(page)
    page.wait_for_function(SIDEBAR_EMPTY, timeout=10000)  # after sign-out: an empty shell
    body = page.inner_text("body")
    for text in ("Create a video", "Offline video", "Nothing here yet", "Sign out"):
        assert text not in body, text
    assert page.locator("video").count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    links = [a.inner_text() for a in page.locator("a").all()]
    assert not [link for link in links if link.strip() in NAV_PAGES], links


def submit(page: Any, password: str) -> str:
    """Type the password, press Enter, and return the message the server answered with."""
    before = page.locator('[data-testid="stAlert"]').count()
    assert before == 0, "submit on a page that shows no message yet, to see the new one"
    box = page.locator('input[type="password"]')
    box.fill(password)
    box.press("Enter")
    page.locator('[data-testid="stAlert"]').first.wait_for(timeout=30000)
    return page.locator('[data-testid="stAlert"]').first.inner_text().strip()


def fresh(page: Any, app: App) -> Any:
    """A new browser session (the client address still counts every wrong try)."""
    page.goto("about:blank")
    page.goto(app.url)
    assert_locked(page)
    return page


def test_wrong_password_shows_an_error_and_nothing_else(locked: App, tab: Any) -> None:
    tab.goto(locked.url + "/history")  # a deep link, as the fresh server's first request
    assert_locked(tab)
    assert submit(tab, "not the password") == "Wrong password."
    assert_locked(tab)
    assert PASSWORD not in tab.content()

    box = tab.locator('input[type="password"]')
    box.fill(PASSWORD)
    box.press("Enter")
    tab.get_by_role("heading", name="History").first.wait_for(timeout=30000)  # the deep link
    assert tab.get_by_text("Offline video: ready").is_visible()
    tab.get_by_role("button", name="Sign out").click()
    assert_locked(tab)


def test_repeated_wrong_tries_slow_down(locked: App, tab: Any) -> None:
    """In the browser: typos are free, then the page says how long to wait. How the wait
    doubles, and that even the right password is refused until it is over, is tested on an
    injected clock (tests/test_app_auth.py) instead of by sleeping here."""
    answers = [submit(fresh(tab, locked), "guess") for _ in range(3)]
    assert answers[:2] == ["Wrong password.", "Wrong password."]  # typos are free
    assert answers[2].endswith("Wait 1 s, then try again.")
    assert_locked(tab)
