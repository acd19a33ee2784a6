from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.library import Library
from tests.conftest import open_library
from tests.records import record

pytestmark = pytest.mark.usefixtures("backend")  # each test on SQLite and on PostgreSQL


def stage_video(library: Library) -> Path:
    staging = library.staging_dir()
    for name in ("video.mp4", "subtitles.srt", "subtitles.vtt", "thumbnail.jpg"):
        (staging / name).write_bytes(b"x")
    return staging


def test_add_list_search_and_delete_videos(data_dir: Path) -> None:
    library = open_library(data_dir)
    a = library.add_video(stage_video(library), record(title="Ciclo del agua", cache_key="k1"))
    library.add_video(stage_video(library), record(title="Fotosíntesis", engine="did"))
    assert a.complete() and a.folder == data_dir / "media" / a.id
    assert [v.title for v in library.list_videos(search="agua")] == ["Ciclo del agua"]
    assert [v.title for v in library.list_videos(engine="did")] == ["Fotosíntesis"]
    assert library.list_videos(search="100%_") == []  # LIKE wildcards are literal
    assert library.delete_video(a.id)
    assert not a.folder.exists() and library.get_video(a.id) is None


def test_a_failed_insert_leaves_no_folder(data_dir: Path) -> None:
    library = open_library(data_dir)
    first = library.add_video(stage_video(library), record(id="dup"))
    shutil.rmtree(first.folder)  # the row stays, so a second insert of "dup" must fail
    with pytest.raises(sa.exc.IntegrityError):
        library.add_video(stage_video(library), record(id="dup"))
    assert not (data_dir / "media" / "dup").exists()


def test_users_only_see_their_own_videos_and_photos(data_dir: Path) -> None:
    library = open_library(data_dir)
    library.add_video(stage_video(library), record(user="ana"))
    assert library.list_videos(user="leo") == []
    photo = library.add_photo(b"\xff\xd8jpeg", "me.jpg", user="ana")
    assert library.add_photo(b"\xff\xd8jpeg", "again.jpg", user="ana").id == photo.id
    assert library.list_photos("leo") == [] and library.get_photo(photo.id, "leo") is None
    assert library.delete_photo(photo.id, "ana") and not photo.path.exists()  # type: ignore[union-attr]


def test_two_users_uploading_the_same_photo_each_get_their_own(data_dir: Path) -> None:
    library = open_library(data_dir)
    ana = library.add_photo(b"\xff\xd8same", "me.jpg", user="ana")
    leo = library.add_photo(b"\xff\xd8same", "yo.jpg", user="leo")  # was an IntegrityError
    assert ana.id != leo.id and ana.path != leo.path
    assert [p.id for p in library.list_photos("leo")] == [leo.id]
    assert library.delete_photo(ana.id, "ana")
    assert leo.path is not None and leo.path.read_bytes() == b"\xff\xd8same"  # still there
    assert library.get_photo(leo.id, "leo") is not None


def test_presets_and_prefs_persist_across_instances(data_dir: Path) -> None:
    open_library(data_dir).save_preset("Clase", {"voice": "v1", "rate": 1.1})
    open_library(data_dir).set_pref("voice", "v2")
    again = open_library(data_dir)
    assert again.presets() == {"Clase": {"voice": "v1", "rate": 1.1}}
    assert again.get_pref("voice") == "v2" and again.get_pref("nope", 7) == 7


def test_the_library_is_shared_by_threads(data_dir: Path) -> None:
    library = open_library(data_dir)
    library.set_pref("k", 1)
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(library.get_pref("k")))
    thread.start()
    thread.join()
    assert seen == [1]


def test_clean_staging_removes_leftovers_of_dead_processes_only(data_dir: Path) -> None:
    import subprocess
    import sys

    library = open_library(data_dir)
    live = library.staging_dir()  # this process's render, beside a starting worker's
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = library.media_dir / f".staging-{gone.stdout.strip()}-0123456789abcdef"
    old_style = library.media_dir / ".staging-0123456789abcdef"  # before names had a pid
    for leftover in (dead, old_style):
        leftover.mkdir()
        (leftover / "video.mp4").write_bytes(b"half")
    library.clean_staging()
    assert live.exists() and not dead.exists() and not old_style.exists()


def test_search_ignores_case_and_finds_voice_and_presenter_names(data_dir: Path) -> None:
    library = open_library(data_dir)
    library.add_video(
        stage_video(library),
        record(title="Clase", settings={"voice_name": "Lucía", "avatar_name": "Profe Ana"}),
    )
    assert [v.title for v in library.list_videos(search="CLASE")] == ["Clase"]
    assert [v.title for v in library.list_videos(search="profe ana")] == ["Clase"]
    assert [v.title for v in library.list_videos(search="Lucía")] == ["Clase"]
    assert library.list_videos(search="nadie") == []
