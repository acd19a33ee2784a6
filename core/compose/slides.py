"""Slides: the pages of a PDF (rendered with PDFium) or a list of images, one per scene.

The script is split into scenes at ``---`` lines (blank-line separated); scene *k* is spoken
while slide *k* is shown. Everything from outside is checked before any slow work, with
a message that names the limit: pages, megabytes, pixels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.cache import digest_bytes
from core.compose.pictures import contain
from core.errors import InputError

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PAGES = 60
MAX_PAGE_SIDE_PT = 14_400  # 200 inches: PDF's own limit for a page side
MAX_IMAGES = MAX_PAGES
PDF_MAGIC = b"%PDF-"
_MARKER = re.compile(r"(?:^|\n)[ \t]*-{3,}[ \t]*(?:\n|$)")


def split_scenes(text: str) -> list[str]:
    """The script's scenes: text between ``---`` lines, in order (empty scenes dropped)."""
    parts = [p.strip() for p in _MARKER.split(text)]
    return [p for p in parts if p] or [text.strip()]


def scene_parts(text: str) -> list[str]:
    """The text between ``---`` lines, in order, empty parts kept (one box per slide)."""
    return [p.strip() for p in _MARKER.split(text or "")]


def join_scenes(parts: list[str]) -> str:
    """Scenes back into one script, separated by ``---`` lines (trailing empties dropped)."""
    while parts and not parts[-1].strip():
        parts = parts[:-1]
    return "\n\n---\n\n".join(p.strip() for p in parts)


def thumbnails(path: str | Path, width: int = 200) -> list[bytes]:
    """PNG thumbnails of a deck's slides, ``width`` px wide (InputError for a bad deck)."""
    import cv2

    slides = open_slides([str(path)])
    try:
        pngs = []
        for k in range(slides.count):
            rgb = slides.render(k, width, width * 3)
            ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
            if ok:
                pngs.append(png.tobytes())
        return pngs
    finally:
        slides.close()


def spoken_text(scenes: list[str]) -> str:
    """What the presenter says: the scenes as paragraphs (a pause between them)."""
    return "\n\n".join(scenes)


@dataclass
class Slides:
    """A deck: ``count`` slides from one PDF or from images; rendered on demand."""

    kind: str  # "pdf" | "images"
    paths: tuple[Path, ...]
    count: int
    digests: tuple[str, ...]
    _pdf: object | None = field(default=None, repr=False)

    def render(self, index: int, width: int, height: int) -> np.ndarray:
        """Slide ``index`` as RGB, scaled to fit inside width×height (not stretched)."""
        if self.kind == "images":
            from core.engines.local.images import load_image

            picture = load_image(self.paths[index], name=self.paths[index].name)
            return np.ascontiguousarray(contain(picture, width, height)[0])
        import pypdfium2 as pdfium

        if self._pdf is None:
            self._pdf = pdfium.PdfDocument(str(self.paths[0]))
        page = self._pdf[index]  # type: ignore[index]
        pw, ph = page.get_size()
        scale = min(width / pw, height / ph)
        bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
        rgb = bitmap.to_numpy()[..., :3]
        return np.ascontiguousarray(contain(rgb, width, height)[0])

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()  # type: ignore[attr-defined]
            self._pdf = None


def open_slides(paths: tuple[str, ...] | list[str]) -> Slides:
    """Check a PDF or a list of images; raise InputError saying what to fix."""
    files = [Path(p).expanduser() for p in paths]
    for path in files:
        if not path.is_file():
            raise InputError("slides.missing_file", path=str(path))
    first = files[0].read_bytes()[:8] if files[0].stat().st_size else b""
    if len(files) == 1 and (first.startswith(PDF_MAGIC) or files[0].suffix.lower() == ".pdf"):
        return _open_pdf(files[0])
    if any(p.suffix.lower() == ".pdf" for p in files):
        raise InputError("slides.mixed")
    return _open_images(files)


def _open_pdf(path: Path) -> Slides:
    import pypdfium2 as pdfium

    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise InputError(
            "slides.pdf_too_big",
            name=path.name,
            mb=size / 1_048_576,
            limit_mb=MAX_PDF_BYTES // 1_048_576,
        )
    data = path.read_bytes()
    if not data.startswith(PDF_MAGIC):
        raise InputError("slides.not_pdf", name=path.name)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise InputError("slides.pdf_password", name=path.name) from err
        raise InputError("slides.pdf_damaged", name=path.name) from err
    try:
        pages = len(pdf)
        if pages == 0:
            raise InputError("slides.pdf_empty", name=path.name)
        if pages > MAX_PAGES:
            raise InputError("slides.too_many_pages", name=path.name, pages=pages, limit=MAX_PAGES)
        for i in range(pages):
            w, h = pdf[i].get_size()
            if not (0 < w <= MAX_PAGE_SIDE_PT and 0 < h <= MAX_PAGE_SIDE_PT):
                raise InputError(
                    "slides.page_too_big",
                    page=i + 1,
                    name=path.name,
                    width=round(w),
                    height=round(h),
                    limit=MAX_PAGE_SIDE_PT,
                    limit_px=MAX_PAGE_SIDE_PT * 96 // 72,
                )
    finally:
        pdf.close()
    return Slides("pdf", (path,), pages, (digest_bytes(data),))


def _open_images(files: list[Path]) -> Slides:
    from core.engines.local.images import load_image

    if len(files) > MAX_IMAGES:
        raise InputError("slides.too_many_images", count=len(files), limit=MAX_IMAGES)
    digests = []
    for path in files:
        data = path.read_bytes()
        load_image(data, name=f"Slide {path.name}")  # not an image, too big: InputError
        digests.append(digest_bytes(data))
    return Slides("images", tuple(files), len(files), tuple(digests))


def check_counts(scenes: int, slides: int) -> None:
    if scenes != slides:
        raise InputError("slides.count_mismatch", scenes=scenes, slides=slides)
