"""The PWA at ``/``: the built files of ``pwa/dist``, and index.html for every client route.

Caching: files under ``/assets/`` carry a content hash in their name and are cached for a year as
``immutable``; index.html, the service worker and the manifest are ``no-cache`` (revalidated with
their ETag), so a deployment reaches every browser on its next start. Everything else (icons) is
cached for a day. Server paths (``/graphql``, ``/auth``, ``/files``, …) never fall back to the app:
an unknown one is a JSON 404 like any other.

Every answer carries a strict Content-Security-Policy: scripts, styles and connections only from
this origin, no inline script (the build emits none), no framing. The one exception is the map's
tile server (docs/adr/0022): its origin may serve images and answer the service worker's fetches.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

__all__ = ["PWA_CSP", "SERVER_PREFIXES", "pwa_csp", "pwa_router"]

PWA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def pwa_csp(tile_origin: str | None) -> str:
    """The policy with the tile server's origin allowed for images and connections."""
    if not tile_origin:
        return PWA_CSP
    return PWA_CSP.replace("img-src 'self'", f"img-src 'self' {tile_origin}", 1).replace(
        "connect-src 'self'", f"connect-src 'self' {tile_origin}", 1
    )


#: First path segments that belong to the server, never to the app.
SERVER_PREFIXES = frozenset(
    {"graphql", "auth", "files", "renditions", "health", "audit", "sync", "schema"}
)

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
_DAY = "public, max-age=86400"
_NEVER_STALE = frozenset({"index.html", "sw.js", "manifest.webmanifest"})
_COMPRESSIBLE = frozenset({".html", ".js", ".css", ".svg", ".webmanifest", ".json", ".txt"})
_TYPES = {
    ".js": "text/javascript",
    ".webmanifest": "application/manifest+json",
    ".mjs": "text/javascript",
}


@dataclass(frozen=True, slots=True)
class _File:
    data: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


@lru_cache(maxsize=256)
def _load(path: Path, mtime_ns: int) -> _File:
    """Read (and gzip) a file once per modification time."""
    data = path.read_bytes()
    media_type = (
        _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    if media_type.endswith(("+json", "/json", "+xml")):
        media_type += "; charset=utf-8"  # Litestar adds it to text/* itself
    gzipped = (
        gzip.compress(data, 9, mtime=0)
        if path.suffix in _COMPRESSIBLE and len(data) > 1024
        else None
    )
    return _File(data, gzipped, media_type, f'"{hashlib.sha256(data).hexdigest()[:32]}"')


def _cache_control(relative: str) -> str:
    if relative.startswith("assets/"):
        return IMMUTABLE
    if relative in _NEVER_STALE:
        return NO_CACHE
    return _DAY


def _send(request: Request[Any, Any, Any], root: Path, relative: str, csp: str) -> Response[bytes]:
    path = root / relative
    file = _load(path, path.stat().st_mtime_ns)
    headers = {
        "Cache-Control": _cache_control(relative),
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "ETag": file.etag,
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == file.etag:
        return Response(b"", status_code=304, headers=headers)
    body = file.data
    if file.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = file.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=file.media_type, headers=headers)


def _inside(root: Path, relative: str) -> Path | None:
    """The file ``relative`` names under ``root``, or None (missing, a folder, or outside)."""
    candidate = (root / relative).resolve()
    try:
        candidate.relative_to(root)
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def pwa_router(pwa_dir: Path, csp: str = PWA_CSP) -> Router:
    """Routes for the app; registered after the API, whose exact paths take precedence."""
    root = pwa_dir.resolve()

    def serve(request: Request[Any, Any, Any], path: str) -> Response[bytes]:
        relative = path.strip("/")
        if relative.split("/", 1)[0] in SERVER_PREFIXES:
            raise NotFoundException(f"no route {request.url.path}")
        if not (root / "index.html").is_file():
            raise NotFoundException("app_not_built: run `./dev run` (npm ci && vite build in pwa/)")
        found = _inside(root, relative) if relative else None
        if found is not None:
            return _send(request, root, found.relative_to(root).as_posix(), csp)
        if relative.startswith("assets/") or "." in relative.rsplit("/", 1)[-1]:
            raise NotFoundException(f"no file {request.url.path}")
        return _send(request, root, "index.html", csp)  # a client route: the app decides

    @get("/", include_in_schema=False, sync_to_thread=False)
    def app_root(request: Request[Any, Any, Any]) -> Response[bytes]:
        return serve(request, "")

    @get("/{path:path}", include_in_schema=False, sync_to_thread=False)
    def app_path(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[bytes]:
        return serve(request, path)

    return Router(path="/", route_handlers=[app_root, app_path])
