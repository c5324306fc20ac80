"""The text of PDF files read in child processes, page by page, with the renderers' limits.

A PDF whose page one is harmless can hide a page with millions of drawing operations or an
enormous image further on; reading its text layer or drawing it for OCR in a worker would let it
take the worker's memory or time. So :class:`IsolatedPdfText` reads through children
(``python -m backend.documents.pdf_text_process``) that limit their own address space
(:func:`~backend.documents.subprocesses.limit_own_memory`) and run
:class:`~backend.documents.pdf_text.PdfText`:

- ``text FIRST``: the page count, then each page's text layer from page FIRST on, one frame per
  page, as it is read. A page that takes longer than ``time_limit`` or brings its child down is
  recorded in :attr:`IsolatedPdfText.failures` (``pdf_render_timeout``, ``pdf_too_complex``) and
  reading goes on in a new child from the next page, so one hostile page costs only itself.
- ``ocr INDEX``: one page drawn in grey for OCR (at most 20 megapixels), in a child of its own.

Frames are a 4-byte big-endian length and a msgpack :class:`_Frame`. Blocking: call from a worker
thread. The parent holds one page's text or one page image at a time.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from types import TracebackType
from typing import Final

import msgspec
from PIL import Image

from backend.documents.imaging import PreviewRefused, RefusalReason
from backend.documents.pdf_preview import MAX_PAGES
from backend.documents.subprocesses import kill_group, limit_own_memory

__all__ = ["IsolatedPdfText", "read_pdf_text"]

_LENGTH: Final = 4
#: Failures that belong to one page (the rest of the document is read on); others refuse it all.
PAGE_FAILURES: Final = frozenset({"pdf_render_timeout", "pdf_too_complex", "corrupt_pdf"})


class _Frame(msgspec.Struct, omit_defaults=True):
    refused: RefusalReason | None = None
    detail: str = ""
    page_count: int = 0
    index: int = -1
    text: str = ""
    width: int = 0
    height: int = 0
    pixels: bytes = b""


class _Died(Exception):
    def __init__(self, reason: RefusalReason, detail: str) -> None:
        super().__init__(detail)
        self.reason: RefusalReason = reason
        self.detail = detail


class _Child:
    """One child process and the frames it writes; every read waits at most ``time_limit``."""

    def __init__(self, args: list[str], data: bytes, time_limit: float) -> None:
        self._limit = time_limit
        self._process = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
            [sys.executable, "-m", "backend.documents.pdf_text_process", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a kill reaches what it started
        )
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._out = self._process.stdout.fileno()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._out, selectors.EVENT_READ)
        self._buffer = bytearray()
        try:
            # The child reads all of stdin before it writes anything, so this cannot deadlock.
            self._process.stdin.write(data)
            self._process.stdin.close()
        except BrokenPipeError:
            pass  # it died reading; the first read says so

    def read(self) -> _Frame:
        deadline = time.monotonic() + self._limit
        header = self._exactly(_LENGTH, deadline)
        body = self._exactly(int.from_bytes(header, "big"), deadline)
        try:
            return msgspec.msgpack.decode(body, type=_Frame)
        except msgspec.DecodeError as exc:
            raise _Died("corrupt_pdf", "the reader gave no answer") from exc

    def _exactly(self, size: int, deadline: float) -> bytes:
        while len(self._buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                self.close()
                raise _Died("pdf_render_timeout", f"a page took more than {self._limit:g} s")
            chunk = os.read(self._out, 1 << 20)
            if not chunk:
                code = self._process.wait()
                self.close()
                # PDFium aborts when an allocation fails at the ceiling; a crash looks the same.
                raise _Died("pdf_too_complex", f"the reader stopped ({code})")
            self._buffer += chunk
        with memoryview(self._buffer) as view:
            out = bytes(view[:size])  # one copy, however large the page image
        del self._buffer[:size]
        return out

    def close(self) -> None:
        kill_group(self._process.pid)
        self._process.wait()
        self._selector.close()
        if self._process.stdout is not None:
            self._process.stdout.close()


class IsolatedPdfText:
    """An open PDF read through child processes; use as a context manager and read the pages in
    order. ``PreviewRefused`` (``corrupt_pdf``, ``encrypted_pdf``, ``too_many_pages``,
    ``pdf_render_timeout``, ``pdf_too_complex``) when not even the page count can be had."""

    def __init__(
        self, data: bytes, *, max_pages: int = MAX_PAGES, time_limit: float = 30.0
    ) -> None:
        if not data:
            raise PreviewRefused("corrupt_pdf", "the file is empty")
        self._data = data
        self._max_pages = max_pages
        self._limit = time_limit
        self.failures: dict[int, RefusalReason] = {}
        """Pages (by index) that could not be read, and why."""
        self._stream: _Child | None = None
        self._next = 0
        self.page_count = self._open(0)

    def __enter__(self) -> IsolatedPdfText:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _open(self, first: int) -> int:
        """Start reading text layers from page index ``first``; the page count."""
        self.close()
        self._stream = _Child(["text", str(first), str(self._max_pages)], self._data, self._limit)
        try:
            frame = self._stream.read()
        except _Died as died:
            self._stream = None
            raise PreviewRefused(died.reason, died.detail) from None
        if frame.refused is not None:
            self.close()
            raise PreviewRefused(frame.refused, frame.detail)
        self._next = first
        return frame.page_count

    def text_layer(self, index: int) -> str:
        """The text of page ``index`` as the PDF stores it; "" for a scan or a failed page."""
        while self._next <= index:
            try:
                if self._stream is None:
                    self._open(self._next)
                assert self._stream is not None
                frame = self._stream.read()
            except _Died as died:
                self._stream = None
                self.failures[self._next] = died.reason
                self._next += 1
                continue
            except PreviewRefused as refused:  # the restart failed: the pages left are lost
                self.failures.update(dict.fromkeys(range(self._next, index + 1), refused.reason))
                self._next = index + 1
                return ""
            self._next = frame.index + 1
            if frame.index == index:
                return frame.text
        return ""

    def render(self, index: int) -> Image.Image:
        """Page ``index`` as a grey image for OCR, drawn in a child of its own;
        ``PreviewRefused`` with the page's reason (also kept in :attr:`failures`)."""
        child = _Child(["ocr", str(index), str(self._max_pages)], self._data, self._limit)
        try:
            frame = child.read()
        except _Died as died:
            self.failures[index] = died.reason
            raise PreviewRefused(died.reason, died.detail) from None
        finally:
            child.close()
        if frame.refused is not None:
            self.failures[index] = frame.refused
            raise PreviewRefused(frame.refused, frame.detail)
        return Image.frombytes("L", (frame.width, frame.height), frame.pixels)


def read_pdf_text(
    data: bytes, *, time_limit: float = 30.0, max_chars: int = 5_000_000
) -> tuple[str, int]:
    """The text layer of every page (pages separated by form feeds), at most ``max_chars``
    characters, and the page count; ``PreviewRefused`` if the PDF cannot be opened."""
    texts: list[str] = []
    size = 0
    with IsolatedPdfText(data, time_limit=time_limit) as pdf:
        for index in range(pdf.page_count):
            text = pdf.text_layer(index).replace("\r\n", "\n")
            texts.append(text)
            size += len(text)
            if size >= max_chars:
                break
        return "\f".join(texts)[:max_chars], pdf.page_count


def _write(frame: _Frame) -> None:
    body = msgspec.msgpack.encode(frame)
    sys.stdout.buffer.write(len(body).to_bytes(_LENGTH, "big") + body)
    sys.stdout.buffer.flush()


def _child(mode: str, number: int, max_pages: int) -> None:
    limit_own_memory()
    from backend.documents.pdf_text import PdfText

    data = sys.stdin.buffer.read()
    try:
        with PdfText(data, max_pages=max_pages) as pdf:
            if mode == "ocr":
                image = pdf.render(number)
                _write(_Frame(width=image.width, height=image.height, pixels=image.tobytes()))
                return
            _write(_Frame(page_count=pdf.page_count))
            for index in range(number, pdf.page_count):
                _write(_Frame(index=index, text=pdf.text_layer(index)))
    except PreviewRefused as refused:
        _write(_Frame(refused=refused.reason, detail=refused.detail[:500]))
    except MemoryError:
        _write(_Frame(refused="pdf_too_complex", detail="reading needs too much memory"))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
