"""The in-app list over GraphQL: one row per event (not per device or mailbox), the unread count
after the user's "seen up to" mark, the mark never moving back, and bad input refused with
stable codes (both engines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.access.policy import ScopeKind
from backend.notifications.inbox import group_deliveries
from backend.notifications.models import Channel, Delivery, DeliveryState, Event
from tests.api.conftest import PASSWORD, Api, browser, sign_in
from tests.notifications.conftest import Stand

LIST = """query($first: Int!) { notifications(first: $first) {
  __typename
  ... on NotificationList { unreadCount seenUpTo
    items { id event documentId channels read createdAt document { title } } }
  ... on ValidationError { code issues { field code } }
} }"""
MARK = """mutation($upTo: DateTime) { markNotificationsRead(upTo: $upTo) {
  __typename
  ... on NotificationsRead { seenUpTo unreadCount }
  ... on ValidationError { code issues { field code } }
} }"""
COUNT = "{ unreadNotificationCount }"
DEVICE = """mutation($i: PushDeviceInput!) { registerPushDevice(input: $i) { __typename } }"""
SUBSCRIBE = """mutation($i: SubscriptionInput!) { subscribe(input: $i) { __typename } }"""


async def _list(api: Api, first: int = 30) -> dict[str, Any]:
    return (await api.data(LIST, {"first": first}))["notifications"]  # type: ignore[no-any-return]


async def _mark(api: Api, up_to: str | None = None) -> dict[str, Any]:
    return (await api.data(MARK, {"upTo": up_to}))["markNotificationsRead"]  # type: ignore[no-any-return]


async def test_one_row_per_event_and_an_unread_count_up_to_the_mark(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer(name="ACME")
    async with browser(stand.runtime) as one, browser(stand.runtime) as two:
        api, colleague = await sign_in(one, ctx, "sales"), await sign_in(two, ctx, "sales")
        for name in ("phone", "tablet"):
            device = stand.push.browser(name)
            fields = {"endpoint": device.endpoint, "p256dh": device.p256dh, "auth": device.auth_b64}
            assert (await api.data(DEVICE, {"i": {**fields, "name": name}}))["registerPushDevice"][
                "__typename"
            ] == "PushDevice"
        subscribed = await api.data(
            SUBSCRIBE,
            {
                "i": {
                    "targetKind": "CUSTOMER",
                    "targetId": customer.id,
                    "channels": ["PUSH", "EMAIL"],
                }
            },
        )
        assert subscribed["subscribe"]["__typename"] == "NotificationSubscription"
        assert await _list(api) == {
            "__typename": "NotificationList",
            "unreadCount": 0,
            "seenUpTo": None,
            "items": [],
        }

        first = await ctx.document(customer, "invoice", title="Invoice 4711")
        await stand.drain()
        assert len(await stand.deliveries()) == 3, "two pushes and a mail"
        listed = await _list(api)
        [item] = listed["items"]
        assert (item["documentId"], item["event"], item["read"]) == (
            first.id,
            "DOCUMENT_CREATED",
            False,
        )
        assert item["channels"] == ["EMAIL", "PUSH"]
        assert item["document"] == {"title": "Invoice 4711"}
        assert listed["unreadCount"] == 1
        assert (await api.data(COUNT))["unreadNotificationCount"] == 1
        assert (await _list(colleague))["items"] == [], "another user's log stays theirs"

        marked = await _mark(api, item["createdAt"])
        assert marked["unreadCount"] == 0
        assert (await _list(api))["items"][0]["read"] is True

        stand.clock.advance(minutes=5)
        second = await ctx.document(customer, "letter", title="Letter")
        await stand.drain()
        listed = await _list(api)
        assert [i["documentId"] for i in listed["items"]] == [second.id, first.id]
        assert [i["read"] for i in listed["items"]] == [False, True]
        assert listed["unreadCount"] == 1

        again = await _mark(api, item["createdAt"])
        assert (again["seenUpTo"], again["unreadCount"]) == (marked["seenUpTo"], 1), (
            "the mark never moves back"
        )
        assert (await _mark(api))["unreadCount"] == 0, "null marks up to now"
        assert len((await _list(api, first=1))["items"]) == 1


async def test_a_document_no_longer_readable_is_listed_without_it(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("none", password=PASSWORD)
    grant = await ctx.grant(rep, "viewer", ScopeKind.CUSTOMER, customer.id)
    await stand.device(rep, "phone")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    await ctx.document(customer, "letter", title="Secret")
    await stand.drain()
    async with browser(stand.runtime) as client:
        login = await client.post("/auth/login", json={"email": rep.email, "password": PASSWORD})
        api = Api(client=client, csrf=login.json()["csrfToken"], ctx=ctx, email=rep.email)
        [before] = (await _list(api))["items"]
        assert before["document"] == {"title": "Secret"}
        await ctx.runtime.services().access.revoke(ctx.principal, grant.id)
        listed = await _list(api)
    [after] = listed["items"]
    assert (after["documentId"], after["document"]) == (before["documentId"], None), (
        "the row stays, the title goes"
    )
    assert listed["unreadCount"] == 1


async def test_bad_input_gets_stable_codes(stand: Stand) -> None:
    async with browser(stand.runtime) as one:
        api = await sign_in(one, stand.ctx, "sales")
        refused = await _list(api, first=0)
        assert (refused["__typename"], refused["issues"]) == (
            "ValidationError",
            [{"field": "first", "code": "out_of_range"}],
        )
        naive = await _mark(api, "2030-01-15T09:00:00")
        assert naive["issues"] == [{"field": "upTo", "code": "time_zone_required"}]
        future = await _mark(api, "2099-01-01T00:00:00+00:00")
        assert future["seenUpTo"] == stand.clock.now.isoformat(), "the future counts as now"


def _delivery(key: str, channel: Channel, state: DeliveryState, minute: int) -> Delivery:
    at = dt.datetime(2030, 1, 15, 9, minute, tzinfo=dt.UTC)
    return Delivery(
        id=f"{key}-{channel}-{minute}",
        tenant_id="t",
        user_id="u",
        channel=channel,
        device_id=None,
        event=Event.DOCUMENT_CREATED,
        document_id=key,
        version_id=None,
        subscription_id=None,
        dedupe_key=f"created:{key}:u:{channel.value}:{minute}",
        state=state,
        attempts=0,
        last_error=None,
        created_at=at,
        due_at=at,
    )


def test_events_whose_every_delivery_was_dropped_are_left_out() -> None:
    found = group_deliveries(
        [
            _delivery("b", Channel.PUSH, DeliveryState.SENT, 2),
            _delivery("b", Channel.PUSH, DeliveryState.DROPPED, 2),
            _delivery("b", Channel.EMAIL, DeliveryState.DIGEST, 3),
            _delivery("a", Channel.PUSH, DeliveryState.DROPPED, 1),
        ],
        seen_up_to=dt.datetime(2030, 1, 15, 9, 2, tzinfo=dt.UTC),
    )
    assert [(n.key, sorted(n.channels), n.read) for n in found] == [
        ("created:b", [Channel.EMAIL, Channel.PUSH], True)
    ]
