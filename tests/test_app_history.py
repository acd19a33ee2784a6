"""The History page, through AppTest: cards with status, search and filters, open, delete, reuse."""

from __future__ import annotations

import threading

from core.choices import load_choices
from core.models import Look, RenderRequest
from tests.app_harness import button, fakes, open_app, runtime, texts
from ui import state

__all__ = ["fakes"]
PAGE = "pages/history.py"


def make_video(
    at, text: str, engine: str = "local", title: str = "", look: Look | None = None
) -> str:
    runner = runtime(at).runner
    request = RenderRequest(
        text=text, language="es", voice_id="fake-es-m", rate=1.2, look=look or Look()
    )
    job = runner.wait(runner.submit(request, engine, title=title).id, timeout=20)
    assert job.status == "done", job.error
    return job.video_id


def test_cards_show_title_engine_voice_duration_and_status(fakes):
    at = open_app(PAGE)
    make_video(at, "Las abejas polinizan las flores.", title="Abejas")
    make_video(at, "Los volcanes expulsan lava.", engine="did")
    fakes.fail_with = RuntimeError("disk full")
    runner = runtime(at).runner
    failed = runner.wait(runner.submit(RenderRequest(text="Otro texto."), "local").id)
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "Abejas" in shown and "Los volcanes expulsan lava." in shown
    assert "Mateo \\(fake\\)" in shown  # a name from the engine is shown literally (escaped)
    assert "1.5 s" in shown and "D-ID (cloud)" in shown
    assert "disk full" in shown  # the failed job keeps its reason
    assert failed.status == "failed"
    badges = [str(m.value) for m in at.markdown if "badge" in str(m.value)]
    assert sum("done" in b for b in badges) == 2 and sum("failed" in b for b in badges) == 1


def test_search_and_filters(fakes):
    at = open_app(PAGE)
    make_video(at, "Las abejas polinizan las flores.")
    make_video(at, "Los volcanes expulsan lava.", engine="did")
    at.text_input(key="hist_search").input("volcanes").run()
    assert "Los volcanes expulsan lava." in texts(at) and "abejas" not in texts(at)
    at.text_input(key="hist_search").input("").run()
    at.selectbox(key="hist_engine_en").set_value("local").run()
    assert "Las abejas polinizan las flores." in texts(at) and "volcanes" not in texts(at)
    at.selectbox(key="hist_engine_en").set_value(None).run()
    at.selectbox(key="hist_status_en").set_value("failed").run()
    assert "No video with these filters" in texts(at) and "Nothing here yet" not in texts(at)


def test_queued_and_running_jobs_appear_with_progress(fakes):
    fakes.gate = threading.Event()
    at = open_app(PAGE)
    runner = runtime(at).runner
    jobs = [runner.submit(RenderRequest(text=f"Texto {i}."), "local") for i in range(3)]
    fakes.wait_until(lambda c: c.waiting >= 1)
    at.run()
    badges = " ".join(str(m.value) for m in at.markdown if "badge" in str(m.value))
    assert "running" in badges and "queued" in badges
    assert at.progress
    fakes.gate.set()
    for job in jobs:
        runner.wait(job.id, timeout=20)


def test_a_failed_job_is_retried_from_history(fakes):
    from tests.fake_engine import REJECTED

    fakes.fail_with = REJECTED
    at = open_app(PAGE)
    runner = runtime(at).runner
    job = runner.wait(runner.submit(RenderRequest(text="Falla una vez."), "local").id)
    at.run()
    fakes.fail_with = None
    button(at, "Retry").click()
    at.run()
    assert runner.wait(job.id, timeout=20).status == "done"
    assert fakes.renders == [job.id, job.id]  # the same job, rendered again


def test_open_play_and_delete_with_confirmation(fakes):
    at = open_app(PAGE)
    video_id = make_video(at, "Las abejas polinizan las flores.")
    folder = runtime(at).services.library.get_video(video_id).folder
    at.run()
    button(at, "Open").click().run()
    assert at.get("video") and "Las abejas polinizan las flores." in texts(at)
    assert [b.label for b in at.download_button] == ["Download MP4", "Download subtitles (SRT)"]
    button(at, "Delete").click().run()
    assert "Delete this video and its files?" in at.warning[0].value
    button(at, "Keep it").click().run()
    assert runtime(at).services.library.get_video(video_id) is not None
    button(at, "Delete").click().run()
    button(at, "Yes, delete").click().run()
    assert runtime(at).services.library.get_video(video_id) is None
    assert not folder.exists()  # its files went too
    assert "Video deleted." in texts(at)


def test_burned_captions_are_not_shown_twice_by_the_player(fakes):
    at = open_app(PAGE)
    make_video(at, "Las abejas polinizan las flores.", title="Abejas")
    make_video(at, "El cielo es azul.", title="Cielo", look=Look(captions="burn"))
    at.run()
    tracks = {}
    for k in range(2):
        [b for b in at.button if b.label == "Open"][k].click().run()
        title = next(h.value for h in at.subheader if h.value in ("Abejas", "Cielo"))
        tracks[title] = len(at.get("video")[0].proto.subtitles)
        button(at, "Close").click().run()
    assert tracks == {"Abejas": 1, "Cielo": 0}  # burned captions: no second copy


def test_use_again_fills_the_create_page(fakes):
    at = open_app(PAGE)
    make_video(at, "Los volcanes expulsan lava.", engine="did")
    at.run()
    button(at, "Open").click().run()
    button(at, "Use again").click().run()
    assert not at.exception
    assert at.title[0].value == "Create a video"
    assert at.text_area(key=state.SCRIPT_WIDGET).value == "Los volcanes expulsan lava."
    saved = load_choices(runtime(at).services.library)
    assert saved.engine == "did" and saved.voice_did == "fake-es-m" and saved.rate == 1.2


def test_user_text_is_never_html(fakes):
    at = open_app(PAGE)
    make_video(at, "<script>alert(1)</script> hola", title="<b>bold</b>")
    at.run()
    assert "<b>bold</b>" in [t.value for t in at.text]  # shown literally, as plain text
    assert not at.get("html")
