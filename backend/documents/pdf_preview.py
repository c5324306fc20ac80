"""Previews of PDF files drawn by PDFium (pypdfium2): the thumbnail of page one, screen images of
the first pages, any later page on demand, and the size of every page.

These functions run in the isolated child process (:mod:`backend.documents.pdf_process`), never in
a worker. PDFium is not thread-safe: one lock serialises every call into it. A page is rendered
straight at the size of the screen rendition (:data:`SCREEN_SIDE`), whatever size it claims, so a
page of absurd dimensions costs no more memory than a normal one. Encrypted, corrupt and oversized
documents are refused with a stable reason and kept as uploaded.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import pypdfium2
from PIL import Image

from backend.documents.imaging import (
    ImagePreview,
    PreviewRefused,
    Rendition,
    RenditionKind,
    renditions_of,
)

__all__ = [
    "MAX_PAGES",
    "PDFIUM_LOCK",
    "PDF_TYPES",
    "SCREEN_SIDE",
    "open_pdf",
    "render_page",
    "render_pdf",
    "screen_size",
]

PDF_TYPES: Final = frozenset({"application/pdf"})
SCREEN_SIDE: Final = 1600
#: Most pages a PDF may have, counted from the page tree before anything is drawn.
MAX_PAGES: Final = 20_000
#: Every call into PDFium, from any module, holds this lock.
PDFIUM_LOCK = threading.Lock()


@contextmanager
def open_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> Iterator[pypdfium2.PdfDocument]:
    """The open document (closed on leaving), held under :data:`PDFIUM_LOCK`;
    ``PreviewRefused`` (``corrupt_pdf``, ``encrypted_pdf``, ``too_many_pages``) if it cannot be."""
    if not data:
        raise PreviewRefused("corrupt_pdf", "the file is empty")
    with PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            text = str(exc).lower()
            if "password" in text or "security" in text:
                raise PreviewRefused("encrypted_pdf", "the document needs a password") from exc
            raise PreviewRefused("corrupt_pdf", str(exc)) from exc
        except Exception as exc:  # PDFium on hostile input
            raise PreviewRefused("corrupt_pdf", f"{type(exc).__name__}: {exc}") from exc
        try:
            pages = len(document)
            if pages < 1:
                raise PreviewRefused("corrupt_pdf", "the document has no pages")
            if pages > max_pages:
                raise PreviewRefused("too_many_pages", f"{pages} pages, at most {max_pages}")
            yield document
        finally:
            document.close()


def screen_size(width: float, height: float) -> tuple[int, int]:
    """Pixels of a page of ``width`` × ``height`` points drawn with its longer side at
    :data:`SCREEN_SIDE` (as PDFium rounds them)."""
    if not (width > 0 and height > 0):
        return (SCREEN_SIDE, SCREEN_SIDE)
    scale = SCREEN_SIDE / max(width, height)
    return (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale)))


def render_pdf(data: bytes, *, pages: int = 1, max_pages: int = MAX_PAGES) -> ImagePreview:
    """The thumbnail of page one, screen renditions of the first ``pages`` pages (each with its
    page number), the page count and every page's screen size."""
    with open_pdf(data, max_pages=max_pages) as document:
        count = len(document)
        sizes = tuple(_sizes(document))
        first = _render(document, 0)
        preview = renditions_of(first, count)
        renditions = list(preview.renditions)
        for index in range(1, min(pages, count)):
            renditions.append(_screen(_render(document, index), index + 1))
    return dataclasses.replace(preview, renditions=tuple(renditions), page_sizes=sizes)


def render_page(data: bytes, page: int, *, max_pages: int = MAX_PAGES) -> Rendition:
    """The screen rendition of page ``page`` (from 1); ``PreviewRefused``
    (``page_out_of_range``) for a page the document does not have."""
    with open_pdf(data, max_pages=max_pages) as document:
        if not 1 <= page <= len(document):
            raise PreviewRefused("page_out_of_range", f"page {page} of {len(document)}")
        image = _render(document, page - 1)
    return _screen(image, page)


SCREEN_ONLY: Final[tuple[RenditionKind, ...]] = ("screen",)


def _screen(image: Image.Image, page: int) -> Rendition:
    [screen] = renditions_of(image, 1, kinds=SCREEN_ONLY).renditions
    return dataclasses.replace(screen, page=page)


def _sizes(document: pypdfium2.PdfDocument) -> Iterator[tuple[int, int]]:
    for index in range(len(document)):
        try:
            width, height = document.get_page_size(index)
        except Exception:  # a damaged page object: the page shows square until drawn
            width = height = 0.0
        yield screen_size(width, height)


def _render(document: pypdfium2.PdfDocument, index: int) -> Image.Image:
    try:
        page = document[index]
        try:
            width, height = page.get_size()
            if not (width > 0 and height > 0):
                raise PreviewRefused("corrupt_pdf", f"page {index + 1} has no size")
            image: Image.Image = page.render(scale=SCREEN_SIDE / max(width, height)).to_pil()
            return image
        finally:
            page.close()
    except PreviewRefused:
        raise
    except Exception as exc:  # PDFium on hostile input: any failure means "no preview"
        raise PreviewRefused("corrupt_pdf", f"{type(exc).__name__}: {exc}") from exc
