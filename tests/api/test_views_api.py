"""Saved views over GraphQL: the criteria round-trip (relative dates included), expected failures
come back as typed errors with stable codes, and each caller lists only what they see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_tenant_context

VIEW = """
fragment V on SavedView {
  id name description placement position canEdit
  audience { kind groupId }
  owner { email }
  criteria {
    text documentTypeIds registerIds statuses groupBy
    documentDate { range { start end } relative { unit amount } }
    created { range { start end } relative { unit amount } }
    index { field equals min max }
    sort { key descending indexField }
  }
}
"""
CREATE = (
    VIEW
    + """
mutation($input: CreateViewInput!) {
  createView(input: $input) {
    __typename
    ... on SavedView { ...V }
    ... on Error { code message }
    ... on ValidationError { issues { field code } }
  }
}"""
)
UPDATE = (
    VIEW
    + """
mutation($id: ID!, $input: UpdateViewInput!) {
  updateView(id: $id, input: $input) {
    __typename ... on SavedView { ...V } ... on Error { code }
  }
}"""
)
MOVE = """
mutation($id: ID!, $position: Int!) {
  moveView(id: $id, position: $position) { __typename ... on SavedView { position } ... on Error { code } }
}"""
DELETE = """
mutation($id: ID!) { deleteView(id: $id) { __typename ... on Removed { id } ... on Error { code } } }
"""
LIST = "query($p: ViewPlacement) { views(placement: $p) { name position audience { kind } } }"


def _input(api: Api, **overrides: Any) -> dict[str, Any]:
    invoice = api.ctx.types["invoice"].id
    return {
        "name": "Invoices, last 3 months",
        "audience": {"kind": "PERSONAL"},
        "placement": "DOSSIER",
        "criteria": {
            "text": "overdue",
            "documentTypeIds": [invoice],
            "registerIds": [api.ctx.registers["invoices"].id],
            "statuses": ["active"],
            "documentDate": {"relative": {"unit": "MONTHS", "amount": 3}},
            "created": {"range": {"start": "2026-01-01"}},
            "index": [{"field": "amount", "min": "100"}],
            "sort": {"key": "INDEX", "descending": False, "indexField": "amount"},
            "groupBy": "MONTH",
        },
        **overrides,
    }


async def test_a_view_is_created_listed_changed_moved_and_deleted(api: Api) -> None:
    created = (await api.data(CREATE, {"input": _input(api)}))["createView"]
    assert created["__typename"] == "SavedView", created
    assert created["canEdit"] is True
    assert created["owner"]["email"] == api.email
    criteria = created["criteria"]
    assert criteria["documentDate"] == {"range": None, "relative": {"unit": "MONTHS", "amount": 3}}
    assert criteria["created"] == {"range": {"start": "2026-01-01", "end": None}, "relative": None}
    assert criteria["index"] == [{"field": "amount", "equals": None, "min": "100", "max": None}]
    assert criteria["sort"] == {"key": "INDEX", "descending": False, "indexField": "amount"}
    assert criteria["groupBy"] == "MONTH"

    fetched = await api.data(
        VIEW + "query($id: ID!) { view(id: $id) { ...V } }", {"id": created["id"]}
    )
    assert {"__typename": "SavedView", **fetched["view"]} == created

    other = await api.data(CREATE, {"input": _input(api, name="Second")})
    await api.data(
        CREATE,
        {"input": _input(api, name="Everywhere", placement="GLOBAL", audience={"kind": "TENANT"})},
    )
    assert [v["name"] for v in (await api.data(LIST, {"p": "DOSSIER"}))["views"]] == [
        "Invoices, last 3 months",
        "Second",
    ]
    moved = await api.data(MOVE, {"id": other["createView"]["id"], "position": 0})
    assert moved["moveView"] == {"__typename": "SavedView", "position": 0}
    updated = await api.data(
        UPDATE,
        {
            "id": created["id"],
            "input": {
                "name": "Invoices, this quarter",
                "criteria": {"documentDate": {"relative": {"unit": "THIS_QUARTER"}}},
            },
        },
    )
    view = updated["updateView"]
    assert view["name"] == "Invoices, this quarter"
    assert view["criteria"]["documentDate"]["relative"]["unit"] == "THIS_QUARTER"
    assert view["criteria"]["documentTypeIds"] == []
    assert [(v["name"], v["audience"]["kind"]) for v in (await api.data(LIST))["views"]] == [
        ("Everywhere", "TENANT"),
        ("Second", "PERSONAL"),
        ("Invoices, this quarter", "PERSONAL"),
    ]
    deleted = await api.data(DELETE, {"id": created["id"]})
    assert deleted["deleteView"] == {"__typename": "Removed", "id": created["id"]}
    again = await api.gql("query($id: ID!) { view(id: $id) { id } }", {"id": created["id"]})
    assert again["errors"][0]["extensions"]["code"] == "not_found"


async def test_bad_input_answers_typed_errors_with_codes(api: Api, runtime: Runtime) -> None:
    bad = _input(api, name="")
    bad["criteria"]["documentDate"] = {"relative": {"unit": "DAYS", "amount": 4000}}
    bad["criteria"]["registerIds"] = ["b2c0ffee-0000-4000-8000-000000000000"]
    bad["criteria"]["index"] = [{"field": "severity", "equals": "high"}]
    answer = (await api.data(CREATE, {"input": bad}))["createView"]
    assert answer["__typename"] == "ValidationError"
    assert {i["field"]: i["code"] for i in answer["issues"]} == {
        "name": "required",
        "criteria.documentDate.amount": "out_of_range",
        "criteria.registerIds.0": "unknown_register",
        "criteria.index.0.field": "unknown_field",
    }
    both = _input(api)
    both["criteria"]["documentDate"] = {
        "range": {"start": "2026-01-01"},
        "relative": {"unit": "DAYS", "amount": 3},
    }
    body = await api.gql(CREATE, {"input": both})
    assert body["errors"][0]["extensions"]["code"] == "invalid_query"

    async with browser(runtime) as other_client:
        rep = await sign_in(other_client, api.ctx, role="sales")
        refused = (await rep.data(CREATE, {"input": _input(api, audience={"kind": "TENANT"})}))[
            "createView"
        ]
        assert refused["__typename"] == "ForbiddenError"
        assert refused["code"] == "forbidden"
        mine = (await api.data(CREATE, {"input": _input(api)}))["createView"]
        hidden = await rep.data(UPDATE, {"id": mine["id"], "input": {"name": "x"}})
        assert hidden["updateView"] == {"__typename": "NotFoundError", "code": "not_found"}
        assert (await rep.data(LIST))["views"] == []


async def test_group_views_name_their_group(api: Api) -> None:
    group = await api.ctx.runtime.services().access.create_group(
        api.ctx.principal, "field-service", "Field service"
    )
    audience = {"kind": "GROUP", "groupId": group.id}
    created = (await api.data(CREATE, {"input": _input(api, audience=audience)}))["createView"]
    assert created["audience"] == {"kind": "GROUP", "groupId": group.id}
    assert (await api.data("{ views { name } }"))["views"] == [], "not a member"
    listed = await api.data(
        "query($g: ID) { views(groupId: $g) { name audience { kind groupId groupName } canEdit } }",
        {"g": group.id},
    )
    assert listed["views"] == [
        {
            "name": "Invoices, last 3 months",
            "audience": {"kind": "GROUP", "groupId": group.id, "groupName": "Field service"},
            "canEdit": True,
        }
    ]


RESULTS = """
query($id: ID!, $customer: ID, $zone: String) {
  view(id: $id) {
    results(customerId: $customer, timeZone: $zone, limit: 10) {
      total totalExact nextCursor
      hits { document { title } }
      groups { key count }
    }
  }
}"""


async def test_a_view_runs_as_a_search_within_the_open_customer_or_across_all(
    api: Api, runtime: Runtime
) -> None:
    ctx = api.ctx
    today = dt.datetime.now(dt.UTC).date()
    near, far = await ctx.customer(), await ctx.customer()
    recent = await ctx.document(near, "invoice", document_date=today - dt.timedelta(days=3))
    await ctx.document(near, "invoice", document_date=today - dt.timedelta(days=60))
    await ctx.document(near, "letter", document_date=today - dt.timedelta(days=1))
    elsewhere = await ctx.document(far, "invoice", document_date=today - dt.timedelta(days=2))
    criteria = {
        "documentTypeIds": [ctx.types["invoice"].id],
        "documentDate": {"relative": {"unit": "DAYS", "amount": 14}},
        "sort": {"key": "DOCUMENT_DATE"},
        "groupBy": "CUSTOMER",
    }
    register = await api.data(
        CREATE, {"input": _input(api, name="Invoices, 14 days", criteria=criteria)}
    )
    register_id = register["createView"]["id"]
    inside = (await api.data(RESULTS, {"id": register_id, "customer": near.id}))["view"]
    assert [h["document"]["title"] for h in inside["results"]["hits"]] == [recent.title]
    assert inside["results"]["total"] == 1
    zoned = await api.data(
        RESULTS, {"id": register_id, "customer": near.id, "zone": "Europe/Warsaw"}
    )
    assert zoned["view"]["results"]["total"] == 1

    overview = await api.data(
        CREATE,
        {"input": _input(api, name="All invoices", placement="GLOBAL", criteria=criteria)},
    )
    across = (await api.data(RESULTS, {"id": overview["createView"]["id"]}))["view"]["results"]
    assert [h["document"]["title"] for h in across["hits"]] == [elsewhere.title, recent.title]
    assert sorted((g["key"], g["count"]) for g in across["groups"]) == sorted(
        [(near.id, 1), (far.id, 1)]
    )

    missing = await api.gql(RESULTS, {"id": register_id})
    assert missing["errors"][0]["extensions"]["code"] == "invalid"
    other = await make_tenant_context(runtime)
    foreign = await api.gql(RESULTS, {"id": register_id, "customer": (await other.customer()).id})
    assert foreign["errors"][0]["extensions"]["code"] == "not_found"
    async with browser(runtime) as other_client:
        reader = await sign_in(other_client, ctx, role="none")
        hidden = await reader.gql(RESULTS, {"id": register_id, "customer": near.id})
        assert hidden["errors"][0]["extensions"]["code"] in {"forbidden", "not_found"}


def _without_nulls(value: Any) -> Any:
    """A criteria output as an input: null members left out (a ``@oneOf`` takes one)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


async def test_a_views_criteria_run_through_search_unchanged(api: Api) -> None:
    ctx = api.ctx
    today = dt.datetime.now(dt.UTC).date()
    customer = await ctx.customer()
    recent = await ctx.document(customer, "invoice", document_date=today - dt.timedelta(days=2))
    await ctx.document(customer, "invoice", document_date=today - dt.timedelta(days=40))
    criteria = {
        "documentTypeIds": [ctx.types["invoice"].id],
        "documentDate": {"relative": {"unit": "DAYS", "amount": 14}},
        "created": {"range": {"start": "2000-01-01"}},
        "sort": {"key": "DOCUMENT_DATE"},
    }
    created = await api.data(
        CREATE, {"input": _input(api, name="Recent", placement="GLOBAL", criteria=criteria)}
    )
    saved = _without_nulls(created["createView"]["criteria"])
    search = await api.data(
        """query($c: SearchCriteriaInput!) { search(criteria: $c) { hits { document { id } } } }""",
        {"c": saved},
    )
    assert [h["document"]["id"] for h in search["search"]["hits"]] == [recent.id]
