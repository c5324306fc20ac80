"""Who is calling: a browser session cookie or an API token, and CSRF for cookie-borne writes.

Cookie-authenticated requests that change state must carry ``X-CSRF-Token`` equal to the session's
token (returned at sign-in and by ``GET /auth/session``). A cross-site page can make the browser
send the cookie, but cannot read the token, and a custom header forces a CORS preflight.
API tokens (``Authorization: Bearer dsr_…``) are not sent by browsers on their own and need no CSRF.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency

from backend.access.policy import Principal
from backend.accounts.devices import Device, checked_key, device_id
from backend.errors import (
    CsrfRejected,
    DeviceRevoked,
    DossierError,
    SessionOfAnotherDevice,
    Unauthenticated,
    ValidationFailed,
)
from backend.runtime import Runtime

__all__ = ["SESSION_COOKIE", "Authentication", "auth_routes", "authenticate"]

SESSION_COOKIE = "dossier_session"
CSRF_HEADER = "x-csrf-token"
DEVICE_HEADER = "x-dossier-device"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Authentication:
    principal: Principal | None
    error: DossierError | None


async def authenticate(
    connection: ASGIConnection[Any, Any, Any, Any], runtime: Runtime
) -> Authentication:
    """Resolve the caller; raise CsrfRejected for a cookie-borne write without the right token."""
    accounts = runtime.services().accounts
    header = connection.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Authentication(None, Unauthenticated("use Authorization: Bearer <token>"))
        try:
            return Authentication(await accounts.principal_for_token(token.strip()), None)
        except Unauthenticated as exc:
            return Authentication(None, exc)
    cookie = connection.cookies.get(SESSION_COOKIE)
    if not cookie:
        return Authentication(None, None)
    try:
        session = await accounts.resolve_session(cookie)
    except DeviceRevoked:
        raise  # whatever the request was: the app must delete what it keeps (docs/adr/0027)
    except Unauthenticated as exc:
        return Authentication(None, exc)
    principal = session.principal
    key = connection.headers.get(DEVICE_HEADER)
    if key is not None:
        principal = await _on_device(connection, runtime, principal, cookie, key, session.device)
    method = connection.scope.get("method", "GET")
    if method not in _SAFE_METHODS and connection.headers.get(CSRF_HEADER) != principal.csrf_token:
        raise CsrfRejected()
    return Authentication(principal, None)


async def _on_device(
    connection: ASGIConnection[Any, Any, Any, Any],
    runtime: Runtime,
    principal: Principal,
    cookie: str,
    key: str,
    bound_to: Device | None,
) -> Principal:
    """Register the browser's device; a revoked one ends its session and raises
    ``device_revoked`` (401), whatever the request was (docs/adr/0027). The session is bound to
    the first device it is used from; another device presenting it gets
    ``session_device_mismatch`` (401)."""
    services = runtime.services()

    async def end_session() -> None:
        await services.accounts.sign_out(cookie, device="revoked device")

    if bound_to is not None:
        if bound_to.id != device_id(principal.user_id, checked_key(key)):
            raise SessionOfAnotherDevice()
        device = await services.devices.still_seen(bound_to)
    else:
        device = await services.devices.seen(
            principal, key, connection.headers.get("user-agent", ""), end_session
        )
        await services.accounts.bind_session(cookie, device.id)
    return dataclasses.replace(principal, device_id=device.id, device=device.label)


async def require_principal(request: Request[Any, Any, Any], runtime: Runtime) -> Principal:
    auth = await authenticate(request, runtime)
    if auth.principal is None:
        raise auth.error or Unauthenticated()
    return auth.principal


class SignInBody(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    password: str
    tenant: str | None = None


def _session_json(principal: Principal) -> dict[str, Any]:
    return {
        "user": {
            "id": principal.user_id,
            "email": principal.email,
            "displayName": principal.display_name,
            "role": principal.role.value,
            "tenantId": principal.tenant_id,
        },
        "csrfToken": principal.csrf_token,
    }


def _cookie(runtime: Runtime, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=runtime.settings.security.cookie_secure,
    )


@post("/auth/login", status_code=200)
async def sign_in(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Response[Any]:
    """Sign in with e-mail and password (and the tenant's slug when the e-mail is in several)."""
    try:
        body = msgspec.json.decode(await request.body(), type=SignInBody)
    except msgspec.ValidationError as exc:  # a subclass of DecodeError: test it first
        raise ValidationFailed.one("body", "invalid_value", str(exc)) from None
    except msgspec.DecodeError as exc:
        raise ValidationFailed.one("body", "invalid_json", str(exc)) from None
    accounts = runtime.services().accounts
    signed_in = await accounts.sign_in(body.tenant, body.email, body.password)
    principal = await accounts.principal_for_session(signed_in.token)
    return Response(
        _session_json(principal),
        cookies=[
            _cookie(runtime, signed_in.token, runtime.settings.security.session_max_age_seconds)
        ],
    )


@post("/auth/logout", status_code=204)
async def sign_out(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Response[None]:
    await require_principal(request, runtime)  # also checks CSRF
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await runtime.services().accounts.sign_out(token)
    return Response(None, status_code=204, cookies=[_cookie(runtime, "", 0)])


@get("/auth/session")
async def current_session(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> dict[str, Any]:
    """The signed-in user and CSRF token; 401 with ``session_expired`` after expiry."""
    return _session_json(await require_principal(request, runtime))


auth_routes = [sign_in, sign_out, current_session]
