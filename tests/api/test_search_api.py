"""Search over HTTP: the GraphQL ``search`` query as the PWA calls it."""

from __future__ import annotations

import datetime as dt

import httpx

from backend.access.policy import ScopeKind
from backend.runtime import Runtime
from tests.api.conftest import PASSWORD, Api, browser
from tests.factories import make_tenant_context, make_user
from tests.search.conftest import extract

SEARCH = """
query Search($criteria: SearchCriteriaInput!, $after: String, $limit: Int) {
  search(criteria: $criteria, after: $after, limit: $limit) {
    total totalExact nextCursor
    hits { rank document { id title } snippet { text highlighted } }
    groups { key label count }
  }
}
"""


async def test_search_finds_text_with_snippets_groups_and_pages(api: Api) -> None:
    ctx = api.ctx
    customer = await ctx.customer(name="Wróbel Sp. z o.o.")
    scanned = await ctx.document(customer, title="Scan", document_date=dt.date(2026, 3, 2))
    await extract(ctx, scanned, "Bestätigung der Bestellung für die Wärmepumpe")
    await ctx.document(
        customer, "order", title="Wärmepumpe Bestellung", document_date=dt.date(2026, 2, 1)
    )
    await ctx.document(customer, title="Urlaub")
    variables = {
        "criteria": {"text": "warmepumpe best", "groupBy": "MONTH"},
        "limit": 1,
    }
    first = (await api.data(SEARCH, variables))["search"]
    assert first["total"] == 2
    assert first["totalExact"] is True
    assert [h["document"]["title"] for h in first["hits"]] == ["Wärmepumpe Bestellung"]
    assert first["groups"] == [
        {"key": "2026-03", "label": "2026-03", "count": 1},
        {"key": "2026-02", "label": "2026-02", "count": 1},
    ]
    second = (await api.data(SEARCH, {**variables, "after": first["nextCursor"]}))["search"]
    assert second["nextCursor"] is None
    [hit] = second["hits"]
    assert hit["document"]["id"] == scanned.id
    assert [p["text"] for p in hit["snippet"] if p["highlighted"]] == [
        "Bestätigung",
        "Bestellung",
        "Wärmepumpe",
    ]
    by_fields = await api.data(
        SEARCH,
        {
            "criteria": {
                "customerIds": [customer.id],
                "documentTypeIds": [ctx.types["order"].id],
                "documentDate": {"relative": {"unit": "LAST_YEAR"}},
            }
        },
    )
    assert by_fields["search"]["total"] == 0
    by_fields = await api.data(
        SEARCH,
        {
            "criteria": {
                "customerIds": [customer.id],
                "documentDate": {"range": {"start": "2026-01-01", "end": "2026-03-01"}},
                "sort": {"key": "TITLE", "descending": False},
            }
        },
    )
    assert [h["document"]["title"] for h in by_fields["search"]["hits"]] == [
        "Wärmepumpe Bestellung"
    ]


async def test_bad_criteria_answer_the_code_and_the_issues(api: Api) -> None:
    body = await api.gql(
        SEARCH,
        {"criteria": {"index": [{"field": "colour", "equals": "red"}]}, "limit": 500},
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "invalid"
    assert error["extensions"]["issues"][0]["code"] == "out_of_range"
    body = await api.gql(SEARCH, {"criteria": {"index": [{"field": "colour", "equals": "red"}]}})
    [error] = body["errors"]
    assert error["extensions"]["issues"] == [
        {
            "field": "index.0.field",
            "code": "unknown_field",
            "message": error["extensions"]["issues"][0]["message"],
        }
    ]
    too_far = {"documentDate": {"relative": {"unit": "DAYS", "amount": 10**6}}}
    body = await api.gql(SEARCH, {"criteria": too_far})
    assert body["errors"][0]["extensions"]["issues"][0]["field"] == "documentDate.amount"
    assert body["errors"][0]["extensions"]["issues"][0]["code"] == "out_of_range"
    both = {"documentDate": {"range": {"start": "2026-01-01"}, "relative": {"unit": "DAYS"}}}
    body = await api.gql(SEARCH, {"criteria": both})
    assert body["errors"][0]["extensions"]["code"] == "invalid_query"
    body = await api.gql(SEARCH, {"criteria": {}, "after": "garbage"})
    assert body["errors"][0]["extensions"]["issues"][0]["code"] == "invalid_cursor"


async def test_another_tenants_documents_are_never_found(api: Api, runtime: Runtime) -> None:
    other = await make_tenant_context(runtime)
    await other.document(await other.customer(name="Zeppelin AG"), title="Zeppelin Angebot")
    await api.ctx.document(await api.ctx.customer(), title="Eigenes Angebot")
    found = (await api.data(SEARCH, {"criteria": {"text": "angebot"}}))["search"]
    assert [h["document"]["title"] for h in found["hits"]] == ["Eigenes Angebot"]
    assert found["total"] == 1
    assert (await api.data(SEARCH, {"criteria": {"text": "zeppelin"}}))["search"]["total"] == 0
    # Another tenant's customer id as a filter finds nothing either.
    other_customer = await other.customer()
    await other.document(other_customer, title="Eigenes Angebot")
    found = await api.data(
        SEARCH, {"criteria": {"text": "angebot", "customerIds": [other_customer.id]}}
    )
    assert found["search"]["total"] == 0


async def test_a_hidden_document_is_neither_found_nor_counted(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    granted, hidden = await ctx.customer(), await ctx.customer()
    await ctx.document(granted, title="Prüfbericht offen")
    await ctx.document(hidden, title="Prüfbericht geheim")
    user, _ = await make_user(runtime, ctx.tenant, "none", password=PASSWORD)
    await ctx.grant(user, "viewer", ScopeKind.CUSTOMER, granted.id)
    async with browser(runtime) as client:
        response = await client.post(
            "/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        reader = Api(client=client, csrf=response.json()["csrfToken"], ctx=ctx, email=user.email)
        found = (
            await reader.data(SEARCH, {"criteria": {"text": "prufbericht", "groupBy": "CUSTOMER"}})
        )["search"]
    assert [h["document"]["title"] for h in found["hits"]] == ["Prüfbericht offen"]
    assert found["total"] == 1
    assert found["groups"] == [{"key": granted.id, "label": granted.name, "count": 1}]


async def test_signed_out_requests_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": SEARCH, "variables": {"criteria": {}}})
    assert response.json()["errors"][0]["extensions"]["code"] == "unauthenticated"


ME_ZONE = """
mutation($zone: String) {
  setMyTimeZone(timeZone: $zone) {
    __typename
    ... on Me { timeZone }
    ... on ValidationError { code issues { field code } }
  }
}"""


async def test_the_user_sets_their_time_zone_and_me_shows_it(api: Api) -> None:
    bad = (await api.data(ME_ZONE, {"zone": "Mars/Olympus"}))["setMyTimeZone"]
    assert bad == {
        "__typename": "ValidationError",
        "code": "invalid",
        "issues": [{"field": "timeZone", "code": "unknown_time_zone"}],
    }
    assert (await api.data("{ me { timeZone } }"))["me"]["timeZone"] is None
    good = (await api.data(ME_ZONE, {"zone": "Europe/Warsaw"}))["setMyTimeZone"]
    assert good == {"__typename": "Me", "timeZone": "Europe/Warsaw"}
    assert (await api.data("{ me { timeZone } }"))["me"]["timeZone"] == "Europe/Warsaw"
    cleared = (await api.data(ME_ZONE, {"zone": None}))["setMyTimeZone"]
    assert cleared == {"__typename": "Me", "timeZone": None}
