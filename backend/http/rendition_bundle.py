"""``GET /renditions?ids=…``: many preview images in one answer, for a device that keeps the
thumbnails of a pinned dossier (docs/adr/0034). One request instead of one per image: one
sign-in check, one round trip, one pass through the page's service worker.

The body is a bundle: one line of JSON, a list of ``{"id", "type", "size", "sha256"}`` for the
renditions found, then their bytes one after the other in that order. A rendition the user may
not read, or that does not exist, is left out (as ``GET /renditions/{id}`` answers not found).
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from backend.errors import NotFound, ValidationFailed
from backend.http.auth import require_principal
from backend.http.files import FILE_CSP
from backend.runtime import Runtime

__all__ = ["BUNDLE_TYPE", "MAX_BUNDLE_IDS", "rendition_bundle_routes"]

MAX_BUNDLE_IDS = 200
BUNDLE_TYPE = "application/vnd.dossier.renditions"


@get("/renditions")
async def show_renditions(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    ids: FromQuery[str],
) -> Response[bytes]:
    """Up to 200 renditions, comma-separated ids; ``422 invalid`` for none or too many."""
    principal = await require_principal(request, runtime)
    wanted = list(dict.fromkeys(i for i in ids.split(",") if i))
    if not 0 < len(wanted) <= MAX_BUNDLE_IDS:
        raise ValidationFailed.one("ids", "count", f"1 to {MAX_BUNDLE_IDS} rendition ids")
    documents = runtime.services().documents
    index: list[dict[str, Any]] = []
    parts: list[bytes] = []
    for rendition_id in wanted:
        try:
            rendition, data = await documents.rendition(principal, rendition_id)
        except (NotFound, ValidationFailed):
            continue
        index.append(
            {
                "id": rendition_id,
                "type": rendition.mime_type,
                "size": len(data),
                "sha256": rendition.sha256,
            }
        )
        parts.append(data)
    head = json.dumps(index, separators=(",", ":")).encode() + b"\n"
    return Response(
        b"".join([head, *parts]),
        media_type=BUNDLE_TYPE,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": FILE_CSP,
            "Cache-Control": "private, no-store",
        },
    )


rendition_bundle_routes = [show_renditions]
