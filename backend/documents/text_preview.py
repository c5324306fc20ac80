"""Previews of text files (plain text, CSV, JSON, XML, Markdown): their beginning as UTF-8 text.

The apps show text files as text. The preview is the first :data:`MAX_CHARS` characters, decoded
from UTF-8 (with or without a byte-order mark) or, failing that, from Windows-1252 (common for CSV
exports of older office software), with line ends made ``\\n``. Served as ``text/plain`` like
every rendition: nothing in a file can run in the browser.
"""

from __future__ import annotations

from typing import Final

from backend.documents.imaging import ImagePreview, PreviewRefused, Rendition

__all__ = ["MAX_CHARS", "TEXT_TYPES", "decode_text", "render_text"]

TEXT_TYPES: Final = frozenset(
    {
        "text/plain",
        "text/csv",
        "text/markdown",
        "text/xml",
        "application/xml",
        "application/json",
    }
)
MAX_CHARS: Final = 200_000


def decode_text(data: bytes, max_chars: int) -> str:
    """The first ``max_chars`` characters of a text file, with ``\\n`` line ends (see the module
    docstring); ``PreviewRefused("not_text")`` for binary content."""
    head = data[: max_chars * 4]  # enough bytes for max_chars characters in any UTF-8
    if b"\x00" in head:
        raise PreviewRefused("not_text", "binary content in a text file")
    try:
        text = head.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(data) > len(head):
            text = head[: exc.start].decode("utf-8-sig")  # a character cut at the end
        else:
            text = head.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")[:max_chars]


def render_text(data: bytes) -> ImagePreview:
    """The text preview; its ``page_count`` is the number of lines shown."""
    text = decode_text(data, MAX_CHARS)
    body = text.encode()
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    rendition = Rendition(
        kind="text", mime_type="text/plain; charset=utf-8", data=body, width=0, height=0
    )
    return ImagePreview(renditions=(rendition,), page_count=lines, width=0, height=0)
