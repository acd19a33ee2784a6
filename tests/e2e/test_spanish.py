"""The Spanish interface in a real browser: a long pasted script is kept and explained."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import App, wait_idle

pytestmark = [pytest.mark.e2e]

SENTENCE = "Las abejas polinizan las flores y así nacen las frutas que comemos cada día. "


def spanish(page: Any, app: App) -> None:
    page.goto(app.url)
    wait_idle(page)
    page.get_by_text("Español").first.click()
    page.get_by_role("heading", name="Crear un vídeo").wait_for(timeout=30000)
    wait_idle(page)


def test_a_long_pasted_script_is_kept_with_the_over_limit_message(app: App, page: Any) -> None:
    spanish(page, app)
    long_script = (SENTENCE * 300)[:20000]
    box = page.get_by_role("textbox", name="Guion", exact=True)
    box.click()
    page.keyboard.insert_text(long_script)  # as a paste arrives: one insertion, no keystrokes
    page.get_by_role("heading", name="Crear un vídeo").click()  # leave the box: Streamlit sends it
    page.get_by_text("Este guion tiene 20000 caracteres, 15000 más que el límite de 5000").wait_for(
        timeout=30000
    )
    wait_idle(page)  # the right column (the Generate button) is drawn after the message
    assert len(box.input_value()) == 20000  # nothing was cut or lost
    # The button is redrawn by the rerun the message came from; wait for that state rather
    # than reading it once (on a busy machine the old, enabled button can still be there).
    expect(page.get_by_role("button", name="Generar vídeo")).to_be_disabled(timeout=30000)
    page.get_by_role("link", name="Historial").click()  # away and back: still there
    page.get_by_role("heading", name="Historial").first.wait_for(timeout=30000)
    page.get_by_role("link", name="Crear").click()
    page.get_by_role("heading", name="Crear un vídeo").wait_for(timeout=30000)
    wait_idle(page)
    assert len(page.get_by_role("textbox", name="Guion", exact=True).input_value()) == 20000
