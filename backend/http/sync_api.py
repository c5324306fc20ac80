"""``POST /sync/pull`` and ``POST /sync/push``: the sync engine (:mod:`sync`) over the Piccolo
store (:mod:`backend.offline.store`), for the signed-in user on the device of
``X-Dossier-Device`` (docs/adr/0024; a browser's device is registered and named by
:mod:`backend.accounts.devices`, docs/adr/0027).

Bodies are the protocol's msgspec structs, so they are in the OpenAPI document. A whole request
that is refused answers :class:`sync.protocol.SyncError`: ``426 update_required`` (the client
keeps its outbox), ``422 invalid``, ``403 forbidden``.
"""

from __future__ import annotations

from typing import Any

from asyncpg.exceptions import DeadlockDetectedError
from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody

from backend.access.policy import Principal
from backend.http.auth import DEVICE_HEADER, require_principal
from backend.offline.store import PiccoloSyncStore
from backend.runtime import Runtime
from sync.codec import decode_pull, decode_push
from sync.errors import Code, SyncRefused
from sync.protocol import PullRequest, PullResponse, PushRequest, PushResponse, SyncError
from sync.pull import pull
from sync.push import push
from sync.store import Actor

__all__ = ["sync_routes"]

_ATTEMPTS = 3
_STATUS = {Code.UPDATE_REQUIRED: 426, Code.FORBIDDEN: 403}


def _refused(refused: SyncRefused) -> Response[SyncError]:
    return Response(
        SyncError(code=refused.code.value, message=refused.message),
        status_code=_STATUS.get(refused.code, 422),
    )


def _actor(request: Request[Any, Any, Any], principal: Principal) -> Actor:
    """A registered browser is named by the registry (docs/adr/0027: its header is a random
    key); a client the registry does not know (an API token) may name itself in the header."""
    if principal.device_id is not None:
        device = principal.device
    else:
        named = (request.headers.get(DEVICE_HEADER) or "").strip()[:255]
        device = named or principal.device
    return Actor(user_id=principal.user_id, display_name=principal.display_name, device=device)


async def _check_body(request: Request[Any, Any, Any]) -> Response[SyncError] | None:
    """Before the body is decoded into the structs: an old client hears ``update_required``
    (even when its message no longer fits them), a malformed body ``invalid``."""
    decode = decode_push if request.url.path.endswith("/push") else decode_pull
    try:
        decode(await request.body())
    except SyncRefused as refused:
        return _refused(refused)
    return None


def _refusal(_: Request[Any, Any, Any], refused: SyncRefused) -> Response[SyncError]:
    return _refused(refused)


_REFUSALS: dict[int, ResponseSpec] = {
    403: ResponseSpec(SyncError, description="forbidden: the client belongs to another user"),
    422: ResponseSpec(SyncError, description="invalid: the request does not fit the protocol"),
    426: ResponseSpec(SyncError, description="update_required: keep the outbox and update"),
}


@post(
    "/sync/pull",
    status_code=200,
    before_request=_check_body,
    exception_handlers={SyncRefused: _refusal},
    responses=_REFUSALS,
)
async def sync_pull(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], data: JSONBody[PullRequest]
) -> PullResponse:
    """Changes of each pinned dossier since its cursor (``evict`` when access or the lease
    ended), paginated with ``has_more``."""
    principal = await require_principal(request, runtime)
    store = PiccoloSyncStore(
        runtime.database, runtime.services(), principal, runtime.clock, writes=False
    )
    actor = _actor(request, principal)
    return await pull(store, actor, data, runtime.clock())


@post(
    "/sync/push",
    status_code=200,
    before_request=_check_body,
    exception_handlers={SyncRefused: _refusal},
    responses=_REFUSALS,
)
async def sync_push(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], data: JSONBody[PushRequest]
) -> PushResponse:
    """Apply a client's mutations in order, exactly once; a result per mutation."""
    principal = await require_principal(request, runtime)
    store = PiccoloSyncStore(runtime.database, runtime.services(), principal, runtime.clock)
    actor = _actor(request, principal)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return await push(store, actor, data, runtime.clock())
        except DeadlockDetectedError:
            # Two batches locked rows of one tenant in opposite orders; PostgreSQL rolled this
            # one back whole, so running it again applies it once.
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


sync_routes = [sync_pull, sync_push]
