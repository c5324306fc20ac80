"""``/sync/blobs/{sha256}``: resumable, hash-verified uploads of content for offline clients
(docs/adr/0024).

- ``PUT`` with ``Content-Range: bytes FIRST-LAST/TOTAL`` takes one chunk (without the header, the
  whole content): ``202`` while incomplete, ``200`` once the blob is stored (also when it already
  was); ``409 upload_offset_mismatch`` when the chunk starts past what the server holds,
  ``422 hash_mismatch`` (what was received is discarded), ``422 invalid_range``,
  ``413 upload_too_large``.
- ``HEAD`` answers ``Upload-Offset`` (bytes held) and ``Upload-Length`` (the total), ``GET`` the
  same as JSON; ``404`` when the server holds nothing of it. A client resumes from the offset.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, head, put
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response as PlainResponse

from backend.blobs.ranges import parse_chunk
from backend.blobs.uploads import UploadStatus
from backend.errors import UploadOffsetMismatch
from backend.http.auth import require_principal
from backend.http.errors import error_body
from backend.runtime import Runtime

__all__ = ["BlobUploadStatus", "sync_blob_routes"]


class BlobUploadStatus(msgspec.Struct):
    """What the server holds of a blob."""

    sha256: str
    size: int
    received: int
    complete: bool


def _headers(status: UploadStatus) -> dict[str, str]:
    return {"Upload-Offset": str(status.received), "Upload-Length": str(status.size)}


def _answer(status: UploadStatus) -> Response[BlobUploadStatus]:
    body = BlobUploadStatus(status.sha256, status.size, status.received, status.complete)
    return Response(body, status_code=200 if status.complete else 202, headers=_headers(status))


@put("/sync/blobs/{sha256:str}", status_code=200)
async def put_blob_chunk(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], sha256: FromPath[str]
) -> Response[Any]:
    """One chunk of a blob (or all of it)."""
    principal = await require_principal(request, runtime)
    chunk = parse_chunk(request.headers.get("content-range"), await request.body())
    try:
        status = await runtime.services().uploads.put(principal, sha256, chunk)
    except UploadOffsetMismatch as mismatch:
        return Response(
            error_body(mismatch.code, mismatch.message, received=mismatch.received),
            status_code=409,
            headers={"Upload-Offset": str(mismatch.received)},
        )
    return _answer(status)


@get("/sync/blobs/{sha256:str}")
async def blob_upload_status(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], sha256: FromPath[str]
) -> Response[BlobUploadStatus]:
    """How much of the blob the server holds."""
    principal = await require_principal(request, runtime)
    status = await runtime.services().uploads.status(principal, sha256)
    return Response(
        BlobUploadStatus(status.sha256, status.size, status.received, status.complete),
        headers=_headers(status),
    )


@head("/sync/blobs/{sha256:str}")
async def blob_upload_offset(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], sha256: FromPath[str]
) -> PlainResponse[None]:
    """The upload's offset and length as headers, for resuming."""
    principal = await require_principal(request, runtime)
    status = await runtime.services().uploads.status(principal, sha256)
    return PlainResponse(None, headers=_headers(status))


sync_blob_routes = [put_blob_chunk, blob_upload_status, blob_upload_offset]
