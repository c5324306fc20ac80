"""The Litestar application: GraphQL, sign-in, file downloads, health and the PWA, over one
runtime."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from typing import Any

from litestar import Litestar, get
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.connection import ASGIConnection
from litestar.di import Provide
from strawberry.litestar import make_graphql_controller

from backend.audit.schedule import checkpoint_periodically
from backend.graphql.context import Context
from backend.graphql.schema import build_schema
from backend.http.audit import audit_routes
from backend.http.auth import SESSION_COOKIE, auth_routes, authenticate
from backend.http.errors import exception_handlers, plain_errors_as_json
from backend.http.files import file_routes
from backend.http.pwa import pwa_csp, pwa_router
from backend.http.rendition_bundle import rendition_bundle_routes
from backend.http.sync_api import sync_routes
from backend.http.sync_blobs import sync_blob_routes
from backend.http.unsubscribe import unsubscribe_routes
from backend.jobs.registry import job_handlers
from backend.notifications.live import LIVE_CHANNEL
from backend.runtime import Runtime

__all__ = ["create_app", "freeze_startup_objects"]

#: Room for the multipart envelope and the other fields around the largest accepted file.
_MULTIPART_OVERHEAD = 1 << 20


#: Allocations between two young-generation collections (Python's default: 700). A request
#: keeps what it made alive until it answers (a push batch: 500 documents, their states and audit
#: lines), so at 700 each collection scans survivors and promotes them, to be scanned again
#: (docs/adr/0035).
GC_YOUNG_THRESHOLD = 10_000


def freeze_startup_objects() -> None:
    """Move everything alive after start-up (modules, schema, settings) out of the garbage
    collector's sight, so full collections during requests scan only request garbage; and
    collect the young generation less often (:data:`GC_YOUNG_THRESHOLD`)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def create_app(runtime: Runtime, *, own_runtime: bool = True) -> Litestar:
    """The application over ``runtime``; it starts and closes the runtime unless told it does not
    own it (tests share one runtime between many apps)."""
    settings = runtime.settings

    async def graphql_context(request: ASGIConnection[Any, Any, Any, Any]) -> Context:
        auth = await authenticate(request, runtime)
        signed_in = auth.principal is not None and auth.principal.via == "session"
        return Context(
            services=runtime.services(),
            settings=settings,
            principal_or_none=auth.principal,
            auth_error=auth.error,
            session_token=request.cookies.get(SESSION_COOKIE) if signed_in else None,
        )

    graphql = make_graphql_controller(
        build_schema(settings.limits, introspection=settings.is_development),
        path="/graphql",
        graphql_ide="graphiql" if settings.is_development else None,
        allow_queries_via_get=False,
        context_getter=graphql_context,
        multipart_uploads_enabled=True,
    )

    # Live updates (docs/adr/0019): PostgreSQL LISTEN on a connection of its own, so a change
    # made through any process reaches every server; in one embedded process, memory.
    channels = ChannelsPlugin(
        backend=AsyncPgChannelsBackend(dsn=settings.database.url)
        if settings.database.is_postgres
        else MemoryChannelsBackend(),
        channels=[LIVE_CHANNEL],
    )
    detach: list[Callable[[], None]] = []

    def attach_live_events() -> None:
        if not settings.database.is_postgres:
            detach.append(runtime.live.attach(lambda data: channels.publish(data, LIVE_CHANNEL)))

    def detach_live_events() -> None:
        while detach:
            detach.pop()()

    periodic: list[asyncio.Task[None]] = []
    workers: list[asyncio.Task[None]] = []
    stopping = asyncio.Event()

    async def start_background_work() -> None:
        """Periodic audit checkpoints, and the embedded job workers (docs/adr/0012)."""
        minutes = settings.security.audit_checkpoint_minutes
        if minutes:
            periodic.append(asyncio.create_task(checkpoint_periodically(runtime, minutes * 60)))
        handlers = job_handlers(runtime)
        for _ in range(settings.jobs.embedded_workers):
            workers.append(asyncio.create_task(runtime.worker(handlers).run_forever(stopping)))

    async def stop_background_work() -> None:
        """Workers finish the job in hand (an unfinished one is claimed again after its lease)."""
        stopping.set()
        for task in periodic:
            task.cancel()
        for task in periodic + workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @get("/health")
    async def health() -> dict[str, str]:
        await runtime.database.fetch("SELECT 1 AS ok")
        return {"status": "ok"}

    return Litestar(
        route_handlers=[
            graphql,
            health,
            *auth_routes,
            *file_routes,
            *rendition_bundle_routes,
            *audit_routes,
            *unsubscribe_routes,
            *sync_blob_routes,
            *sync_routes,
            pwa_router(settings.server.pwa_dir, pwa_csp(settings.tiles.origin)),
        ],
        dependencies={"runtime": Provide(lambda: runtime, sync_to_thread=False)},
        exception_handlers=exception_handlers,
        after_request=plain_errors_as_json,
        plugins=[channels],
        on_startup=[
            runtime.start,
            attach_live_events,
            start_background_work,
            freeze_startup_objects,
        ]
        if own_runtime
        else [attach_live_events, freeze_startup_objects],
        on_shutdown=[stop_background_work, detach_live_events, runtime.close]
        if own_runtime
        else [detach_live_events],
        request_max_body_size=settings.limits.max_upload_bytes + _MULTIPART_OVERHEAD,
        debug=False,
    )
