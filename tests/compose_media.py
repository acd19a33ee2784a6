"""Media for composition tests, made inside the tests: PDFs, images, music, synthetic clips."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

from core.engines.base import Clip
from core.subtitles import TimedWord

SLIDE_COLOURS = [(220, 40, 40), (30, 160, 70), (40, 70, 210), (230, 180, 20)]
SR = 16000


def slide_images(n: int = 3, size: tuple[int, int] = (640, 360)) -> list[Image.Image]:
    """Distinct slides: a coloured block and some "text" bars on white, different per page."""
    pages = []
    for i in range(n):
        im = Image.new("RGB", size, (250, 250, 250))
        d = ImageDraw.Draw(im)
        w, h = size
        d.rectangle((w // 10, h // 8, w // 10 + w * (i + 2) // 10, h // 3), fill=(20, 20, 30))
        for k in range(3):
            y = h // 2 + k * h // 10
            d.rectangle((w // 10, y, w // 2 - k * w // 20, y + h // 30), fill=(70, 70, 80))
        d.rectangle((int(w * 0.62), int(h * 0.45), int(w * 0.9), int(h * 0.85)),
                    fill=SLIDE_COLOURS[i % 4])  # fmt: skip
        pages.append(im)
    return pages


def write_pdf(path: Path, n: int = 3) -> Path:
    pages = slide_images(n)
    pages[0].save(path, save_all=True, append_images=pages[1:])
    return path


def write_encrypted_pdf(path: Path, n: int = 1, password: str = "secreto") -> Path:
    """A deck that opens only with ``password`` (AES-256, as PowerPoint and Acrobat do)."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    plain = BytesIO()
    pages = slide_images(n)
    pages[0].save(plain, format="PDF", save_all=True, append_images=pages[1:])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password=password + "!", algorithm="AES-256")
    with path.open("wb") as f:
        writer.write(f)
    return path


def write_images(folder: Path, n: int = 3) -> list[Path]:
    paths = []
    for i, im in enumerate(slide_images(n)):
        paths.append(folder / f"slide{i + 1}.png")
        im.save(paths[-1])
    return paths


def write_wav(path: Path, samples: np.ndarray, rate: int = SR) -> Path:
    """A mono 16-bit WAV through PyAV."""
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate)
        stream.layout = "mono"
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        frame.pts, frame.time_base = 0, Fraction(1, rate)
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def tone(freq: float, seconds: float, level: float = 0.5, rate: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def synthetic_clip(
    words: list[tuple[str, float, float]],
    seconds: float,
    canvas: tuple[int, int] | None = (240, 240),
    has_alpha: bool = False,
    audio: np.ndarray | None = None,
) -> Clip:
    """A presenter whose "mouth" (a dark bar in the lower middle) opens while a word is said."""
    n = round(seconds * 25)
    width, height = canvas or (0, 0)
    spoken = [TimedWord(t, a, b) for t, a, b in words]

    def frames():
        for i in range(n):
            t = i / 25
            talking = any(w.start <= t < w.end for w in spoken)
            img = np.zeros((height, width, 4 if has_alpha else 3), np.uint8)
            img[..., :3] = (200, 150, 120)
            if has_alpha:
                img[..., 3] = 0
                cv_y0, cv_y1 = height // 6, height
                img[cv_y0:cv_y1, width // 5 : width - width // 5, 3] = 255
            mouth = slice(height * 11 // 20, height * (15 if talking else 12) // 20)
            img[mouth, width * 2 // 5 : width * 3 // 5, :3] = (40, 10, 10)
            yield img

    if audio is None:
        audio = np.zeros(int(seconds * SR), np.float32)
        for _, a, b in words:
            i, j = min(int(a * SR), len(audio)), min(int(b * SR), len(audio))
            audio[i:j] = tone(180, (j - i + 1) / SR, 0.4)[: j - i]
    still = next(iter(frames())) if canvas else None
    return Clip(
        fps=25,
        n_frames=n,
        width=width,
        height=height,
        audio=audio,
        sample_rate=SR,
        words=spoken,
        frames=frames if canvas else None,
        face_box=(width // 4, height // 4, width // 2, height // 2),
        has_alpha=has_alpha,
        still=still,
    )


def decode(path: Path) -> tuple[list[np.ndarray], np.ndarray, int]:
    """Every frame (RGB), the audio (mono float32) and its rate."""
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    with av.open(str(path)) as c:
        rate = c.streams.audio[0].rate
        pcm = [f.to_ndarray().reshape(-1) for f in c.decode(audio=0)]
    return frames, np.concatenate(pcm).astype(np.float32), rate


def png_bytes(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()
