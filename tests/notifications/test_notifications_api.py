"""Notifications over GraphQL and the one-click unsubscribe route: CRUD of the user's own
subscriptions and devices, the VAPID public key, and bad input refused with stable codes."""

from __future__ import annotations

from typing import Any

from backend.notifications.unsubscribe import UnsubscribeToken, sign_unsubscribe
from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_tenant_context
from tests.push_service import Browser, unb64url

SUBSCRIBE = """mutation($i: SubscriptionInput!) { subscribe(input: $i) {
  __typename
  ... on NotificationSubscription { id targetKind targetId customerId events channels rhythm
    digestHour }
  ... on ValidationError { code issues { field code } }
} }"""
UPDATE = """mutation($id: ID!, $i: SubscriptionChangeInput!) { updateSubscription(id: $id, input: $i) {
  __typename ... on NotificationSubscription { channels rhythm digestHour }
  ... on Error { code }
} }"""
UNSUBSCRIBE = """mutation($id: ID!) { unsubscribe(id: $id) {
  __typename ... on Removed { id } ... on Error { code } } }"""
LIST = "{ notificationSubscriptions { id targetKind channels } }"
DEVICE = """mutation($i: PushDeviceInput!) { registerPushDevice(input: $i) {
  __typename ... on PushDevice { id name lastDeliveryAt }
  ... on ValidationError { code issues { field code } }
} }"""
PREFERENCES = """mutation($i: PreferencesInput!) { setNotificationPreferences(input: $i) {
  __typename ... on NotificationPreferences { timeZone quietStart quietEnd locale }
  ... on ValidationError { issues { field code } }
} }"""


def _codes(result: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((i["field"], i["code"]) for i in result["issues"])


async def _subscribe(api: Api, **fields: Any) -> dict[str, Any]:
    return (await api.data(SUBSCRIBE, {"i": fields}))["subscribe"]  # type: ignore[no-any-return]


async def test_subscriptions_are_managed_by_their_owner_alone(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    async with browser(runtime) as one, browser(runtime) as two:
        api, colleague = await sign_in(one, ctx, "sales"), await sign_in(two, ctx, "sales")
        created = await _subscribe(
            api,
            targetKind="REGISTER",
            targetId=ctx.registers["invoices"].id,
            customerId=customer.id,
            channels=["PUSH", "EMAIL"],
            rhythm="DIGEST",
            digestHour=18,
        )
        assert created["__typename"] == "NotificationSubscription"
        assert created["events"] == ["DOCUMENT_CREATED", "STATUS_CHANGED", "VERSION_ADDED"]
        assert (created["customerId"], created["rhythm"]) == (customer.id, "DIGEST")
        again = await _subscribe(
            api,
            targetKind="REGISTER",
            targetId=ctx.registers["invoices"].id,
            customerId=customer.id,
        )
        assert _codes(again) == [("targetId", "already_subscribed")]

        updated = (
            await api.data(
                UPDATE,
                {
                    "id": created["id"],
                    "i": {
                        "channels": ["EMAIL"],
                        "digestHour": 6,
                    },
                },
            )
        )["updateSubscription"]
        assert (updated["channels"], updated["rhythm"], updated["digestHour"]) == (
            ["EMAIL"],
            "INSTANT",
            6,
        )
        assert (await colleague.data(LIST))["notificationSubscriptions"] == []
        theirs = await colleague.data(UNSUBSCRIBE, {"id": created["id"]})
        assert theirs["unsubscribe"] == {"__typename": "NotFoundError", "code": "not_found"}
        mine = await api.data(UNSUBSCRIBE, {"id": created["id"]})
        assert mine["unsubscribe"] == {"__typename": "Removed", "id": created["id"]}
        assert (await api.data(LIST))["notificationSubscriptions"] == []


async def test_bad_subscriptions_are_refused_with_stable_codes(api: Api) -> None:
    ctx = api.ctx
    unknown = "00000000-0000-4000-8000-000000000000"
    cases = [
        ({"targetKind": "CUSTOMER", "targetId": unknown}, [("targetId", "unknown_customer")]),
        ({"targetKind": "REGISTER", "targetId": "nope"}, [("targetId", "unknown_register")]),
        (
            {"targetKind": "DOCUMENT_TYPE", "targetId": unknown, "digestHour": 24},
            [("digestHour", "out_of_range"), ("targetId", "unknown_document_type")],
        ),
        (
            {
                "targetKind": "DOCUMENT_TYPE",
                "targetId": ctx.types["order"].id,
                "customerId": unknown,
            },
            [("customerId", "not_allowed")],
        ),
        (
            {
                "targetKind": "DOCUMENT_TYPE",
                "targetId": ctx.types["order"].id,
                "channels": [],
                "events": [],
            },
            [("channels", "required"), ("events", "required")],
        ),
    ]
    for fields, expected in cases:
        result = await _subscribe(api, **fields)
        assert result["__typename"] == "ValidationError", fields
        assert (result["code"], _codes(result)) == ("invalid", expected), fields
    bad_enum = await api.gql(SUBSCRIBE, {"i": {"targetKind": "PLANET", "targetId": unknown}})
    assert bad_enum["errors"][0]["extensions"]["code"] == "invalid_query"
    view = await _subscribe(api, targetKind="VIEW", targetId=unknown)
    assert view["__typename"] == "ValidationError"
    assert _codes(view) == [("targetId", "unknown_view")]


async def test_devices_preferences_and_the_vapid_key(api: Api) -> None:
    key = (await api.data("{ vapidPublicKey }"))["vapidPublicKey"]
    point = unb64url(key)
    assert (len(point), point[0]) == (65, 4), "an uncompressed P-256 point"
    assert (await api.data("{ vapidPublicKey }"))["vapidPublicKey"] == key, "made once"

    phone = Browser("phone", "https://push.example.net/send/abc")
    fields = {"endpoint": phone.endpoint, "p256dh": phone.p256dh, "auth": phone.auth_b64}
    added = (await api.data(DEVICE, {"i": {**fields, "name": "Pixel"}}))["registerPushDevice"]
    assert (added["name"], added["lastDeliveryAt"]) == ("Pixel", None)
    again = (await api.data(DEVICE, {"i": {**fields, "name": "Pixel 9"}}))["registerPushDevice"]
    assert again["id"] == added["id"], "the same endpoint is the same device"
    bad = (
        await api.data(
            DEVICE,
            {"i": {"endpoint": "http://push.example.net/x", "p256dh": "AAAA", "auth": "AA"}},
        )
    )["registerPushDevice"]
    assert _codes(bad) == [
        ("auth", "invalid_key"),
        ("endpoint", "invalid_endpoint"),
        ("p256dh", "invalid_key"),
    ]
    renamed = await api.data(
        'mutation($id: ID!) { renamePushDevice(id: $id, name: "Work phone") { '
        "... on PushDevice { name } } }",
        {"id": added["id"]},
    )
    assert renamed["renamePushDevice"] == {"name": "Work phone"}
    devices = (await api.data("{ pushDevices { id name } }"))["pushDevices"]
    assert devices == [{"id": added["id"], "name": "Work phone"}]
    removed = await api.data(
        "mutation($id: ID!) { removePushDevice(id: $id) { __typename } }", {"id": added["id"]}
    )
    assert removed["removePushDevice"] == {"__typename": "Removed"}
    assert (await api.data("{ pushDevices { id } }"))["pushDevices"] == []

    # Never saved: defaults, in the user's own time zone once they have one.
    defaults = "{ notificationPreferences { timeZone saved } }"
    assert (await api.data(defaults))["notificationPreferences"] == {
        "timeZone": "UTC",
        "saved": False,
    }
    await api.data('mutation { setMyTimeZone(timeZone: "Europe/Berlin") { __typename } }')
    assert (await api.data(defaults))["notificationPreferences"] == {
        "timeZone": "Europe/Berlin",
        "saved": False,
    }
    quiet = {"timeZone": "Europe/Warsaw", "quietStart": "22:00", "quietEnd": "06:30"}
    saved = await api.data(PREFERENCES, {"i": {**quiet, "locale": "pl"}})
    assert saved["setNotificationPreferences"]["quietEnd"] == "06:30"
    wrong = await api.data(
        PREFERENCES, {"i": {"timeZone": "Mars/Olympus", "quietStart": "25:00", "locale": "fr"}}
    )
    assert _codes(wrong["setNotificationPreferences"]) == [
        ("locale", "invalid_value"),
        ("quietEnd", "required"),
        ("quietStart", "invalid_time"),
        ("timeZone", "unknown_time_zone"),
    ]
    back = await api.data("{ notificationPreferences { timeZone locale saved } }")
    assert back["notificationPreferences"] == {
        "timeZone": "Europe/Warsaw",
        "locale": "pl",
        "saved": True,
    }


async def test_only_administrators_set_the_mail_sender(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    setter = "mutation($m: String) { setMailSender(mailFrom: $m) { __typename ... on Error { code } ... on MailSender { mailFrom } } }"
    async with browser(runtime) as one, browser(runtime) as two:
        admin, rep = await sign_in(one, ctx, "admin"), await sign_in(two, ctx, "sales")
        assert (await rep.data(setter, {"m": "x@example.com"}))["setMailSender"]["code"] == (
            "forbidden"
        )
        assert (await admin.data(setter, {"m": "not mail"}))["setMailSender"]["code"] == "invalid"
        done = await admin.data(setter, {"m": "files@example.com"})
        assert done["setMailSender"]["mailFrom"] == "files@example.com"


async def test_one_click_unsubscribe_stops_the_mail_and_nothing_else(api: Api) -> None:
    ctx = api.ctx
    customer = await ctx.customer()
    created = await _subscribe(
        api, targetKind="CUSTOMER", targetId=customer.id, channels=["PUSH", "EMAIL"]
    )
    me = (await api.data("{ me { id } }"))["me"]["id"]
    token = sign_unsubscribe(
        ctx.runtime.settings.security.secret_key,
        UnsubscribeToken(ctx.tenant.id, me, created["id"]),
    )
    url = f"/notifications/unsubscribe?token={token}"
    page = await api.client.get(url)
    assert page.status_code == 200
    assert 'method="post"' in page.text
    assert (await api.data(LIST))["notificationSubscriptions"][0]["channels"] == [
        "EMAIL",
        "PUSH",
    ], "opening the link changes nothing"
    # What a mail client sends for List-Unsubscribe-Post: no cookie, no CSRF token.
    async with browser(ctx.runtime) as mail_client:
        done = await mail_client.post(
            url,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert done.status_code == 200, done.text
        forged = await mail_client.post(url[:-2] + "xx")
        assert forged.status_code == 404
        assert forged.json()["error"]["code"] == "not_found"
    assert (await api.data(LIST))["notificationSubscriptions"][0]["channels"] == ["PUSH"]
