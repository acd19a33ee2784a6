"""The command line as a person uses it: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.api_process import run_core
from tests.face_images import encode, png_claiming, synthetic_face


def cli(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_core({**os.environ, "APP_DATA_DIR": str(data_dir), **env}, *args)


def assert_error(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]


def test_voices_json_contract(data_dir: Path) -> None:
    proc = cli("voices", "--engine", "local", "--language", "es", "--json", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    voices = json.loads(proc.stdout)
    assert voices and all(set(v) == {"id", "name", "language", "gender", "engine"} for v in voices)
    assert {v["language"] for v in voices} >= {"es", "es-419"}
    assert all(v["language"].lower().startswith("es") for v in voices)


def test_avatars_json_contract(data_dir: Path) -> None:
    proc = cli("avatars", "--json", data_dir=data_dir)
    avatars = json.loads(proc.stdout)
    assert len([a for a in avatars if a["kind"] == "illustrated"]) >= 4
    assert all(set(a) == {"id", "name", "kind"} for a in avatars)


def test_render_json_contract_and_cache(data_dir: Path, tmp_path: Path) -> None:
    out, subs = tmp_path / "hola.mp4", tmp_path / "hola.srt"
    args = ["render", "--engine", "local", "--text", "Hola a todos.", "--language", "es"]
    args += ["--size", "256", "--out", str(out), "--subtitles", str(subs), "--json"]
    first = cli(*args, data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert set(result) == {
        "video", "subtitles", "thumbnail", "duration_s", "engine", "voice", "avatar", "cached",
        "render_s", "width", "height", "format", "layout", "scenes",
    }  # fmt: skip
    assert result["video"] == str(out) and out.stat().st_size > 1000
    assert result["subtitles"] == str(subs) and "Hola a todos." in subs.read_text()
    assert result["cached"] is False and result["engine"] == "local"
    assert result["voice"].startswith("espeak:es")
    second = json.loads(cli(*args, data_dir=data_dir).stdout)
    assert second["cached"] is True and second["duration_s"] == result["duration_s"]
    third = json.loads(cli(*args, "--no-cache", data_dir=data_dir).stdout)
    assert third["cached"] is False


def test_vtt_subtitles_by_extension(data_dir: Path, tmp_path: Path) -> None:
    subs = tmp_path / "hola.vtt"
    proc = cli("render", "--text", "Hola.", "--size", "256", "--subtitles", str(subs),
               data_dir=data_dir)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert subs.read_text().startswith("WEBVTT")


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (["--text", "   \n\t "], ["script is empty"]),
        (["--text", "a" * 5001], ["limit is 5000"]),
        (
            ["--text", "Hola", "--voice", "espeak:xx:nope"],
            ["unknown voice", "python -m core voices"],
        ),
        (
            ["--text", "Hola", "--voice", "piper:en-US:joe", "--language", "es"],
            ["speaks en-US, not es"],
        ),
        (["--text", "Hola", "--language", "zz"], ["zz"]),
        (["--text", "Hola", "--size", "100"], ["between 256 and 1080"]),
        (["--text", "Hola", "--rate", "5"], ["0.5 and 2.0"]),
        (["--text", "Hola", "--avatar", "nobody"], ["unknown avatar", "ana"]),
        (["--text", "Hola", "--avatar", "/nope/photo.jpg"], ["not found"]),
        (["--text-file", "/nope/script.txt"], ["not found"]),
        (["--text", "Hola", "--out", "/nope/dir/x.mp4"], ["does not exist"]),
    ],
)
def test_bad_input_exits_2_with_a_message(
    data_dir: Path, extra: list[str], needles: list[str]
) -> None:
    assert_error(cli("render", "--size", "256", *extra, data_dir=data_dir), 2, *needles)


def test_bad_images_exit_2(data_dir: Path, tmp_path: Path) -> None:
    not_image = tmp_path / "notes.jpg"
    not_image.write_text("this is not a picture")
    assert_error(
        cli("render", "--text", "Hola", "--avatar", str(not_image), data_dir=data_dir), 2, "JPEG"
    )
    noise = tmp_path / "noise.png"
    rng = np.random.default_rng(1)
    noise.write_bytes(encode(rng.integers(0, 255, (300, 300, 3), dtype=np.uint8)))
    assert_error(
        cli("render", "--text", "Hola", "--avatar", str(noise), data_dir=data_dir), 2, "no face"
    )
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_claiming(30000, 30000))
    assert_error(
        cli("render", "--text", "Hola", "--avatar", str(bomb), data_dir=data_dir), 2, "megapixel"
    )


def test_nothing_is_left_at_out_after_a_failure(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.mp4"
    proc = cli("render", "--text", "Hola", "--avatar", "nobody", "--out", str(out),
               data_dir=data_dir)  # fmt: skip
    assert proc.returncode == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p != data_dir] == []  # no temp files either


def test_photo_avatar_from_a_path(data_dir: Path, tmp_path: Path) -> None:
    photo = tmp_path / "me.jpg"
    photo.write_bytes(encode(synthetic_face(400), "JPEG", quality=90))
    proc = cli("render", "--text", "Hola.", "--size", "256", "--avatar", str(photo), "--json",
               data_dir=data_dir)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["avatar"] == str(photo)


def test_usage_errors_are_one_line(data_dir: Path) -> None:
    proc = cli("render", data_dir=data_dir)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_usage_errors_name_the_program_once(data_dir: Path) -> None:
    """The hint after a usage error is a command that works: no "python -m core core"."""
    top = cli("core", data_dir=data_dir)
    assert_error(top, 2, "invalid choice: 'core'")
    assert top.stderr.strip().endswith("(see python -m core --help)"), top.stderr
    sub = cli("render", "--size", "big", data_dir=data_dir)
    assert sub.stderr.strip().endswith("(see python -m core render --help)"), sub.stderr
