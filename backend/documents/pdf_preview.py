"""Previews of PDF files: the first page rendered by PDFium (pypdfium2), and the page count.

PDFium is not thread-safe: one lock serialises every call into it (rendering one page at 1600 px
takes tens of milliseconds). The page is rendered straight at the size of the screen rendition,
whatever size the page claims, so a page of absurd dimensions costs no more memory than a normal
one. Encrypted, corrupt and oversized documents are refused with a stable reason and kept as
uploaded.
"""

from __future__ import annotations

import threading
from typing import Final

import pypdfium2

from backend.documents.imaging import ImagePreview, PreviewRefused, renditions_of

__all__ = ["PDF_TYPES", "pdf_text", "render_pdf"]

PDF_TYPES: Final = frozenset({"application/pdf"})
SCREEN_SIDE: Final = 1600
_pdfium = threading.Lock()


def render_pdf(data: bytes, *, max_pages: int = 20_000) -> ImagePreview:
    """Thumbnail and screen renditions of page one, and the page count."""
    if not data:
        raise PreviewRefused("corrupt_pdf", "the file is empty")
    with _pdfium:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            text = str(exc).lower()
            if "password" in text or "security" in text:
                raise PreviewRefused("encrypted_pdf", "the document needs a password") from exc
            raise PreviewRefused("corrupt_pdf", str(exc)) from exc
        try:
            pages = len(document)
            if pages < 1:
                raise PreviewRefused("corrupt_pdf", "the document has no pages")
            if pages > max_pages:
                raise PreviewRefused("too_many_pages", f"{pages} pages, at most {max_pages}")
            page = document[0]
            try:
                width, height = page.get_size()
                if not (width > 0 and height > 0):
                    raise PreviewRefused("corrupt_pdf", "page one has no size")
                scale = SCREEN_SIDE / max(width, height)
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
        except PreviewRefused:
            raise
        except Exception as exc:  # PDFium on hostile input: any failure means "no preview"
            raise PreviewRefused("corrupt_pdf", f"{type(exc).__name__}: {exc}") from exc
        finally:
            document.close()
    return renditions_of(image, pages)


def pdf_text(data: bytes, *, max_pages: int = 2_000, max_chars: int = 5_000_000) -> tuple[str, int]:
    """The text layer of the first ``max_pages`` pages (pages separated by form feeds), at most
    ``max_chars`` characters, and the page count; ``PreviewRefused`` if PDFium cannot open it."""
    with _pdfium:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise PreviewRefused("corrupt_pdf", str(exc)) from exc
        try:
            pages = len(document)
            texts: list[str] = []
            size = 0
            for index in range(min(pages, max_pages)):
                page = document[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_range()
                    finally:
                        textpage.close()
                finally:
                    page.close()
                texts.append(text.replace("\r\n", "\n"))
                size += len(text)
                if size >= max_chars:
                    break
        except Exception as exc:  # PDFium on hostile input
            raise PreviewRefused("corrupt_pdf", f"{type(exc).__name__}: {exc}") from exc
        finally:
            document.close()
    return "\f".join(texts)[:max_chars], pages
