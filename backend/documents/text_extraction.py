"""The text of a file, for search: a pure function of the bytes, the languages and the limits.

- **PDF**: each page's text layer; a page with none (a scan: fewer than 16 letters and digits)
  is rendered at 300 dpi and read by OCR. Both happen in child processes with the renderers'
  time and memory limits (:mod:`backend.documents.pdf_text_process`); a page that exceeds them
  is left out and noted (``pdf_too_complex``, ``pdf_render_timeout``), the rest is read.
- **Images** (JPEG, PNG, WebP, GIF, BMP, TIFF with all its pages, HEIC/HEIF): every page of a
  TIFF, the first frame of others (an animation's later frames are not pages), upright, by OCR;
  decoded with the checks and limits of the previews (:mod:`backend.documents.imaging`).
- **Text, CSV, JSON, XML, Markdown**: decoded as the text preview decodes them.

Pages are joined with a form feed (``\\f``). Limits (:class:`ExtractionLimits`): at most
``max_text_bytes`` of UTF-8 are kept and at most ``max_ocr_pages`` pages are read by OCR; what a
limit cut off is recorded in :attr:`Extracted.note`. A page that OCR fails on keeps its text layer
(if any) and the note says why; when nothing could be read at all, :class:`NoText` says why.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from PIL import Image

from backend.documents.imaging import (
    IMAGE_TYPES,
    OpenedImage,
    PreviewRefused,
    check_frame,
    eight_bit_grey,
    open_image,
    refusing_hostile_input,
    upright,
)
from backend.documents.ocr import OcrFailed, ocr_image
from backend.documents.pdf_preview import PDF_TYPES
from backend.documents.pdf_text import OCR_MAX_PIXELS, has_text
from backend.documents.pdf_text_process import PAGE_FAILURES, IsolatedPdfText
from backend.documents.text_preview import TEXT_TYPES, decode_text

__all__ = [
    "EXTRACTABLE_TYPES",
    "Extracted",
    "ExtractionLimits",
    "NoText",
    "Ocr",
    "extract_text",
]

EXTRACTABLE_TYPES: Final = IMAGE_TYPES | PDF_TYPES | TEXT_TYPES
_PAGED_IMAGES: Final = frozenset({"image/tiff"})
PAGE_BREAK: Final = "\f"
#: Control characters other than tab, line feed and form feed (PostgreSQL refuses NUL in text).
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f]")

Ocr = Callable[[Image.Image, str, float], str]
"""Reads one page: ``(image, languages, timeout_seconds) -> text``; raises ``OcrFailed``."""


def _libc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to trim
        return None
    return trim


_malloc_trim = _libc_trim()


def _give_back_memory() -> None:
    """Return the memory of a page just read to the system. glibc keeps freed memory in the arena
    of the thread that used it, and the next page may be read by another thread: without this a
    worker's size would grow with every thread that ever read a large page (measured: twice)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _tesseract(image: Image.Image, languages: str, timeout_seconds: float) -> str:
    return ocr_image(image, languages, timeout_seconds=timeout_seconds)


@dataclass(frozen=True, slots=True)
class ExtractionLimits:
    max_text_bytes: int = 1_000_000
    """Most UTF-8 bytes of text kept per version; the rest is cut (note ``text_truncated``)."""
    max_ocr_pages: int = 50
    """Most pages read by OCR per version; later scanned pages are skipped (``ocr_page_limit``)."""
    ocr_timeout_seconds: float = 60.0
    """Longest OCR of one page; a slower page is given up (``ocr_timeout``)."""
    max_pixels: int = 50_000_000
    """Largest image (first frame, and every page of a TIFF) that is decoded at all."""
    max_frames: int = 500
    """Most frames an image may have."""
    max_pdf_pages: int = 20_000
    """Most pages a PDF may have."""
    pdf_timeout_seconds: float = 30.0
    """Longest reading or drawing of one PDF page (in a child process); a slower page is left
    out (``pdf_render_timeout``)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    source: str
    """``text`` (a text file), ``pdf_text`` (a PDF's text layer), ``ocr``, or ``pdf_text+ocr``."""
    language: str | None
    """The OCR languages used, if any page was read by OCR."""
    page_count: int | None
    """Pages of a PDF, frames of an image; None for text files."""
    ocr_pages: int = 0
    """Pages read by OCR."""
    note: str | None = None
    """What was left out: ``text_truncated``, ``ocr_page_limit``, ``ocr_timeout`` /
    ``ocr_failed`` for pages OCR gave up on, or ``pdf_too_complex`` / ``pdf_render_timeout`` for
    PDF pages beyond the reader's limits."""


class NoText(Exception):
    """No text could be had; ``reason`` is a stable code. ``permanent``: the file is the problem
    (corrupt, encrypted, unreadable by OCR), so trying again cannot help."""

    def __init__(self, reason: str, detail: str = "", *, permanent: bool = True) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.permanent = permanent


def extract_text(
    data: bytes,
    mime_type: str,
    *,
    languages: str,
    limits: ExtractionLimits | None = None,
    ocr: Ocr = _tesseract,
) -> Extracted:
    """The text of ``data`` (see the module docstring); ``NoText`` when there is none to have.

    Blocking (seconds per OCR page): run it in a worker thread. Thread-safe."""
    limits = limits or ExtractionLimits()
    try:
        return _extract(data, mime_type, languages, limits, ocr)
    finally:
        _give_back_memory()  # the last page's image is gone now too


def _extract(
    data: bytes, mime_type: str, languages: str, limits: ExtractionLimits, ocr: Ocr
) -> Extracted:
    try:
        if mime_type in TEXT_TYPES:
            pages = _Pages(limits.max_text_bytes)
            pages.add(decode_text(data, limits.max_text_bytes))
            return Extracted(pages.text, "text", None, None, note=pages.note())
        if mime_type in PDF_TYPES:
            return _pdf(data, languages, limits, ocr)
        if mime_type in IMAGE_TYPES:
            return _image(data, mime_type, languages, limits, ocr)
    except PreviewRefused as refused:
        raise NoText(refused.reason, refused.detail) from None
    raise NoText("no_text_for_type", mime_type)


class _Pages:
    """Page texts joined with form feeds, up to ``max_bytes`` of UTF-8."""

    def __init__(self, max_bytes: int) -> None:
        self._parts: list[str] = []
        self._room = max_bytes
        self.truncated = False
        self.skipped = False  # pages left out by the OCR page limit
        self.failures: list[str] = []  # OCR reasons of pages given up on

    @property
    def full(self) -> bool:
        return self.truncated

    @property
    def text(self) -> str:
        return PAGE_BREAK.join(self._parts).strip()

    def add(self, text: str) -> None:
        text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
        separator = 1 if self._parts else 0
        encoded = text.encode()
        if len(encoded) + separator > self._room:
            keep = max(0, self._room - separator)
            text = encoded[:keep].decode("utf-8", errors="ignore")
            self.truncated = True
        self._parts.append(text)
        self._room -= len(text.encode()) + separator

    def note(self) -> str | None:
        if self.truncated:
            return "text_truncated"
        if self.skipped:
            return "ocr_page_limit"
        return self.failures[0] if self.failures else None


def _pdf(data: bytes, languages: str, limits: ExtractionLimits, ocr: Ocr) -> Extracted:
    pages = _Pages(limits.max_text_bytes)
    layered = ocred = 0
    with IsolatedPdfText(
        data, max_pages=limits.max_pdf_pages, time_limit=limits.pdf_timeout_seconds
    ) as pdf:
        for index in range(pdf.page_count):
            layer = pdf.text_layer(index)
            failed = pdf.failures.get(index)
            if failed is not None:  # the page is beyond the limits: drawing it would be too
                pages.failures.append(failed)
            elif has_text(layer):
                layered += 1
                pages.add(layer)
            elif ocred >= limits.max_ocr_pages:
                pages.skipped = True
                pages.add(layer)
            else:
                ocred += 1
                pages.add(_ocr_page(pdf, index, languages, limits, ocr, pages, layer))
                _give_back_memory()
            if pages.full:
                break
        page_count = pdf.page_count
    if pages.failures and not layered and not pages.text:
        raise NoText(pages.failures[0], f"no page could be read ({len(pages.failures)} failed)")
    source = "pdf_text+ocr" if layered and ocred else "ocr" if ocred else "pdf_text"
    return Extracted(
        pages.text,
        source,
        languages if ocred else None,
        page_count,
        ocr_pages=ocred,
        note=pages.note(),
    )


def _ocr_page(
    pdf: IsolatedPdfText,
    index: int,
    languages: str,
    limits: ExtractionLimits,
    ocr: Ocr,
    pages: _Pages,
    layer: str,
) -> str:
    """Page ``index`` drawn (in a child process) and read by OCR; a page the child could not
    draw within its limits keeps its layer and the reason is noted."""
    try:
        image = pdf.render(index)
    except PreviewRefused as refused:
        if refused.reason not in PAGE_FAILURES:
            raise
        pages.failures.append(refused.reason)
        return layer
    return _read(image, languages, limits, ocr, pages, layer)


def _image(
    data: bytes, mime_type: str, languages: str, limits: ExtractionLimits, ocr: Ocr
) -> Extracted:
    pages = _Pages(limits.max_text_bytes)
    with refusing_hostile_input():
        opened = open_image(
            data, mime_type, max_pixels=limits.max_pixels, max_frames=limits.max_frames
        )
    ocred = 0
    # The frames of a TIFF are pages; those of a GIF, PNG or WebP are an animation's steps.
    pages_to_read = opened.page_count if mime_type in _PAGED_IMAGES else 1
    for index in range(pages_to_read):
        if ocred >= limits.max_ocr_pages:
            pages.skipped = True
            break
        with refusing_hostile_input():
            frame = _frame(opened, index, limits)
        ocred += 1
        pages.add(_read(frame, languages, limits, ocr, pages))
        del frame
        _give_back_memory()
        if pages.full:
            break
    if ocred and len(pages.failures) == ocred and not pages.text:
        raise NoText(pages.failures[0], f"OCR gave up on all {ocred} pages")
    return Extracted(
        pages.text, "ocr", languages, opened.page_count, ocr_pages=ocred, note=pages.note()
    )


def _read(
    image: Image.Image,
    languages: str,
    limits: ExtractionLimits,
    ocr: Ocr,
    pages: _Pages,
    fallback: str = "",
) -> str:
    """One page by OCR; on failure the page's ``fallback`` text, and the reason is noted.
    Missing OCR (not installed, no language data) fails the whole extraction, for a retry."""
    try:
        return ocr(image, languages, limits.ocr_timeout_seconds)
    except OcrFailed as failed:
        if failed.reason == "ocr_unavailable":
            raise NoText(failed.reason, failed.detail, permanent=False) from None
        pages.failures.append(failed.reason)
        return fallback


def _frame(opened: OpenedImage, index: int, limits: ExtractionLimits) -> Image.Image:
    """Frame ``index``, decoded in grey, upright, with at most ``OCR_MAX_PIXELS`` pixels."""
    image = opened.image
    if index:
        image.seek(index)
        check_frame(image, max_pixels=limits.max_pixels, max_bytes=300_000_000)
    width, height = image.size
    factor = min(1.0, (OCR_MAX_PIXELS / (width * height)) ** 0.5)
    target = (max(1, int(width * factor)), max(1, int(height * factor)))
    image.draft("L", target)  # a JPEG decodes in grey, reduced if it is larger than needed
    frame = _grey(image)
    if frame.width * frame.height > OCR_MAX_PIXELS:
        frame = frame.resize(target, Image.Resampling.BOX)
    return upright(frame, opened.orientation)


def _grey(image: Image.Image) -> Image.Image:
    """The current frame in 8-bit grey; transparent areas become white paper, not black."""
    if image.mode == "L":
        return image  # read, never changed: no copy
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        paper.alpha_composite(rgba)
        return paper.convert("L")
    if image.mode.startswith("I;16") or image.mode in {"I", "F"}:
        return eight_bit_grey(image)
    return image.convert("L")
