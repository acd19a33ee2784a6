"""The MP4 writer: streams, codecs, equal lengths, faststart, atomicity."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

from core.compose.encode import encode_mp4
from core.compose.prefetch import prefetch

SR = 22050


def frames(n: int, size: int) -> list[np.ndarray]:
    out = []
    for i in range(n):
        frame = np.full((size, size, 3), 40, np.uint8)
        frame[:, : (i * 7) % size] = (200, 120, 60)  # a moving edge
        out.append(frame)
    return out


def top_level_atoms(path: Path) -> list[str]:
    names, data, pos = [], path.read_bytes(), 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        names.append(kind.decode("latin-1"))
        if size < 8:
            break
        pos += size
    return names


def test_h264_aac_mp4_with_equal_lengths_and_index_first(tmp_path: Path) -> None:
    out = tmp_path / "v.mp4"
    tone = (0.3 * np.sin(np.linspace(0, 2 * np.pi * 440 * 1.7, int(SR * 1.7)))).astype(np.float32)
    encode_mp4(iter(frames(50, 256)), 50, tone, SR, out, 256, 256)
    with av.open(str(out)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert v.codec_context.name == "h264" and a.codec_context.name == "aac"
        assert v.codec_context.pix_fmt == "yuv420p"
        assert (v.codec_context.width, v.codec_context.height) == (256, 256)
        assert v.average_rate == 25
        decoded = [f for f in c.decode(video=0)]
        assert len(decoded) == 50
    with av.open(str(out)) as c:
        samples = sum(f.samples for f in c.decode(audio=0))
    # audio padded to the picture's 2.0 s (AAC adds at most one frame of priming)
    assert abs(samples / SR - 2.0) < 0.05
    atoms = top_level_atoms(out)
    assert atoms.index("moov") < atoms.index("mdat")  # faststart


def test_decoded_picture_matches_what_was_drawn(tmp_path: Path) -> None:
    out = tmp_path / "v.mp4"
    src = frames(10, 256)
    encode_mp4(iter(src), 10, np.zeros(SR, np.float32), SR, out, 256, 256)
    with av.open(str(out)) as c:
        got = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    err = np.abs(got[5].astype(int) - src[5].astype(int)).mean()
    assert err < 6


def test_a_failure_mid_way_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "v.mp4"

    def broken():
        yield from frames(5, 256)
        raise RuntimeError("presenter crashed")

    with pytest.raises(RuntimeError, match="presenter crashed"):
        encode_mp4(prefetch(broken()), 25, np.zeros(SR, np.float32), SR, out, 256, 256)
    assert list(tmp_path.iterdir()) == []


def test_too_few_frames_is_an_error_not_a_short_video(tmp_path: Path) -> None:
    out = tmp_path / "v.mp4"
    with pytest.raises(RuntimeError, match="expected 30 frames"):
        encode_mp4(iter(frames(3, 256)), 30, np.zeros(SR, np.float32), SR, out, 256, 256)
    assert not out.exists()


def test_prefetch_keeps_order_and_stops_early() -> None:
    assert list(prefetch(iter(range(100)), depth=3)) == list(range(100))
    produced: list[int] = []

    def gen():
        for i in range(1000):
            produced.append(i)
            yield i

    it = prefetch(gen(), depth=2)
    assert next(it) == 0
    it.close()
    assert len(produced) < 1000


def test_reused_frames_carry_each_picture_to_the_encoder(tmp_path: Path) -> None:
    """FrameRing hands x264 frames filled again and again, from a producer thread: every
    frame of the video is still its own picture (none overwritten by a later one while it
    waited), at a size whose chroma rows are padded (odd multiples of 16 px). Each picture
    carries its number as the grey level of a block, read back from the decoded video.
    (Not compared bit for bit: x264's threads make tiny differences between runs.)"""
    from core.compose.encode import FrameRing, to_i420

    width, height, n = 304, 176, 40
    pictures = []
    for i in range(n):
        picture = np.full((height, width, 3), 40, np.uint8)
        picture[16:160, 16:144] = 30 + 5 * i  # the picture's number
        picture[:, 160 + (i * 3) % 128 :] = (200, 120, 60)  # and something that moves
        pictures.append(picture)
    ring = FrameRing(width, height, slots=3 + 3)

    def filled():
        yuv = np.empty((height * 3 // 2, width), np.uint8)
        for picture in pictures:
            yuv[...] = to_i420(picture)
            yield ring.fill(yuv)  # the same array each time, as the compositor does
            yuv[...] = 0  # scribbled over as soon as the frame is handed on

    out = tmp_path / "ring.mp4"
    encode_mp4(prefetch(filled(), depth=3), n, np.zeros(SR * 2, np.float32), SR, out, width, height)
    with av.open(str(out)) as c:
        levels = [float(f.to_ndarray()[32:144, 32:128].mean()) for f in c.decode(video=0)]
    expected = [float(to_i420(p)[32:144, 32:128].mean()) for p in pictures]
    assert len(levels) == n
    assert all(abs(a - b) < 1.5 for a, b in zip(levels, expected, strict=True)), (levels, expected)
