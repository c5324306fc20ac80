"""The device registry and remote wipe over real HTTP: a browser's ``X-Dossier-Device`` registers
it, its user or an administrator revokes it over GraphQL, and its next request (GraphQL or sync)
ends the session with ``device_revoked`` (both engines)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.accounts.devices import describe_user_agent, device_id
from backend.runtime import Runtime
from sync.protocol import PROTOCOL_VERSION
from tests.api.conftest import PASSWORD, Api, browser, sign_in
from tests.factories import make_tenant_context

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
DEVICES = "query($u: ID) { devices(userId: $u) { id userId name revokedAt current } }"
REVOKE = """mutation($id: ID!) { revokeDevice(deviceId: $id) {
  __typename ... on Device { id revokedAt } ... on Error { code message } } }"""


def on(key: str) -> dict[str, str]:
    return {"X-Dossier-Device": key, "User-Agent": PHONE_UA}


async def gql_on(api: Api, key: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    return await api.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"X-CSRF-Token": api.csrf, **on(key)},
    )


async def sign_in_again(client: httpx.AsyncClient, api: Api) -> Api:
    """The same user signed in on another browser: a session of its own."""
    response = await client.post("/auth/login", json={"email": api.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Api(client=client, csrf=response.json()["csrfToken"], ctx=api.ctx, email=api.email)


async def user_id(api: Api) -> str:
    return str((await api.data("{ me { id } }"))["me"]["id"])


async def test_a_request_registers_its_device_once(api: Api) -> None:
    key = uuid.uuid4().hex
    answers = [await gql_on(api, key, DEVICES) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    devices = answers[-1].json()["data"]["devices"]
    me = await user_id(api)
    assert devices == [
        {
            "id": device_id(me, key),
            "userId": me,
            "name": "Chrome on Android",
            "revokedAt": None,
            "current": True,
        }
    ]
    # Without the header the same list, but this request is not that device.
    listed = (await api.data(DEVICES))["devices"]
    assert [d["current"] for d in listed] == [False]


async def test_revoking_your_own_device_ends_its_session_with_device_revoked(
    runtime: Runtime,
) -> None:
    ctx = await make_tenant_context(runtime)
    async with browser(runtime) as phone_client, browser(runtime) as laptop_client:
        on_phone = await sign_in(phone_client, ctx, role="clerk")
        on_laptop = await sign_in_again(laptop_client, on_phone)
        phone, laptop = uuid.uuid4().hex, uuid.uuid4().hex
        await gql_on(on_phone, phone, "{ me { id } }")
        listed = (await gql_on(on_laptop, laptop, DEVICES)).json()["data"]["devices"]
        target = next(d["id"] for d in listed if not d["current"])
        answer = await gql_on(on_laptop, laptop, REVOKE, {"id": target})
        revoked = answer.json()["data"]["revokeDevice"]
        assert revoked["__typename"] == "Device"
        assert revoked["revokedAt"] is not None
        again = (await gql_on(on_laptop, laptop, REVOKE, {"id": target})).json()["data"]
        assert again["revokeDevice"]["revokedAt"] == revoked["revokedAt"]

        answer = await gql_on(on_phone, phone, "{ me { id } }")
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "device_revoked"
        # The session ended: the cookie no longer signs anything in, from any device.
        session = await on_phone.client.get("/auth/session")
        assert session.status_code == 401
        assert session.json()["error"]["code"] == "unauthenticated"
        # The laptop's session is another one and goes on.
        assert (await gql_on(on_laptop, laptop, "{ me { id } }")).status_code == 200


async def test_a_session_is_bound_to_the_first_device_it_is_used_from(api: Api) -> None:
    phone = uuid.uuid4().hex
    assert (await gql_on(api, phone, "{ me { id } }")).status_code == 200
    # The same cookie from another browser (a copied cookie) is refused, and nothing registers.
    copied = await gql_on(api, uuid.uuid4().hex, "{ me { id } }")
    assert copied.status_code == 401
    assert copied.json()["error"]["code"] == "session_device_mismatch"
    listed = (await gql_on(api, phone, DEVICES)).json()["data"]["devices"]
    assert [d["current"] for d in listed] == [True]


async def test_revoking_a_device_stops_its_copied_cookie_without_the_device_key(
    runtime: Runtime,
) -> None:
    ctx = await make_tenant_context(runtime)
    async with browser(runtime) as phone_client, browser(runtime) as admin_client:
        admin = await sign_in(admin_client, ctx)
        on_phone = await sign_in(phone_client, ctx, role="clerk")
        key = uuid.uuid4().hex
        await gql_on(on_phone, key, "{ me { id } }")
        # A copy of the cookie, sent without any device key, works until the device is revoked.
        assert (await on_phone.client.get("/auth/session")).status_code == 200
        target = device_id(await user_id(on_phone), key)
        assert (await admin.data(REVOKE, {"id": target}))["revokeDevice"]["__typename"] == "Device"
        refused = await on_phone.client.get("/auth/session")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "device_revoked"
        # The session ended with it.
        gone = await on_phone.client.get("/auth/session")
        assert gone.json()["error"]["code"] == "unauthenticated"


async def test_a_revoked_device_is_refused_by_sync_too(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    ctx = await make_tenant_context(runtime)
    api = await sign_in(client, ctx)
    key = uuid.uuid4().hex
    await gql_on(api, key, "{ me { id } }")
    target = device_id(await user_id(api), key)
    assert (await api.data(REVOKE, {"id": target}))["revokeDevice"]["__typename"] == "Device"
    pull = await api.client.post(
        "/sync/pull",
        json={"client_id": uuid.uuid4().hex, "protocol_version": PROTOCOL_VERSION, "cursors": {}},
        headers={"X-CSRF-Token": api.csrf, **on(key)},
    )
    assert pull.status_code == 401
    assert pull.json()["error"]["code"] == "device_revoked"
    assert (await api.client.get("/auth/session")).status_code == 401


async def test_an_admin_revokes_another_users_device_and_it_is_audited(
    runtime: Runtime,
) -> None:
    ctx = await make_tenant_context(runtime)
    async with browser(runtime) as admin_client, browser(runtime) as clerk_client:
        admin = await sign_in(admin_client, ctx)
        clerk = await sign_in(clerk_client, ctx, role="clerk")
        key = uuid.uuid4().hex
        await gql_on(clerk, key, "{ me { id } }")
        clerk_id = await user_id(clerk)
        listed = (await admin.data(DEVICES, {"u": clerk_id}))["devices"]
        assert [d["name"] for d in listed] == ["Chrome on Android"]
        result = (await admin.data(REVOKE, {"id": listed[0]["id"]}))["revokeDevice"]
        assert result["__typename"] == "Device"
        trail = await admin.data("{ auditTrail(first: 20) { items { action targetId details } } }")
        events = [e for e in trail["auditTrail"]["items"] if e["action"] == "device.revoke"]
        assert len(events) == 1
        assert events[0]["targetId"] == clerk_id
        answer = await gql_on(clerk, key, "{ me { id } }")
        assert answer.json()["error"]["code"] == "device_revoked"


async def test_bad_revocations_get_stable_codes_and_change_nothing(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    other = await make_tenant_context(runtime)
    async with (
        browser(runtime) as admin_client,
        browser(runtime) as clerk_client,
        browser(runtime) as sales_client,
        browser(runtime) as stranger_client,
    ):
        admin = await sign_in(admin_client, ctx)
        clerk = await sign_in(clerk_client, ctx, role="clerk")
        sales = await sign_in(sales_client, ctx, role="sales")
        stranger = await sign_in(stranger_client, other)
        clerk_key, stranger_key = uuid.uuid4().hex, uuid.uuid4().hex
        await gql_on(clerk, clerk_key, "{ me { id } }")
        await gql_on(stranger, stranger_key, "{ me { id } }")
        clerk_device = device_id(await user_id(clerk), clerk_key)
        stranger_device = device_id(await user_id(stranger), stranger_key)

        async def code(api: Api, ident: str) -> str:
            result = (await api.data(REVOKE, {"id": ident}))["revokeDevice"]
            return str(result["code"])

        assert await code(admin, str(uuid.uuid4())) == "not_found"
        assert await code(admin, "not-a-uuid") == "not_found"
        # Another tenant's device looks exactly like an unknown one, even to an administrator.
        assert await code(admin, stranger_device) == "not_found"
        # A colleague who is no administrator may not revoke someone else's device, nor list it.
        assert await code(sales, clerk_device) == "forbidden"
        listing = await sales.gql(DEVICES, {"u": await user_id(clerk)})
        assert listing["errors"][0]["extensions"]["code"] == "forbidden"

        # Nothing was revoked: both devices still work.
        assert (await gql_on(clerk, clerk_key, "{ me { id } }")).status_code == 200
        assert (await gql_on(stranger, stranger_key, "{ me { id } }")).status_code == 200
        assert (await clerk.data(DEVICES))["devices"][0]["revokedAt"] is None


async def test_an_unusable_device_key_is_refused(api: Api) -> None:
    response = await gql_on(api, "x" * 129, "{ me { id } }")
    assert response.status_code == 422
    issue = response.json()["error"]["issues"][0]
    assert (issue["field"], issue["code"]) == ("X-Dossier-Device", "invalid_device")
    assert (await api.data(DEVICES))["devices"] == []


def test_user_agents_are_named_plainly() -> None:
    assert describe_user_agent(PHONE_UA) == "Chrome on Android"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    assert describe_user_agent(iphone) == "Safari on iOS"
    assert describe_user_agent("curl/8.0") == "Unknown browser"
