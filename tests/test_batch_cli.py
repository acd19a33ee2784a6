"""``python -m core batch`` and ``apikey``: every bad row on stderr at once with exit 2 and
nothing queued; a good sheet renders into --out-dir with results.csv; a rerun renders
nothing new. In-process (``core.cli.main``) with the fake engine, plus one real subprocess."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from core.cli import main
from core.config import Settings
from core.usecases import Parlante
from tests import fake_engine
from tests.api_process import run_core
from tests.test_batches import GOOD, TEMPLATE, sheet, ten_rows


def run(data_dir: Path, *args: str) -> int:
    return main(list(args), env={"APP_DATA_DIR": str(data_dir)})


def test_dry_run_reports_exactly_the_bad_rows_and_exits_2(tmp_path: Path, data_dir: Path):
    rows, bad = ten_rows()
    rows = [[cell if not cell.startswith("fake-") else "" for cell in row] for row in rows]
    path = tmp_path / "lista.csv"
    path.write_bytes(sheet(rows))  # the real offline engine's voices: fake ones left out
    env = {"APP_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    proc = run_core(env, "batch", str(path), "--dry-run", "--template", TEMPLATE)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error: row ")]
    assert sorted(line.split(":")[1].strip() for line in lines) == sorted(
        f"row {row}, column {column}" for row, column in bad.items()
    )
    assert "3 of 10 rows are wrong" in proc.stderr
    assert "7 videos" in proc.stdout  # the preview and totals came first
    app = Parlante.open(Settings.from_sources({"APP_DATA_DIR": str(data_dir)}), jobs=False)
    assert app.renders.jobs("") == []  # nothing was queued


def test_batch_renders_into_out_dir_and_a_rerun_renders_nothing_new(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    control = fake_engine.install(monkeypatch, "local")
    path = tmp_path / "lista.csv"
    path.write_bytes(sheet(GOOD))
    out = tmp_path / "videos"
    assert run(data_dir, "batch", str(path), "--out-dir", str(out), "--template", TEMPLATE) == 0
    first = capsys.readouterr().out
    assert "7 to render, 0 already done" in first and "7 done, 0 failed" in first
    results = list(csv.DictReader((out / "results.csv").open(encoding="utf-8")))
    assert [r["row"] for r in results] == [str(n) for n in range(2, 9)]
    assert all((out / r["file"]).is_file() and r["status"] == "done" for r in results)
    renders = len(control.renders)
    assert renders == 7
    assert run(data_dir, "batch", str(path), "--out-dir", str(out), "--template", TEMPLATE,
               "--json") == 0  # fmt: skip
    again = json.loads(capsys.readouterr().out)
    assert again["done"] == 7 and len(control.renders) == renders  # nothing new rendered
    assert again["zip"] == str(out / "lista.zip") and zipfile.is_zipfile(again["zip"])
    assert all(r["video_id"] and r["status"] == "done" for r in again["rows"])


def test_apikey_commands(data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert run(data_dir, "apikey", "create", "--user", "Ana@Example.org", "--json") == 0
    made = json.loads(capsys.readouterr().out)
    assert set(made) == {"id", "key", "webhook_secret"} and made["key"].startswith("pk_")
    assert run(data_dir, "apikey", "list", "--user", "ana@example.org", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [k["id"] for k in listed] == [made["id"]] and made["key"] not in json.dumps(listed)
    assert run(data_dir, "apikey", "revoke", "--user", "bob@example.org", made["id"]) == 2
    assert "no API key" in capsys.readouterr().err
    assert run(data_dir, "apikey", "revoke", "--user", "ana@example.org", made["id"]) == 0
    assert capsys.readouterr().out.startswith(f"revoked {made['id']}")
    assert run(data_dir, "apikey", "list", "--user", "ana@example.org", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["revoked"] is True


def test_out_dir_holds_the_zip_of_finished_videos_and_results_csv(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    fake_engine.install(monkeypatch, "local")
    path = tmp_path / "alumnos 2026.csv"
    path.write_bytes(sheet(GOOD[:3]))
    out = tmp_path / "videos"
    assert run(data_dir, "batch", str(path), "--out-dir", str(out), "--template", TEMPLATE) == 0
    assert "(alumnos-2026.zip, results.csv)" in capsys.readouterr().out
    with zipfile.ZipFile(out / "alumnos-2026.zip") as archive:
        names = sorted(archive.namelist())
        assert names == ["results.csv", "row-0002-para-ana.mp4", "row-0003.mp4", "row-0004.mp4"]
        for name in names[1:]:  # each entry is the very video copied beside it
            assert archive.read(name) == (out / name).read_bytes() and archive.read(name)
        rows = list(csv.DictReader(io.StringIO(archive.read("results.csv").decode("utf-8"))))
    assert [(r["row"], r["status"], r["file"]) for r in rows] == [
        ("2", "done", "row-0002-para-ana.mp4"), ("3", "done", "row-0003.mp4"),
        ("4", "done", "row-0004.mp4"),
    ]  # fmt: skip
    assert all(r["video_id"] and not r["error"] for r in rows)
    assert (out / "results.csv").read_bytes() == archive_results(out / "alumnos-2026.zip")
    assert not list(out.glob(".*.part"))  # nothing half-written left


def archive_results(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("results.csv")


def test_a_batch_over_the_daily_did_cap_exits_2_and_renders_nothing(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from core.engines import registry
    from tests.conftest import FAKE_DID_KEY
    from tests.test_usecases import PaidFake

    control = fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(registry.ENGINES, "did", PaidFake)
    path = tmp_path / "lista.csv"
    path.write_bytes(sheet(GOOD))
    env = {"APP_DATA_DIR": str(data_dir), "DID_DAILY_VIDEOS": "4", "DID_API_KEY": FAKE_DID_KEY}
    for extra in (["--dry-run"], ["--out-dir", str(tmp_path / "out")]):
        args = ["batch", str(path), "--engine", "did", "--template", TEMPLATE, *extra]
        code = main(args, env=env)
        err = capsys.readouterr().err
        assert code == 2, err
        assert "7 D-ID videos (about 7 credits)" in err and "4 of today's 4 left" in err
    assert control.renders == [] and not (tmp_path / "out").exists()
    app = Parlante.open(Settings.from_sources(env), jobs=False)
    assert app.renders.jobs("") == [] and app.batches.list("") == []
