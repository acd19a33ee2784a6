"""Own narration in a real browser: upload a recording, generate offline, play the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import App, wait_idle
from tests.e2e.test_flow import VIDEO_PLAYS
from tests.narration_samples import SR, joined_words, to_wav

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORDS = "Hola a todos, hoy hablamos del agua."


def test_upload_a_narration_generate_and_play(app: App, page: Any, tmp_path: Path) -> None:
    sample = joined_words(WORDS, "espeak:es-419:m1", seed=4)
    recording = tmp_path / "mi narración.wav"
    recording.write_bytes(to_wav(sample.audio))
    seconds = len(sample.audio) / SR

    page.goto(app.url)
    wait_idle(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Audio file")
    uploader.locator('input[type="file"]').set_input_files(str(recording))
    page.get_by_text("The presenter will speak your recording").wait_for(timeout=30000)
    page.get_by_text("No script: the video will have no subtitles.").wait_for()
    assert page.locator("audio").count() >= 1  # the recording can be listened to

    page.get_by_role("button", name="Generate video").click()
    page.wait_for_function(VIDEO_PLAYS, timeout=600000)  # a loaded machine renders slowly
    duration = page.evaluate("() => document.querySelector('video').duration")
    assert abs(duration - seconds) < 0.5, (duration, seconds)  # the video is the recording
    page.get_by_text("No script was given, so the video has no subtitles.").wait_for()
    assert page.locator("video track").count() == 0

    played = page.evaluate(
        """async () => {
            const v = document.querySelector('video');
            v.muted = true;
            await v.play();
            await new Promise(r => setTimeout(r, 1200));
            v.pause();
            return v.currentTime;
        }"""
    )
    assert played > 0.5  # it really plays
    page.screenshot(path=str(tmp_path / "narration.png"), full_page=True)
