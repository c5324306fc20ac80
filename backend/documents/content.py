"""Checks on uploaded content: file name hygiene and the real type of the bytes.

The type of a document is detected from its content (libmagic), never taken from the client. A name
whose extension promises another type than the content has is refused (``content_mismatch``): an
"invoice.pdf" that is really an executable never enters a dossier.
"""

from __future__ import annotations

import mimetypes
import unicodedata

import magic

from backend.errors import ContentMismatch, EmptyUpload, InvalidFilename, UploadTooLarge

__all__ = ["INLINE_SAFE_TYPES", "check_filename", "inspect_content", "sniff_mime"]

MAX_FILENAME_LENGTH = 255

#: Types a browser may show inline from our origin without risk (no script can run in them).
INLINE_SAFE_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"}
)

#: Detected types that count as a match for extensions whose registered type differs.
_EQUIVALENT: dict[str, frozenset[str]] = {
    "text/plain": frozenset(
        {"text/csv", "text/markdown", "application/json", "text/xml", "application/xml"}
    ),
    "application/json": frozenset({"application/json"}),
    "text/csv": frozenset({"text/csv"}),
    "text/xml": frozenset({"application/xml", "text/xml"}),
    "application/xml": frozenset({"application/xml", "text/xml"}),
    "text/html": frozenset({"text/html"}),
    "message/rfc822": frozenset({"message/rfc822"}),
    "application/zip": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
            "application/zip",
        }
    ),
    "text/rtf": frozenset({"application/rtf", "text/rtf"}),
    "image/heif": frozenset({"image/heic", "image/heif"}),
    "image/heic": frozenset({"image/heic", "image/heif"}),
}


def sniff_mime(data: bytes) -> str:
    return str(magic.from_buffer(data[:65536], mime=True))


def check_filename(filename: str) -> str:
    """Return the name normalised (NFC) or raise InvalidFilename. Paths are refused, not trimmed."""
    if not filename or not filename.strip():
        raise InvalidFilename("the file needs a name")
    if any(ch in filename for ch in "/\\") or filename in {".", ".."} or filename.startswith("."):
        raise InvalidFilename(f"the file name {filename!r} looks like a path")
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in filename):
        raise InvalidFilename("the file name is not valid UTF-8")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} for ch in filename):
        raise InvalidFilename("the file name contains control characters")
    name = unicodedata.normalize("NFC", filename.strip())
    if len(name) > MAX_FILENAME_LENGTH:
        raise InvalidFilename(f"the file name is longer than {MAX_FILENAME_LENGTH} characters")
    return name


def _allowed(detected: str, filename: str) -> bool:
    expected, _ = mimetypes.guess_type(filename, strict=False)
    if expected is None or expected == detected:
        return True
    if detected in _EQUIVALENT and expected in _EQUIVALENT[detected]:
        return True
    # Plain text files carry many extensions (.log, .ini, .csv …); text content under any text
    # extension is fine, but text never passes for a binary format such as .pdf or .png.
    return detected == "text/plain" and expected.startswith("text/")


def inspect_content(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """Validate an upload; return ``(normalised filename, detected MIME type)``."""
    name = check_filename(filename)
    if not data:
        raise EmptyUpload()
    if len(data) > max_bytes:
        raise UploadTooLarge(max_bytes)
    detected = sniff_mime(data)
    if not _allowed(detected, name):
        raise ContentMismatch(name, detected)
    return name, detected
