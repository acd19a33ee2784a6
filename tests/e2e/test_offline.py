"""Offline means offline: the browser asks nothing of any host but the app itself.

Every request the pages make is recorded (and any to another host is refused, so the test
never waits on a network that is not there); one request elsewhere fails the test.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.harness import App, wait_idle

pytestmark = [pytest.mark.e2e]

LOCAL_SCHEMES = ("data", "blob", "about")


def test_no_request_leaves_the_app(app: App, page: Any) -> None:
    own = urlsplit(app.url).netloc
    elsewhere: list[str] = []

    def watch(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.netloc == own:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.route("**/*", watch)
    page.goto(app.url)
    wait_idle(page)
    page.get_by_role("heading", name="Create a video").wait_for(timeout=30000)
    for link, heading in (("Voice & avatar", "Voice & avatar"), ("History", "History")):
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30000)
        wait_idle(page)
    page.get_by_text("Español").first.click()  # the other language, and back to Create
    page.get_by_role("link", name="Crear").click()
    page.get_by_role("heading", name="Crear un vídeo").wait_for(timeout=30000)
    wait_idle(page)
    page.wait_for_timeout(1500)  # late requests: fonts and the favicon load after the page
    icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icon and all(urlsplit(h).netloc == own or h.startswith("data:") for h in icon), icon
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
