"""The Batch and API keys pages through AppTest: upload, preview with totals, every bad row
listed (no start), start, progress, results; keys created (shown once), listed, revoked."""

from __future__ import annotations

from tests.app_harness import button, fakes, open_app, runtime, texts
from tests.test_batches import GOOD, TEMPLATE, sheet, ten_rows
from ui import state

__all__ = ["fakes"]


def test_batch_preview_problems_and_start(fakes):
    at = open_app("pages/batch.py")
    rows, bad = ten_rows()
    at.text_area(key="batch_template").input(TEMPLATE)
    at.file_uploader(key="batch_file").set_value(("lista.csv", sheet(rows), "text/csv")).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "3 rows are wrong" in shown
    problems = at.dataframe[0].value
    assert sorted(problems["Row"].tolist()) == sorted(bad)
    assert button(at, "Start batch").disabled
    at.file_uploader(key="batch_file").set_value(("lista.csv", sheet(GOOD), "text/csv")).run()
    assert "rows are wrong" not in texts(at)
    assert at.metric[0].value == "7"
    preview = at.dataframe[0].value
    assert preview["Row"].tolist() == [2, 3, 4, 5, 6] and preview["Title"].tolist()[0] == "Para Ana"
    button(at, "Start batch").click().run()
    assert "7 videos queued, 0 already done" in texts(at)
    app = at.session_state[state.RUNTIME].app
    [batch] = app.batches.list("")
    for row in batch.rows:
        assert runtime(at).runner.wait(row.job_id, timeout=30).status == "done"
    at.run()
    bars = [(e.proto.value, e.proto.text) for e in at.get("progress")]
    assert bars == [(100, "7 of 7 done, 0 failed")]
    assert [b.label for b in at.get("download_button")][:1] == ["Results (CSV)"]
    button(at, "Prepare ZIP").click().run()
    assert "Download ZIP" in [b.label for b in at.get("download_button")]


def test_batch_page_in_spanish(fakes):
    at = open_app("pages/batch.py")
    at.session_state["ui_lang"] = "es"
    rows, _bad = ten_rows()
    at.text_area(key="batch_template").input(TEMPLATE)
    at.file_uploader(key="batch_file").set_value(("lista.csv", sheet(rows), "text/csv")).run()
    assert not at.exception, at.exception
    assert "3 filas tienen errores" in texts(at)
    assert "Fila" in at.dataframe[0].value.columns


def test_api_keys_created_once_listed_and_revoked(fakes):
    at = open_app("pages/api_keys.py")
    assert "No keys yet." in texts(at)
    at.text_input(key="api_name").input("tienda")
    at.button[0].click().run()
    assert not at.exception, at.exception
    codes = [c.value for c in at.code]
    assert len(codes) == 2 and codes[0].startswith("pk_") and codes[1].startswith("whsec_")
    app = at.session_state[state.RUNTIME].app
    assert app.apikeys.authenticate(codes[0]) is not None
    at.run()
    assert not at.code  # shown once
    assert "tienda" in texts(at)
    button(at, "Revoke").click().run()
    assert "revoked" in texts(at)
    assert app.apikeys.authenticate(codes[0]) is None


def test_batch_over_the_daily_did_cap_is_refused_in_the_page(fakes, monkeypatch):
    from core.engines import registry
    from tests.conftest import FAKE_DID_KEY
    from tests.test_usecases import PaidFake

    monkeypatch.setitem(registry.ENGINES, "did", PaidFake)
    monkeypatch.setenv("DID_API_KEY", FAKE_DID_KEY)
    monkeypatch.setenv("DID_DAILY_VIDEOS", "3")
    at = open_app("pages/batch.py")
    at.text_area(key="batch_template").input(TEMPLATE)
    at.selectbox(key="batch_engine_en").set_value("did")
    at.file_uploader(key="batch_file").set_value(("lista.csv", sheet(GOOD), "text/csv")).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("7 D-ID videos" in e and "3 of today's 3 left" in e for e in errors), errors
    assert button(at, "Start batch").disabled
    assert runtime(at).runner.jobs("") == []
