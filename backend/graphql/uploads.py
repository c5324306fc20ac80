"""Reading multipart uploads into domain content, with the size limit applied while reading."""

from __future__ import annotations

from typing import Any

from backend.documents.models import NewContent
from backend.errors import InvalidFilename, UploadTooLarge, ValidationFailed

__all__ = ["read_upload"]


async def read_upload(upload: Any, max_bytes: int) -> NewContent:
    """``upload`` is Litestar's UploadFile; anything else (e.g. a string variable) is refused."""
    if not hasattr(upload, "read") or not hasattr(upload, "filename"):
        raise ValidationFailed.one("file", "invalid_value", "must be a file part of the request")
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadTooLarge(max_bytes)
    filename = upload.filename
    if not isinstance(filename, str):
        raise InvalidFilename("the file needs a name")
    return NewContent(filename=filename, data=data)
