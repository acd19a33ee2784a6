"""The whole product in a real browser: write, generate offline, play, find in History, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import App, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VIDEO_PLAYS = """() => {
  const v = document.querySelector('video');
  return v !== null && v.readyState >= 1 && v.duration > 0 && isFinite(v.duration);
}"""


def test_write_generate_play_find_and_delete(app: App, page: Any, fake_openai: Any) -> None:
    page.goto(app.url)
    wait_idle(page)
    page.get_by_role("textbox", name="Topic").fill("La fotosíntesis explicada a niños")
    page.get_by_role("button", name="Write script").click()
    script_box = page.get_by_role("textbox", name="Script", exact=True)
    page.wait_for_function(
        "() => [...document.querySelectorAll('textarea')].some(t => t.value.includes('oxígeno'))",
        timeout=30000,
    )
    assert "fotosíntesis" in script_box.input_value()
    assert len(fake_openai.requests) == 1  # the script came from the (fake) model

    page.get_by_role("button", name="Generate video").click()
    page.get_by_test_id("stStatusWidget").or_(page.get_by_text("%")).first.wait_for()
    page.wait_for_function(VIDEO_PLAYS, timeout=180000)
    duration = page.evaluate("() => document.querySelector('video').duration")
    assert duration > 1.0
    assert page.locator("video track").count() == 1  # the subtitles ride along
    # labelled with their language, not Streamlit's "default"
    assert page.locator("video track").get_attribute("label") == "Spanish (Spain)"
    assert page.get_by_role("button", name="Download MP4").is_visible()

    page.get_by_role("link", name="History").click()
    page.get_by_text("La fotosíntesis explicada a niños").first.wait_for(timeout=30000)
    page.locator('[data-testid="stBaseButton-secondary"]', has_text="Open").first.click()
    page.wait_for_function(VIDEO_PLAYS, timeout=30000)
    media = app.log.parent / "data" / "media"
    assert [p for p in media.iterdir() if not p.name.startswith(".")]

    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("button", name="Yes, delete").click()
    page.get_by_text("Video deleted.").wait_for(timeout=30000)
    page.get_by_text("Nothing here yet").wait_for(timeout=30000)
    assert [p for p in media.iterdir() if not p.name.startswith(".")] == []  # its files went too


def test_a_page_link_works_as_the_first_request_of_a_fresh_server(app: App, page: Any) -> None:
    """Streamlit's legacy pages/ mode would run the page file alone; app.py must route it."""
    page.goto(app.url + "/history")
    page.get_by_role("heading", name="History").first.wait_for(timeout=30000)
    wait_idle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Offline video: ready").is_visible()  # the shared sidebar is there
