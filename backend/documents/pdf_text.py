"""The text of PDF files, page by page: the text layer, or the page as an image for OCR.

Runs inside the isolated reader's child process (:mod:`backend.documents.pdf_text_process`),
which is how every PDF text in Dossier is read; never in a worker.

PDFium is not thread-safe: every call into it holds :data:`~backend.documents.pdf_preview.
PDFIUM_LOCK`, and only for that call, so one worker's OCR (seconds per page, outside the lock)
never holds up another worker's PDF. A page is rendered in grey at :data:`OCR_DPI`, but never
with more than :data:`OCR_MAX_PIXELS` pixels or a side longer than Tesseract takes, whatever size
the page claims: one page costs at most about 20 MB, however large the document.
"""

from __future__ import annotations

import math
from types import TracebackType
from typing import Final

import pypdfium2
from PIL import Image

from backend.documents.imaging import PreviewRefused
from backend.documents.pdf_preview import PDFIUM_LOCK

__all__ = ["OCR_DPI", "OCR_MAX_PIXELS", "PdfText", "has_text"]

OCR_DPI: Final = 300
OCR_MAX_PIXELS: Final = 20_000_000
#: Tesseract refuses images with a side of 32,767 pixels or more.
_MAX_SIDE: Final = 30_000
#: A page whose text layer has fewer letters and digits than this is a scan (perhaps with a page
#: number or a stamp in its layer) and is read by OCR.
MIN_LAYER_CHARS: Final = 16


def has_text(layer: str) -> bool:
    """Whether a page's text layer holds real text, not just a page number or a stamp."""
    return sum(1 for char in layer if char.isalnum()) >= MIN_LAYER_CHARS


class PdfText:
    """An open PDF; use as a context manager. ``PreviewRefused`` (``corrupt_pdf``,
    ``encrypted_pdf``, ``too_many_pages``) when it cannot be read."""

    def __init__(self, data: bytes, *, max_pages: int = 20_000) -> None:
        if not data:
            raise PreviewRefused("corrupt_pdf", "the file is empty")
        with PDFIUM_LOCK:
            try:
                self._document = pypdfium2.PdfDocument(data)
            except pypdfium2.PdfiumError as exc:
                text = str(exc).lower()
                if "password" in text or "security" in text:
                    raise PreviewRefused("encrypted_pdf", "the document needs a password") from exc
                raise PreviewRefused("corrupt_pdf", str(exc)) from exc
            except Exception as exc:  # PDFium on hostile input
                raise PreviewRefused("corrupt_pdf", f"{type(exc).__name__}: {exc}") from exc
            self.page_count = len(self._document)
        if self.page_count < 1:
            self.close()
            raise PreviewRefused("corrupt_pdf", "the document has no pages")
        if self.page_count > max_pages:
            self.close()
            raise PreviewRefused("too_many_pages", f"{self.page_count} pages, at most {max_pages}")

    def __enter__(self) -> PdfText:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._document.close()

    def text_layer(self, index: int) -> str:
        """The text of page ``index`` as the PDF stores it; "" for a scan."""
        with PDFIUM_LOCK:
            try:
                page = self._document[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        return str(textpage.get_text_range())
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except Exception:  # a damaged text layer: the page is read by OCR instead
                return ""

    def render(self, index: int) -> Image.Image:
        """Page ``index`` as a grey image for OCR (see the module docstring for its size)."""
        with PDFIUM_LOCK:
            try:
                page = self._document[index]
                try:
                    width, height = page.get_size()
                    if not (width > 0 and height > 0):
                        raise PreviewRefused("corrupt_pdf", f"page {index + 1} has no size")
                    scale = _scale(width, height)
                    image: Image.Image = page.render(scale=scale, grayscale=True).to_pil()
                    return image if image.mode == "L" else image.convert("L")
                finally:
                    page.close()
            except PreviewRefused:
                raise
            except MemoryError:
                raise PreviewRefused(
                    "pdf_too_complex", f"page {index + 1} needs too much memory"
                ) from None
            except Exception as exc:  # PDFium on hostile input
                raise PreviewRefused("corrupt_pdf", f"{type(exc).__name__}: {exc}") from exc


def _scale(width: float, height: float) -> float:
    """Points to pixels: :data:`OCR_DPI`, reduced to stay within the pixel and side limits."""
    scale = OCR_DPI / 72
    scale = min(scale, math.sqrt(OCR_MAX_PIXELS / (width * height)))
    return min(scale, _MAX_SIDE / max(width, height))
