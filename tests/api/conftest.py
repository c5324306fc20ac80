"""HTTP-level fixtures: the real Litestar app over the session's runtime, and signed-in clients."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio
from litestar import Litestar

from backend.http.app import create_app
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context, make_user

PASSWORD = "correct-horse-battery"


@dataclass
class Api:
    """A signed-in browser: the test client with the session cookie and its CSRF token."""

    client: httpx.AsyncClient
    csrf: str
    ctx: TenantContext
    email: str

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-CSRF-Token": self.csrf},
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.gql(query, variables)
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    async def upload(
        self,
        query: str,
        variables: dict[str, Any],
        file_path: str,
        filename: str,
        content: bytes,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """A GraphQL multipart request (graphql-multipart-request-spec) with one file."""
        response = await self.client.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": query, "variables": variables}),
                "map": json.dumps({"0": [file_path]}),
            },
            files={"0": (filename, content, content_type)},
            headers={"X-CSRF-Token": self.csrf},
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def app_for(runtime: Runtime) -> Litestar:
    return create_app(runtime, own_runtime=False)


def browser(runtime: Runtime) -> httpx.AsyncClient:
    """A client with its own cookie jar, running the app in this event loop (the database pool
    belongs to it)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_for(runtime)), base_url="http://testserver.local"
    )


async def sign_in(client: httpx.AsyncClient, ctx: TenantContext, role: str = "admin") -> Api:
    user, _ = await make_user(ctx.runtime, ctx.tenant, role=role, password=PASSWORD)
    response = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Api(client=client, csrf=response.json()["csrfToken"], ctx=ctx, email=user.email)


@pytest_asyncio.fixture(loop_scope="session")
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(runtime) as test_client:
        yield test_client


@pytest_asyncio.fixture(loop_scope="session")
async def api(client: httpx.AsyncClient, runtime: Runtime) -> Api:
    """An admin of a fresh tenant, signed in through the browser flow."""
    return await sign_in(client, await make_tenant_context(runtime))
