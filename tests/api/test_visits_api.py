"""Visits over GraphQL: recordVisit with its error codes (nothing written on bad input), a
customer's visits page by page, lastVisitAt on customers and map answers, and the audit line."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from tests.api.conftest import Api

RECORD = """
mutation($input: VisitInput!) {
  recordVisit(input: $input) {
    __typename
    ... on Visit { id visitedAt note latitude longitude user { email } customer { id lastVisitAt } }
    ... on ValidationError { code issues { field code } }
    ... on NotFoundError { code }
  }
}"""

VISITS = """
query($id: ID!, $first: Int!, $after: String) {
  customer(id: $id) {
    lastVisitAt
    visits(first: $first, after: $after) {
      items { visitedAt note }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""

LAST = """
query($first: Int!) { customers(first: $first) { items { id lastVisitAt } } }"""


def iso(at: dt.datetime) -> str:
    return at.isoformat()


async def record(api: Api, **fields: Any) -> dict[str, Any]:
    return (await api.data(RECORD, {"input": fields}))["recordVisit"]  # type: ignore[no-any-return]


async def test_a_recorded_visit_is_the_customers_last_and_audited(api: Api) -> None:
    customer = await api.ctx.customer()
    never = await record(api, customerId=str(uuid.uuid4()))
    assert never == {"__typename": "NotFoundError", "code": "not_found"}
    before = (await api.data(VISITS, {"id": customer.id, "first": 5}))["customer"]
    assert before["lastVisitAt"] is None
    assert before["visits"]["items"] == []

    now = dt.datetime.now(dt.UTC)
    made = await record(
        api, customerId=customer.id, note="  signed the offer ", latitude=52.5, longitude=13.4
    )
    assert made["__typename"] == "Visit"
    assert made["note"] == "signed the offer"
    assert (made["latitude"], made["longitude"]) == (52.5, 13.4)
    assert made["user"]["email"] == api.email
    at = dt.datetime.fromisoformat(made["visitedAt"])
    assert abs((at - now).total_seconds()) < 60, "left out, the time is now"
    assert made["customer"]["lastVisitAt"] == made["visitedAt"]

    earlier = now - dt.timedelta(days=40)
    await record(api, customerId=customer.id, visitedAt=iso(earlier))
    after = (await api.data(VISITS, {"id": customer.id, "first": 5}))["customer"]
    assert after["lastVisitAt"] == made["visitedAt"], "an older visit recorded later is not last"
    assert [v["note"] for v in after["visits"]["items"]] == ["signed the offer", ""]

    trail = await api.data(
        "query($id: ID!) { auditTrail(target: CUSTOMER, targetId: $id) { items { action details } } }",
        {"id": customer.id},
    )
    events = [e for e in trail["auditTrail"]["items"] if e["action"] == "customer.visit"]
    assert len(events) == 2
    assert made["id"] in {e["details"]["visit"] for e in events}
    assert any(e["details"]["position"] == [52.5, 13.4] for e in events)


async def test_bad_visits_get_stable_codes_and_write_nothing(api: Api) -> None:
    customer = await api.ctx.customer()
    audit_before = await api.ctx.count("audit_event")
    now = dt.datetime.now(dt.UTC)
    cases: list[tuple[dict[str, Any], list[dict[str, str]]]] = [
        (
            {"visitedAt": iso(now + dt.timedelta(minutes=30))},
            [{"field": "visitedAt", "code": "in_future"}],
        ),
        (
            {"visitedAt": "2030-01-01T10:00:00"},
            [{"field": "visitedAt", "code": "time_zone_required"}],
        ),
        ({"note": "x" * 2001}, [{"field": "note", "code": "too_long"}]),
        (
            {"latitude": 91.0, "longitude": 200.0},
            [
                {"field": "latitude", "code": "out_of_range"},
                {"field": "longitude", "code": "out_of_range"},
            ],
        ),
        ({"latitude": 52.0}, [{"field": "longitude", "code": "required"}]),
    ]
    for fields, issues in cases:
        answer = await record(api, customerId=customer.id, **fields)
        assert answer["__typename"] == "ValidationError", fields
        assert answer["code"] == "invalid"
        assert answer["issues"] == issues, fields
    assert (await record(api, customerId="not-a-uuid"))["code"] == "not_found"
    assert await api.ctx.count("customer_visit") == 0
    assert await api.ctx.count("audit_event") == audit_before

    skewed = await record(api, customerId=customer.id, visitedAt=iso(now + dt.timedelta(minutes=4)))
    assert skewed["__typename"] == "Visit", "a phone's clock a little ahead is accepted"
    assert await api.ctx.count("customer_visit") == 1


async def test_visits_come_page_by_page_latest_first(api: Api) -> None:
    customer = await api.ctx.customer()
    base = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    for day in range(5):
        await record(
            api,
            customerId=customer.id,
            visitedAt=iso(base + dt.timedelta(days=day)),
            note=f"d{day}",
        )
    # Two at the same moment: the id breaks the tie, and neither is lost between pages.
    await record(
        api, customerId=customer.id, visitedAt=iso(base + dt.timedelta(days=2)), note="twin"
    )
    seen: list[str] = []
    after = None
    while True:
        page = (await api.data(VISITS, {"id": customer.id, "first": 2, "after": after}))[
            "customer"
        ]["visits"]
        seen += [v["note"] for v in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen[:2] == ["d4", "d3"]
    assert sorted(seen[2:4]) == ["d2", "twin"]
    assert seen[4:] == ["d1", "d0"]
    body = await api.gql(VISITS, {"id": customer.id, "first": 2, "after": "nonsense"})
    assert body["errors"][0]["extensions"]["code"] == "invalid"
    body = await api.gql(VISITS, {"id": customer.id, "first": 0})
    assert body["errors"][0]["extensions"]["code"] == "invalid"


async def test_last_visits_of_a_page_cost_one_statement(api: Api, runtime: Runtime) -> None:
    customers = [await api.ctx.customer() for _ in range(6)]
    for i, c in enumerate(customers[:4]):
        for day in range(i + 1):
            at = dt.datetime(2026, 5, 1 + day, 8, tzinfo=dt.UTC)
            await record(api, customerId=c.id, visitedAt=iso(at))

    async def cost(first: int) -> tuple[int, dict[str, Any]]:
        with count_statements() as counted:
            items = (await api.data(LAST, {"first": first}))["customers"]["items"]
        return counted.value, {i["id"]: i["lastVisitAt"] for i in items}

    small, _ = await cost(2)
    large, last = await cost(6)
    assert small == large, "lastVisitAt is batched, not one statement per customer"
    assert [last[c.id] for c in customers] == [
        "2026-05-01T08:00:00+00:00",
        "2026-05-02T08:00:00+00:00",
        "2026-05-03T08:00:00+00:00",
        "2026-05-04T08:00:00+00:00",
        None,
        None,
    ]
    # The answer is the same without the loader's batching: the repository on its own.
    repo_last = await runtime.services().visits.last_visits(api.ctx.principal, [customers[3].id])
    assert repo_last == [dt.datetime(2026, 5, 4, 8, tzinfo=dt.UTC)]
