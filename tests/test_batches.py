"""Batches from a spreadsheet through the application layer: every bad row reported at once
(row as the spreadsheet numbers it, column, what is wrong), rows as jobs, a rerun that
renders nothing new, the ZIP and the results CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.config import Settings
from core.errors import InputError, NotFound
from core.usecases import DONE, Parlante
from tests import fake_engine
from tests.conftest import db_env

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

ANA, BOB = "ana@example.org", "bob@example.org"
HEADER = ["nombre", "producto", "text", "voice", "avatar", "title"]
GOOD = [
    ["Ana", "miel", "", "", "", "Para {nombre}"],
    ["Luis", "cera", "", "fake-es-f", "", ""],
    ["Marta", "polen", "Hola {nombre}, hoy hablamos de {producto}.", "", "", ""],
    ["Pablo", "jalea", "", "", "", ""],
    ["Sara", "propóleo", "", "fake-es-m", "", ""],
    ["Tomás", "abejas", "", "", "", ""],
    ["Eva", "flores", "", "", "", "Vídeo de {nombre}"],
]
TEMPLATE = "Hola {nombre}, te cuento todo sobre la {producto} de nuestras abejas."


def sheet(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


def ten_rows() -> tuple[list[list[str]], dict[int, str]]:
    """Seven good rows and three bad ones, and the bad rows' spreadsheet numbers → column."""
    rows = list(GOOD)
    rows.insert(2, ["", "miel", "", "", "", "Para {nombre}"])  # row 4: {nombre} is empty
    rows.insert(5, ["Juan", "cera", "", "no-such-voice", "", ""])  # row 7: unknown voice
    rows.append(["Rosa", "miel", "", "", "nadie", ""])  # row 11: unknown presenter
    return rows, {4: "nombre", 7: "voice", 11: "avatar"}


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    parlante = Parlante.open(Settings.from_sources({**db_env(), "APP_DATA_DIR": str(data_dir)}))
    yield parlante
    parlante.close(timeout=5)


def finish(app: Parlante, user: str, batch_id: str) -> None:
    for row in app.batches.status(user, batch_id).rows:
        assert row.job_id
        assert app.ctx.runner.wait(row.job_id, timeout=30).status == DONE


def test_ten_rows_three_bad_are_reported_together_and_nothing_is_queued(app: Parlante) -> None:
    rows, bad = ten_rows()
    plan = app.batches.plan(ANA, "lista.csv", sheet(rows), template=TEMPLATE)
    assert [(p.row, p.column) for p in plan.problems] == sorted(bad.items())  # each once
    assert len(plan.rows) == 7
    lines = [p.line() for p in plan.problems]
    assert any("row 7, column voice" in line and "no-such-voice" in line for line in lines)
    assert any("row 4, column nombre" in line for line in lines)
    with pytest.raises(InputError) as caught:
        app.batches.start(ANA, plan)
    assert "3 of 10 rows" in caught.value.message
    assert app.renders.jobs(ANA) == []


def test_placeholders_titles_and_estimates(app: Parlante) -> None:
    plan = app.batches.plan(ANA, "lista.csv", sheet(GOOD), template=TEMPLATE)
    assert plan.ok
    first, third = plan.rows[0], plan.rows[2]
    assert first.request and first.request.text == TEMPLATE.format(nombre="Ana", producto="miel")
    assert first.title == "Para Ana"
    assert third.request and third.request.text == "Hola Marta, hoy hablamos de polen."
    assert plan.total_seconds == pytest.approx(sum(r.seconds for r in plan.rows))
    assert all(r.seconds > 2 for r in plan.rows)
    assert len(plan.preview()) == 5


def test_rows_become_jobs_and_a_rerun_renders_nothing_new(app: Parlante, tmp_path: Path) -> None:
    data = sheet(GOOD)
    batch = app.batches.start(ANA, app.batches.plan(ANA, "lista.csv", data, template=TEMPLATE))
    assert len(batch.rows) == 7
    finish(app, ANA, batch.id)
    status = app.batches.status(ANA, batch.id)
    assert status.finished and status.count(DONE) == 7 and status.fraction == 1.0
    renders = len(fake_engine.CONTROL.renders)
    jobs = {j.id for j in app.renders.jobs(ANA)}

    again = app.batches.start(ANA, app.batches.plan(ANA, "lista.csv", data, template=TEMPLATE))
    assert again.id == batch.id
    assert {j.id for j in app.renders.jobs(ANA)} == jobs  # not one new job
    assert len(fake_engine.CONTROL.renders) == renders

    # the same rows in another file (one row changed): only the changed row is rendered
    changed = [list(r) for r in GOOD]
    changed[3][1] = "jalea real"
    other = app.batches.start(ANA, app.batches.plan(ANA, "otra.csv", sheet(changed),
                                                    template=TEMPLATE))  # fmt: skip
    new = {j.id for j in app.renders.jobs(ANA)} - jobs
    assert len(new) == 1 and {r.job_id for r in other.rows} & new


def test_zip_and_results_csv_and_isolation(app: Parlante) -> None:
    batch = app.batches.start(ANA, app.batches.plan(ANA, "lista.csv", sheet(GOOD[:3]),
                                                    template=TEMPLATE))  # fmt: skip
    finish(app, ANA, batch.id)
    archive = zipfile.ZipFile(io.BytesIO(app.batches.zip_bytes(ANA, batch.id)))
    names = sorted(archive.namelist())
    assert names == ["results.csv", "row-0002-para-ana.mp4", "row-0003.mp4", "row-0004.mp4"]
    results = list(csv.DictReader(io.StringIO(archive.read("results.csv").decode())))
    assert [r["row"] for r in results] == ["2", "3", "4"]
    assert all(r["status"] == "done" and r["video_id"] for r in results)
    assert results[0]["file"] == "row-0002-para-ana.mp4"
    with pytest.raises(NotFound):
        app.batches.status(BOB, batch.id)
    assert app.batches.list(BOB) == []
    assert [b.id for b in app.batches.list(ANA)] == [batch.id]


def test_xlsx_spanish_columns_and_row_numbers(app: Parlante) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Texto", "Voz", "Título"])
    ws.append(["Hola a todos, bienvenidos al curso.", "fake-es-f", "Uno"])
    ws.append([None, None, None])  # a blank row keeps its number
    ws.append(["", "fake-es-f", "Dos"])
    buf = io.BytesIO()
    book.save(buf)
    plan = app.batches.plan(ANA, "lista.xlsx", buf.getvalue())
    assert [(p.row, p.column) for p in plan.problems] == [(4, "text")]
    assert plan.rows[0].title == "Uno" and plan.rows[0].row == 2


def test_sheets_that_cannot_be_read_say_why(app: Parlante) -> None:
    with pytest.raises(InputError, match="not a CSV or XLSX"):
        app.batches.plan(ANA, "lista.pdf", b"%PDF-1.4")
    with pytest.raises(InputError, match="no rows"):
        app.batches.plan(ANA, "lista.csv", b"text,voice\n")
    with pytest.raises(InputError, match="could not be read"):
        app.batches.plan(ANA, "lista.xlsx", b"PK\x03\x04broken")
    with pytest.raises(InputError, match="'text' column"):
        app.batches.plan(ANA, "lista.csv", b"nombre\nAna\n")


def test_a_batch_over_the_daily_did_cap_is_refused_with_numbers_before_anything_runs(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.engines import registry
    from core.usage import METERED_VIDEOS
    from tests.conftest import FAKE_DID_KEY
    from tests.test_usecases import PaidFake

    fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(registry.ENGINES, "did", PaidFake)
    settings = Settings.from_sources({"APP_DATA_DIR": str(data_dir), "DID_DAILY_VIDEOS": "8",
                                      "DID_API_KEY": FAKE_DID_KEY})  # fmt: skip
    app = Parlante.open(settings, jobs=False)
    app.ctx.services.usage.add(ANA, METERED_VIDEOS, 3, ref="earlier")
    plan = app.batches.plan(ANA, "lista.csv", sheet(GOOD), engine="did", template=TEMPLATE)
    assert plan.ok and plan.total_credits == 7  # one 15-second block per short row
    for attempt in (lambda: app.batches.check_cap(ANA, plan), lambda: app.batches.start(ANA, plan)):
        with pytest.raises(InputError) as caught:
            attempt()
        err = caught.value
        assert err.message_id == "batch.over_daily_cap"
        assert "7 D-ID videos (about 7 credits)" in err.message
        assert "5 of today's 8 left (3 made today" in err.message and "Remove 2 rows" in err.text()
        assert "5 de los 8 de hoy" in err.text("es")
    assert app.renders.jobs(ANA) == [] and app.batches.list(ANA) == []  # nothing queued
    app.batches.check_cap(BOB, plan)  # another account has its own cap
    local = app.batches.plan(ANA, "lista.csv", sheet(GOOD), engine="local", template=TEMPLATE)
    app.batches.check_cap(ANA, local)  # the offline engine is not capped
    app.close(timeout=5)


def test_a_batch_resumes_after_a_restart_and_requeues_only_what_failed(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import RenderRejected
    from core.jobstore import FAILED, QUEUED

    control = fake_engine.install(monkeypatch, "local")
    settings = Settings.from_sources({"APP_DATA_DIR": str(data_dir)})
    data = sheet(GOOD[:4])
    stopped = Parlante.open(settings, jobs=False)  # queued, then the process goes away
    batch = stopped.batches.start(ANA, stopped.batches.plan(ANA, "l.csv", data, template=TEMPLATE))
    assert batch.count(QUEUED) == 4 and control.renders == []
    stopped.close()

    control.fail_with = RenderRejected("did.rejected_kind", kind="FaceError")
    app = Parlante.open(settings)  # a new process: its runner takes the queued rows
    try:
        finish_any(app, ANA, batch.id)
        assert app.batches.status(ANA, batch.id).count(FAILED) == 4
        control.fail_with = None
        queued = {j.id for j in app.renders.jobs(ANA)}
        again = app.batches.start(ANA, app.batches.plan(ANA, "l.csv", data, template=TEMPLATE))
        assert again.id == batch.id and not {r.job_id for r in again.rows} & queued  # all anew
        finish(app, ANA, batch.id)
        renders = len(control.renders)
        assert renders == 8 and app.batches.status(ANA, batch.id).count(DONE) == 4
        third = app.batches.start(ANA, app.batches.plan(ANA, "l.csv", data, template=TEMPLATE))
        assert third.count(DONE) == 4 and len(control.renders) == renders  # nothing new
    finally:
        app.close(timeout=5)


def finish_any(app: Parlante, user: str, batch_id: str) -> None:
    for row in app.batches.status(user, batch_id).rows:
        assert row.job_id
        app.ctx.runner.wait(row.job_id, timeout=30)
