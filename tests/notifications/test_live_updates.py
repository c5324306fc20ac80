"""Live updates over graphql-transport-ws on real servers (uvicorn in the test's event loop): an
upload through one server reaches a client connected to another (PostgreSQL LISTEN/NOTIFY), or to
the same one (SQLite, in memory); only clients who may read the document hear of it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from backend.access.policy import ScopeKind
from backend.http.app import create_app
from backend.http.auth import SESSION_COOKIE
from backend.notifications.wiring import notification_handlers
from backend.runtime import Runtime
from tests.api.test_documents_api import UPLOAD
from tests.factories import TenantContext, make_tenant_context, pdf_bytes

PASSWORD = "correct-horse-battery"
EVENTS = """subscription($c: ID) { documentEvents(customerId: $c) {
  event documentId customerId } }"""


@asynccontextmanager
async def serving(runtime: Runtime) -> AsyncIterator[str]:
    """A real HTTP server for the app over ``runtime``; yields its base URL."""
    config = uvicorn.Config(
        create_app(runtime, own_runtime=False),
        host="127.0.0.1",
        port=0,
        lifespan="on",
        ws="websockets-sansio",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, no event)
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def _session(address: str, ctx: TenantContext, role: str) -> tuple[httpx.AsyncClient, Any]:
    user, _ = await ctx.user(role, password=PASSWORD)
    client = httpx.AsyncClient(base_url=f"http://{address}")
    response = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrfToken"]
    return client, user


@asynccontextmanager
async def listening(
    address: str, client: httpx.AsyncClient, customer_id: str | None = None
) -> AsyncIterator[ClientConnection]:
    cookie = f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"
    async with connect(
        f"ws://{address}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"Cookie": cookie},
    ) as socket:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": EVENTS, "variables": {"c": customer_id}},
                }
            )
        )
        await asyncio.sleep(0.3)  # the subscription is listening before anything happens
        yield socket


async def _next(socket: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert message["type"] == "next", message
    return message["payload"]["data"]["documentEvents"]  # type: ignore[no-any-return]


async def _upload(client: httpx.AsyncClient, ctx: TenantContext, customer: str) -> str:
    variables = {
        "i": {
            "customerId": customer,
            "documentTypeId": ctx.types["invoice"].id,
            "title": "Invoice",
            "indexValues": {"invoice_number": "7", "amount": {"amount": 5, "currency": "EUR"}},
            "file": None,
        }
    }
    response = await client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": UPLOAD, "variables": variables}),
            "map": json.dumps({"0": ["variables.i.file"]}),
        },
        files={"0": ("invoice.pdf", pdf_bytes("live"), "application/pdf")},
    )
    body = response.json()
    assert "errors" not in body, body
    return str(body["data"]["uploadDocument"]["id"])


async def _run_jobs(runtime: Runtime) -> None:
    worker = runtime.worker(notification_handlers(runtime))
    while await worker.run_once() is not None:
        pass


async def test_an_upload_on_one_server_reaches_a_client_of_another(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    mine, other = await ctx.customer(), await ctx.customer()
    # On SQLite there is one process: both "servers" are the same one.
    async with (
        serving(runtime) as a,
        serving(runtime) if runtime.database.is_postgres else _same(a) as b,
    ):
        uploader, _ = await _session(a, ctx, "clerk")
        reader, _ = await _session(b, ctx, "viewer")
        outsider, outsider_user = await _session(b, ctx, "none")
        await ctx.grant(outsider_user, "viewer", ScopeKind.CUSTOMER, other.id)
        stranger, _ = await _session(b, await make_tenant_context(runtime), "admin")
        async with (
            listening(b, reader, mine.id) as follows_mine,
            listening(b, reader) as follows_all,
            listening(b, outsider) as outside,
            listening(b, stranger) as other_tenant,
            listening(b, stranger, mine.id) as other_tenant_probing,
        ):
            elsewhere = await _upload(uploader, ctx, other.id)
            document = await _upload(uploader, ctx, mine.id)
            await _run_jobs(runtime)
            got = await _next(follows_mine)
            assert got == {
                "event": "DOCUMENT_CREATED",
                "documentId": document,
                "customerId": mine.id,
            }
            seen = {(await _next(follows_all))["documentId"] for _ in range(2)}
            assert seen == {document, elsewhere}
            assert (await _next(outside))["documentId"] == elsewhere
            # Nothing else arrives: the outsider never hears of the other customer's invoice,
            # another tenant's admin hears nothing, even naming the customer's id.
            for socket in (follows_mine, outside, other_tenant, other_tenant_probing):
                try:
                    extra = await asyncio.wait_for(socket.recv(), 0.5)
                except TimeoutError:
                    continue
                raise AssertionError(f"unexpected {extra!r}")
        for client in (uploader, reader, outsider, stranger):
            await client.aclose()


@asynccontextmanager
async def _same(address: str) -> AsyncIterator[str]:
    yield address


async def test_a_session_that_ended_ends_its_stream_at_the_next_event(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    async with serving(runtime) as address:
        uploader, _ = await _session(address, ctx, "clerk")
        reader, _ = await _session(address, ctx, "viewer")
        async with listening(address, reader, customer.id) as socket:
            first = await _upload(uploader, ctx, customer.id)
            await _run_jobs(runtime)
            assert (await _next(socket))["documentId"] == first
            # Signed out elsewhere (another tab): the open socket hears nothing more, and ends.
            assert (await reader.post("/auth/logout")).status_code == 204
            await _upload(uploader, ctx, customer.id)
            await _run_jobs(runtime)
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert message == {"id": "1", "type": "complete"}, message
        for client in (uploader, reader):
            await client.aclose()
