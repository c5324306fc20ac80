"""Downloads of document versions, and their preview images.

Every response is ``nosniff`` and sandboxed by CSP; only types that cannot run script are shown
inline (``?inline=1``), everything else is an attachment whatever was asked.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from backend.documents.content import INLINE_SAFE_TYPES
from backend.http.auth import require_principal
from backend.runtime import Runtime

__all__ = ["content_disposition", "file_routes"]

FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name (``filename*``)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@get("/files/{version_id:str}")
async def download_version(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    version_id: FromPath[str],
    inline: FromQuery[bool] = False,
) -> Response[bytes]:
    principal = await require_principal(request, runtime)
    version, data = await runtime.services().documents.content(principal, version_id)
    kind = "inline" if inline and version.mime_type in INLINE_SAFE_TYPES else "attachment"
    return Response(
        data,
        media_type=version.mime_type,
        headers={
            "Content-Disposition": content_disposition(kind, version.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": FILE_CSP,
            "Cache-Control": "private, max-age=31536000, immutable",
            "ETag": f'"{version.sha256}"',
        },
    )


@get("/renditions/{rendition_id:str}")
async def show_rendition(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    rendition_id: FromPath[str],
) -> Response[bytes]:
    """A preview image of a version (WebP made by Dossier, safe to show inline); reading the
    document is enough, and no audit event is written for thumbnails in lists."""
    principal = await require_principal(request, runtime)
    rendition, data = await runtime.services().documents.rendition(principal, rendition_id)
    return Response(
        data,
        media_type=rendition.mime_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": FILE_CSP,
            "Cache-Control": "private, max-age=31536000, immutable",
            "ETag": f'"{rendition.sha256}"',
        },
    )


@get("/renditions/versions/{version_id:str}/pages/{page:int}")
async def show_page(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    version_id: FromPath[str],
    page: FromPath[int],
) -> Response[bytes]:
    """Page ``page`` of a PDF (or converted office) version as a WebP image, rendered on demand
    if the preview job did not (docs/adr/0020); as for renditions, reading the document is
    enough. Refusals answer 422 with a stable code (``page_out_of_range``, ``pdf_too_complex``
    …)."""
    principal = await require_principal(request, runtime)
    rendition, data = await runtime.services().pages.render(principal, version_id, page)
    return Response(
        data,
        media_type=rendition.mime_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": FILE_CSP,
            "Cache-Control": "private, max-age=31536000, immutable",
            "ETag": f'"{rendition.sha256}"',
        },
    )


file_routes = [download_version, show_rendition, show_page]
