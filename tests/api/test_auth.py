"""Sign-in, sessions, CSRF and API tokens over real HTTP."""

from __future__ import annotations

import httpx

from backend.runtime import Runtime
from tests.api.conftest import PASSWORD, browser, sign_in
from tests.factories import FakeClock, make_tenant_context, make_user, runtime_with

ME = "{ me { email role actions } }"


async def test_sign_in_sets_a_hardened_cookie_and_returns_the_csrf_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ctx = await make_tenant_context(runtime)
    user, _ = await make_user(runtime, ctx.tenant, password=PASSWORD)
    response = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "dossier_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    body = response.json()
    assert body["user"]["email"] == user.email
    assert len(body["csrfToken"]) >= 32
    session = await client.get("/auth/session")
    assert session.json()["csrfToken"] == body["csrfToken"]


async def test_wrong_password_and_unknown_user_look_the_same(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ctx = await make_tenant_context(runtime)
    user, _ = await make_user(runtime, ctx.tenant, password=PASSWORD)
    wrong = await client.post(
        "/auth/login", json={"email": user.email, "password": "nope-nope-nope"}
    )
    unknown = await client.post(
        "/auth/login", json={"email": "ghost@example.com", "password": PASSWORD}
    )
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_credentials"
    assert "set-cookie" not in wrong.headers


async def test_malformed_sign_in_bodies_get_stable_codes(client: httpx.AsyncClient) -> None:
    not_json = await client.post(
        "/auth/login", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert not_json.json()["error"]["code"] == "invalid"
    assert not_json.json()["error"]["issues"][0]["code"] == "invalid_json"
    missing = await client.post("/auth/login", json={"email": "a@b.example"})
    assert missing.status_code == 422
    assert missing.json()["error"]["issues"][0]["code"] == "invalid_value"
    extra = await client.post(
        "/auth/login", json={"email": "a@b.example", "password": "x", "admin": True}
    )
    assert extra.json()["error"]["issues"][0]["code"] == "invalid_value"


async def test_graphql_without_a_session_is_unauthenticated(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": ME})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "unauthenticated"


async def test_cookie_borne_writes_need_the_csrf_token(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    api = await sign_in(client, await make_tenant_context(runtime))
    without = await client.post("/graphql", json={"query": ME})
    wrong = await client.post("/graphql", json={"query": ME}, headers={"X-CSRF-Token": "forged"})
    for response in (without, wrong):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_failed"
    me = await api.data(ME)
    assert me["me"]["email"] == api.email
    assert "write" in me["me"]["actions"]


async def test_sign_out_ends_the_session(client: httpx.AsyncClient, runtime: Runtime) -> None:
    api = await sign_in(client, await make_tenant_context(runtime))
    refused = await client.post("/auth/logout")
    assert refused.status_code == 403
    done = await client.post("/auth/logout", headers={"X-CSRF-Token": api.csrf})
    assert done.status_code == 204
    after = await client.get("/auth/session")
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "unauthenticated"


async def test_an_expired_session_says_so(runtime: Runtime) -> None:
    clock = FakeClock()
    timed = runtime_with(runtime, clock=clock)
    async with browser(timed) as client:
        api = await sign_in(client, await make_tenant_context(timed))
        clock.advance(seconds=runtime.settings.security.session_ttl_seconds - 60)
        assert (await client.get("/auth/session")).status_code == 200  # use slides the expiry
        clock.advance(seconds=120)
        assert (await client.get("/auth/session")).status_code == 200
        clock.advance(seconds=runtime.settings.security.session_ttl_seconds + 1)
        expired = await client.get("/auth/session")
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "session_expired"
        body = await client.post("/graphql", json={"query": ME}, headers={"X-CSRF-Token": api.csrf})
        assert body.json()["errors"][0]["extensions"]["code"] == "session_expired"


async def test_api_tokens_need_no_csrf_and_bad_tokens_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ctx = await make_tenant_context(runtime)
    token = await runtime.services().accounts.issue_api_token(ctx.tenant.id, ctx.admin.id, "erp")
    ok = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    assert ok.json()["data"]["me"]["email"] == ctx.admin.email
    for header in (f"Bearer {token}x", "Basic abc", "Bearer "):
        refused = await client.post(
            "/graphql", json={"query": ME}, headers={"Authorization": header}
        )
        assert refused.json()["errors"][0]["extensions"]["code"] == "unauthenticated"
