"""``python -m core batch`` and ``apikey``: every bad row on stderr at once with exit 2 and
nothing queued; a good sheet renders into --out-dir with results.csv; a rerun renders
nothing new. In-process (``core.cli.main``) with the fake engine, plus one real subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.config import Settings
from core.usecases import Parlante
from tests import fake_engine
from tests.test_batches import GOOD, TEMPLATE, sheet, ten_rows

ROOT = Path(__file__).resolve().parent.parent


def run(data_dir: Path, *args: str) -> int:
    return main(list(args), env={"APP_DATA_DIR": str(data_dir)})


def test_dry_run_reports_exactly_the_bad_rows_and_exits_2(tmp_path: Path, data_dir: Path):
    rows, bad = ten_rows()
    rows = [[cell if not cell.startswith("fake-") else "" for cell in row] for row in rows]
    path = tmp_path / "lista.csv"
    path.write_bytes(sheet(rows))  # the real offline engine's voices: fake ones left out
    proc = subprocess.run(
        [sys.executable, "-m", "core", "batch", str(path), "--dry-run", "--template", TEMPLATE],
        cwd=ROOT, env={"APP_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
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
