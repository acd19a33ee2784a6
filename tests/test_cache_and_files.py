from __future__ import annotations

from pathlib import Path

import pytest

from core.cache import Cache, digest_bytes, make_key
from core.errors import InputError
from core.files import atomic_path, check_writable, write_text


def test_key_depends_on_every_part_and_not_on_order() -> None:
    base = make_key("render", "v1", text="hola", voice="a", size=512)
    assert base == make_key("render", "v1", size=512, voice="a", text="hola")
    assert base != make_key("render", "v1", text="hola ", voice="a", size=512)
    assert base != make_key("render", "v1", text="hola", voice="b", size=512)
    assert base != make_key("render", "v2", text="hola", voice="a", size=512)
    assert base.startswith("render:v1:")


def test_digest_identifies_image_bytes() -> None:
    assert digest_bytes(b"\x89PNG1") != digest_bytes(b"\x89PNG2")
    assert len(digest_bytes(b"")) == 64


def test_cache_round_trip_is_lazy_and_persistent(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cache = Cache(folder)
    assert not folder.exists()  # nothing created until used
    assert cache.get("k", "default") == "default"
    cache.set("k", {"video": "abc"})
    cache.close()
    assert Cache(folder).get("k") == {"video": "abc"}


def test_atomic_path_leaves_nothing_on_failure(tmp_path: Path) -> None:
    final = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError), atomic_path(final) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash")
    assert not final.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    final = tmp_path / "a.txt"
    write_text(final, "one")
    write_text(final, "two")
    assert final.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_check_writable_refuses_bad_targets(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        check_writable(tmp_path / "missing" / "x.mp4")
    with pytest.raises(InputError, match="is a folder"):
        check_writable(tmp_path)
    assert check_writable(tmp_path / "ok.mp4") == tmp_path / "ok.mp4"
