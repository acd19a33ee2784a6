"""MP4 encoding with PyAV: H.264 yuv420p + AAC, index at the front (faststart).

Frames arrive as RGB arrays; they are converted to YUV 4:2:0 with OpenCV (fast, and it
releases the GIL) so that a frame producer thread and the encoder overlap on two cores.
Audio is interleaved with the video one frame's worth at a time, and padded with silence
so picture and sound have the same length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from core.files import atomic_path

FPS = 25
PRESET = "veryfast"
CRF = 23


def to_i420(rgb: np.ndarray) -> np.ndarray:
    """RGB → planar YUV 4:2:0, the encoder's input. Cheap to run on the producer thread."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)


def video_frame(yuv: np.ndarray) -> av.VideoFrame:
    """An I420 array as the encoder's own frame (a copy)."""
    return av.VideoFrame.from_ndarray(yuv, format="yuv420p")


class FrameRing:
    """Encoder frames used in turn, so a stream of pictures needs no new frame each time.

    ``av.VideoFrame.from_ndarray`` allocates a fresh frame per picture (about a millisecond
    at 720p, mostly page faults), where copying into a frame that exists takes a twentieth
    of that. x264 copies each picture it is given before ``encode`` returns, so a frame can
    be filled again once the encoder is done with it: ``slots`` must exceed the number of
    frames that can be in flight between the filling thread and the encoder (the prefetch
    queue's depth, plus the one being encoded, plus the one being filled).
    """

    def __init__(self, width: int, height: int, slots: int) -> None:
        self.height = height
        self._frames = [av.VideoFrame(width, height, "yuv420p") for _ in range(slots)]
        self._planes = [[_plane(p, width >> bool(i), height >> bool(i))
                         for i, p in enumerate(f.planes)] for f in self._frames]  # fmt: skip
        self._next = 0

    def fill(self, yuv: np.ndarray) -> av.VideoFrame:
        """The next frame, holding a copy of the I420 array ``yuv``."""
        i = self._next
        self._next = (i + 1) % len(self._frames)
        h = self.height
        y, u, v = self._planes[i]
        flat = yuv.reshape(-1)
        n, q = y.size, u.size
        y[...] = yuv[:h]
        u[...] = flat[n : n + q].reshape(u.shape)
        v[...] = flat[n + q : n + 2 * q].reshape(v.shape)
        return self._frames[i]


def _plane(plane: av.video.plane.VideoPlane, width: int, height: int) -> np.ndarray:
    """A writable (height, width) view of a frame's plane (its rows may be padded)."""
    rows = np.frombuffer(plane, np.uint8).reshape(height, plane.line_size)
    return rows[:, :width]


class Mp4Writer:
    """Write frames and audio into ``path`` (a temp file; the caller renames it when done)."""

    def __init__(
        self, path: Path, width: int, height: int, sample_rate: int, fps: int = FPS
    ) -> None:
        if width % 2 or height % 2:
            raise ValueError("H.264 yuv420p needs even frame sides")
        self.width, self.height = width, height
        self.fps = fps
        self.sample_rate = sample_rate
        self._container = av.open(
            str(path), mode="w", format="mp4", container_options={"movflags": "+faststart"}
        )
        self._video = self._container.add_stream("libx264", rate=fps)
        self._video.width = width
        self._video.height = height
        self._video.pix_fmt = "yuv420p"
        self._video.codec_context.options = {"preset": PRESET, "crf": str(CRF)}
        self._audio = self._container.add_stream("aac", rate=sample_rate)
        self._audio.layout = "mono"
        # The "fast" AAC coder halves the audio's cost and is transparent for speech at 96k.
        self._audio.codec_context.options = {"b": "96k", "aac_coder": "fast"}
        self._frames = 0
        self._samples = 0
        self._audio_buf = np.zeros(0, dtype=np.float32)

    def write_frame(self, image: np.ndarray | av.VideoFrame) -> None:
        """``image`` is RGB (height, width, 3), I420 from ``to_i420``, or a ``video_frame``."""
        if isinstance(image, av.VideoFrame):
            frame = image
        else:
            frame = video_frame(image if image.ndim == 2 else to_i420(image))
        frame.pts = self._frames
        frame.time_base = Fraction(1, self.fps)
        self._container.mux(self._video.encode(frame))
        self._frames += 1

    def write_audio(self, samples: np.ndarray) -> None:
        samples = np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1)
        if samples.shape[1] == 0:
            return
        frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
        frame.sample_rate = self.sample_rate
        frame.pts = self._samples
        frame.time_base = Fraction(1, self.sample_rate)
        self._samples += samples.shape[1]
        self._container.mux(self._audio.encode(frame))

    def close(self) -> None:
        self._container.mux(self._video.encode(None))
        self._container.mux(self._audio.encode(None))
        self._container.close()

    def abort(self) -> None:
        self._container.close()


def encode_mp4(
    frames: Iterable[np.ndarray | av.VideoFrame],
    n_frames: int,
    audio: np.ndarray,
    sample_rate: int,
    out: Path,
    width: int,
    height: int,
    fps: int = FPS,
    on_frame: Callable[[int], None] | None = None,
) -> Path:
    """Encode ``n_frames`` frames (RGB, I420 or ``video_frame``s) and ``audio`` (padded to
    the same length).

    Written atomically: ``out`` appears only when the file is complete.
    """
    total_samples = round(n_frames * sample_rate / fps)
    audio = np.asarray(audio, dtype=np.float32)
    if len(audio) < total_samples:
        audio = np.concatenate([audio, np.zeros(total_samples - len(audio), np.float32)])
    audio = audio[:total_samples]
    with atomic_path(out) as tmp:
        writer = Mp4Writer(tmp, width, height, sample_rate, fps)
        try:
            done = 0
            written = 0  # audio samples handed to the encoder so far
            for i, image in enumerate(frames):
                if i >= n_frames:
                    break
                if i % fps == 0:  # audio a second at a time, ahead of the picture it goes with
                    end = min(total_samples, round((i + fps) * sample_rate / fps))
                    writer.write_audio(audio[written:end])
                    written = end
                writer.write_frame(image)
                done = i + 1
                if on_frame is not None:
                    on_frame(done)
            if done != n_frames:
                raise RuntimeError(f"expected {n_frames} frames, got {done}")
            writer.close()
        except BaseException:
            writer.abort()
            raise
    return out
