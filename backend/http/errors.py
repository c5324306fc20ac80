"""Domain errors on the HTTP wire: one status per error family, a JSON body with the stable code.

{"error": {"code": "not_found", "message": "…", "issues": [...]}}
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from backend import errors as domain

__all__ = ["error_body", "exception_handlers", "plain_errors_as_json", "status_for"]

_STATUS: list[tuple[type[domain.DossierError], int]] = [
    (domain.UploadTooLarge, 413),
    (domain.DocumentDeleted, 410),
    (domain.NotFound, 404),
    (domain.ValidationFailed, 422),
    (domain.Conflict, 409),
    (domain.Unauthenticated, 401),
    (domain.Forbidden, 403),
    (domain.UploadRejected, 422),
    (domain.PageUnavailable, 422),
]

#: Stable codes for errors Litestar raises before our code runs.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "upload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def status_for(exc: domain.DossierError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _domain_handler(_: Request[Any, Any, Any], exc: domain.DossierError) -> Response[Any]:
    extra: dict[str, Any] = {}
    if isinstance(exc, domain.ValidationFailed):
        extra["issues"] = [
            {"field": i.field, "code": i.code, "message": i.message} for i in exc.issues
        ]
    return Response(error_body(exc.code, exc.message, **extra), status_code=status_for(exc))


def _http_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    code = _HTTP_CODES.get(status, "invalid_request" if status < 500 else "internal_error")
    message = exc.detail if status < 500 else "unexpected error"
    return Response(error_body(code, message), status_code=status, headers=exc.headers or None)


def _internal_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error")
    return Response(
        error_body("internal_error", "unexpected error"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


async def plain_errors_as_json(response: Response[Any]) -> Response[Any]:
    """Strawberry answers unparsable GraphQL requests with plain text; give them our envelope."""
    status = response.status_code or 200
    content = response.content
    if 400 <= status < 500 and isinstance(content, str | bytes):
        text = content.decode() if isinstance(content, bytes) else content
        code = _HTTP_CODES.get(status, "invalid_request")
        return Response(error_body(code, text), status_code=status)
    return response


exception_handlers: dict[Any, Any] = {
    domain.DossierError: _domain_handler,
    HTTPException: _http_handler,
    Exception: _internal_handler,
}
