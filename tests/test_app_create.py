"""The Create page, through AppTest, with fake engines and a fake script writer."""

from __future__ import annotations

from core.usecases.preferences import UI_LANGUAGE_PREF
from tests.app_harness import FAKE_SCRIPT, FakeWriter, button, fakes, open_app, runtime, texts
from ui import state
from ui.streaming import escape_markdown

__all__ = ["fakes"]


def test_app_routes_three_pages_and_shows_engines(fakes):
    at = open_app()
    assert at.title[0].value == "Create a video"
    sidebar = "\n".join(str(m.value) for m in at.sidebar.markdown)
    assert "Offline video: ready" in sidebar
    assert "OPENAI_BASE_URL" in sidebar and "D-ID: not configured" in sidebar
    for page, title in (
        ("pages/voice_avatar.py", "Voice & avatar"),
        ("pages/history.py", "History"),
    ):
        at.switch_page(page)
        at.run()
        assert not at.exception and at.title[0].value == title


def test_write_script_streams_into_the_editable_box(fakes):
    at = open_app()
    topic = next(t for t in at.text_area if t.label == "Topic")
    topic.input("Las abejas")
    button(at, "Write script").click()
    at.run()
    assert not at.exception
    script = at.text_area(key=state.SCRIPT_WIDGET)
    assert script.value == FAKE_SCRIPT
    assert FakeWriter.calls[-1].prompt == "Las abejas" and FakeWriter.calls[-1].language == "es"
    assert "Script written: 13 words" in texts(at)
    assert "13 words · about 5 s of video" in texts(at)


def test_script_survives_a_visit_to_another_page(fakes):
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos, bienvenidos.")
    at.run()
    at.switch_page("pages/history.py")
    at.run()
    at.switch_page("pages/create.py")
    at.run()
    assert at.text_area(key=state.SCRIPT_WIDGET).value == "Hola a todos, bienvenidos."


def test_empty_script_is_a_message_not_a_job(fakes):
    at = open_app()
    button(at, "Generate video").click()
    at.run()
    assert not at.exception
    assert "The script is empty" in at.error[0].value
    assert runtime(at).runner.jobs() == []


def test_generate_runs_a_background_job_and_shows_the_video(fakes):
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola a todos, bienvenidos al curso.")
    button(at, "Generate video").click()
    at.run()
    assert not at.exception
    [job] = runtime(at).runner.jobs()
    assert at.session_state[state.JOB] == job.id
    assert runtime(at).runner.wait(job.id, timeout=20).status == "done"
    at.run()
    assert not at.exception
    assert at.get("video"), "the finished video plays in the page"
    labels = [b.label for b in at.download_button]
    assert labels == ["Download MP4", "Download subtitles (SRT)"]
    assert "Your video is ready" in [t.value for t in at.toast]


def test_running_job_shows_progress_and_can_be_cancelled(fakes):
    import threading

    fakes.gate = threading.Event()
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Un guion que tarda.")
    button(at, "Generate video").click()
    at.run()
    job_id = at.session_state[state.JOB]
    runner = runtime(at).runner
    fakes.wait_until(lambda c: c.waiting == 1)  # its progress is stored
    at.run()
    assert "Animating and encoding" in texts(at)
    assert at.progress
    button(at, "Cancel").click()
    at.run()
    assert runner.wait(job_id, timeout=20).status == "cancelled"
    at.run()
    assert "The render was cancelled." in texts(at)


def test_failed_job_shows_its_reason(fakes):
    from tests.fake_engine import REJECTED

    fakes.fail_with = REJECTED
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola.")
    button(at, "Generate video").click()
    at.run()
    runtime(at).runner.wait(at.session_state[state.JOB], timeout=20)
    at.run()
    reason = escape_markdown("D-ID refused the render: FaceError")  # shown literally
    assert f"The video failed: {reason}" in at.error[0].value


def test_a_failed_job_is_retried_from_the_create_page_as_the_same_job(fakes):
    from tests.fake_engine import REJECTED

    fakes.fail_with = REJECTED
    at = open_app()
    at.text_area(key=state.SCRIPT_WIDGET).input("Hola otra vez.")
    button(at, "Generate video").click()
    at.run()
    job_id = at.session_state[state.JOB]
    runner = runtime(at).runner
    runner.wait(job_id, timeout=20)
    at.run()
    fakes.fail_with = None
    button(at, "Retry").click()
    at.run()
    assert at.session_state[state.JOB] == job_id  # the same job (its notes: a talk to resume)
    assert runner.wait(job_id, timeout=20).status == "done"
    assert fakes.tokens_seen == [None, f"tlk_{job_id}"]  # the retry saw the talk it left
    at.run()
    assert [b.label for b in at.button if b.label == "Retry"] == []
    assert len(runner.jobs()) == 1


def test_did_engine_shows_estimated_credits(fakes):
    from core.choices import load_choices, save_choices

    at = open_app()
    library = runtime(at).services.library
    save_choices(library, load_choices(library).with_(engine="did"))
    at.text_area(key=state.SCRIPT_WIDGET).input(" ".join(["palabra"] * 80))
    at.run()
    assert "80 words · about 33 s of video · about 3 D-ID credits" in texts(at)


def test_without_a_writer_the_page_says_what_to_do(fakes, monkeypatch):
    from core.writers import base as writers

    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.setitem(writers.WRITERS, "openai", writers._openai)
    at = open_app()
    write = button(at, "Write script")
    assert write.disabled  # not clickable, with the reason beside it
    assert any("set OPENAI_API_KEY" in c.value for c in at.caption)
    assert "You can still type the script yourself" in texts(at)
    assert not at.error


def test_interface_in_spanish(fakes):
    at = open_app()
    at.sidebar.segmented_control[0].set_value("es").run()
    assert at.title[0].value == "Crear un vídeo"
    assert "Escribir guion" in [b.label for b in at.button]
    assert runtime(at).services.library.get_pref(UI_LANGUAGE_PREF) == "es"  # durable
