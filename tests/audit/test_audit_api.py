"""The audit trail over HTTP (both engines): the ``auditTrail`` query, the events that reading a
document through the API adds, and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import TenantContext, make_tenant_context

TRAIL = """
query($target: AuditTarget, $id: ID, $actor: ID, $first: Int! = 50, $after: String) {
  auditTrail(target: $target, targetId: $id, actorId: $actor, first: $first, after: $after) {
    items {
      seq action targetType targetId device details prevHash hash
      actor { id email }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
DOCUMENT = """
query($id: ID!) { document(id: $id) { id title versions { id downloadUrl } } }
"""
ME = "{ me { id } }"
CSV_COLUMNS = [
    "seq",
    "occurred_at",
    "actor",
    "device",
    "action",
    "target_type",
    "target_id",
    "details",
    "prev_hash",
    "hash",
]


@dataclass
class Office:
    """One tenant for the module, with an admin, a clerk and an auditor signed in (signing in
    costs two Argon2 rounds, so they are shared); tests make their own customers and documents."""

    ctx: TenantContext
    admin: Api
    clerk: Api
    auditor: Api


@pytest_asyncio.fixture(scope="module")
async def office(runtime: Runtime) -> AsyncIterator[Office]:
    ctx = await make_tenant_context(runtime)
    async with browser(runtime) as a, browser(runtime) as c, browser(runtime) as u:
        yield Office(
            ctx,
            await sign_in(a, ctx),
            await sign_in(c, ctx, "clerk"),
            await sign_in(u, ctx, "auditor"),
        )


@pytest.fixture
def ctx(office: Office) -> TenantContext:
    return office.ctx


@pytest.fixture
def admin(office: Office) -> Api:
    return office.admin


@pytest.fixture
def clerk(office: Office) -> Api:
    return office.clerk


@pytest.fixture
def auditor(office: Office) -> Api:
    return office.auditor


async def trail(api: Api, **variables: Any) -> dict[str, Any]:
    data = await api.data(TRAIL, variables)
    return data["auditTrail"]  # type: ignore[no-any-return]


async def actions(api: Api, target: str, ident: str) -> list[str]:
    page = await trail(api, target=target, id=ident, first=200)
    return [e["action"] for e in page["items"]]


async def my_id(api: Api) -> str:
    return str((await api.data(ME))["me"]["id"])


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# -- auditTrail -----------------------------------------------------------------------------------


async def test_trail_of_a_document_with_actor_details_and_links(
    admin: Api, ctx: TenantContext
) -> None:
    document = await ctx.document(await ctx.customer(), "invoice")
    page = await trail(admin, target="DOCUMENT", id=document.id)
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    [created] = page["items"]
    assert created["action"] == "document.create"
    assert (created["targetType"], created["targetId"]) == ("document", document.id)
    assert created["actor"] == {"id": ctx.admin.id, "email": ctx.admin.email}
    assert created["device"] == "web"
    assert created["details"]["type"] == "invoice"
    assert created["details"]["version"]["filename"] == "invoice.pdf"
    everything = (await trail(admin, first=1000))["items"]
    by_seq = {e["seq"]: e for e in everything}
    assert created["prevHash"] == by_seq[created["seq"] - 1]["hash"]


async def test_viewing_through_graphql_and_downloading_each_add_one_event(
    admin: Api, ctx: TenantContext
) -> None:
    document = await ctx.document(await ctx.customer())
    me = await my_id(admin)
    assert await actions(admin, "DOCUMENT", document.id) == ["document.create"]
    opened = (await admin.data(DOCUMENT, {"id": document.id}))["document"]
    assert await actions(admin, "DOCUMENT", document.id) == ["document.view", "document.create"]
    version = opened["versions"][0]
    response = await admin.client.get(version["downloadUrl"])
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    items = (await trail(admin, target="DOCUMENT", id=document.id))["items"]
    assert [e["action"] for e in items] == ["document.download", "document.view", "document.create"]
    download, view, _ = items
    assert download["actor"]["id"] == view["actor"]["id"] == me
    assert download["details"]["version"] == 1
    assert download["details"]["sha256"] == items[2]["details"]["version"]["sha256"]
    # a refused download (unknown version) adds nothing
    missing = await admin.client.get("/files/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert len((await trail(admin, target="DOCUMENT", id=document.id))["items"]) == 3


async def test_trail_of_a_dossier_holds_the_customer_and_its_documents(
    admin: Api, ctx: TenantContext
) -> None:
    customer, other = await ctx.customer(), await ctx.customer()
    first = await ctx.document(customer)
    second = await ctx.document(customer)
    await ctx.document(other)
    items = (await trail(admin, target="DOSSIER", id=customer.id))["items"]
    assert sorted((e["targetType"], e["targetId"]) for e in items) == sorted(
        [("customer", customer.id), ("document", first.id), ("document", second.id)]
    )
    assert [e["seq"] for e in items] == sorted((e["seq"] for e in items), reverse=True)
    assert await actions(admin, "CUSTOMER", customer.id) == ["customer.create"]


async def test_trail_of_a_user_and_by_actor(admin: Api, ctx: TenantContext) -> None:
    me = await my_id(admin)
    assert await actions(admin, "USER", me) == ["auth.login", "user.create"]
    document = await ctx.document(await ctx.customer())
    await admin.data(DOCUMENT, {"id": document.id})
    by_me = (await trail(admin, actor=me, first=1000))["items"]
    assert (by_me[0]["action"], by_me[0]["targetId"]) == ("document.view", document.id)
    assert by_me[-1]["action"] == "auth.login"
    assert {e["actor"]["id"] for e in by_me} == {me}
    assert await actions(admin, "TENANT", ctx.tenant.id) == ["tenant.create"]


async def test_pages_follow_each_other_without_gaps_or_repeats(
    admin: Api, ctx: TenantContext
) -> None:
    everything = (await trail(admin, first=1000))["items"]
    assert len(everything) >= 18  # tenant setup, four users, three logins
    seqs: list[int] = []
    after = None
    while True:
        page = await trail(admin, first=3, after=after)
        seqs += [e["seq"] for e in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["pageInfo"]["endCursor"] is None
            break
        after = page["pageInfo"]["endCursor"]
        assert after == str(page["items"][-1]["seq"])
    assert seqs == [e["seq"] for e in everything] == list(range(len(everything), 0, -1))
    refused = await admin.gql(TRAIL, {"after": "not-a-cursor"})
    assert refused["errors"][0]["extensions"]["code"] == "invalid"
    half = await admin.gql(TRAIL, {"target": "DOCUMENT"})
    assert half["errors"][0]["extensions"]["code"] == "invalid"


async def test_the_trail_needs_the_audit_right(
    clerk: Api, auditor: Api, ctx: TenantContext
) -> None:
    document = await ctx.document(await ctx.customer())
    for variables in ({}, {"target": "DOCUMENT", "id": document.id}):
        refused = await clerk.gql(TRAIL, variables)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "forbidden"
    assert await actions(auditor, "DOCUMENT", document.id) == ["document.create"]
    everything = (await trail(auditor, first=1000))["items"]
    assert {e["action"] for e in everything} >= {"auth.login", "user.create", "tenant.create"}


async def test_another_tenants_ids_give_an_empty_trail(
    admin: Api, runtime: Runtime, ctx: TenantContext
) -> None:
    other = await make_tenant_context(runtime)
    customer = await other.customer()
    document = await other.document(customer)
    for target, ident in (
        ("DOCUMENT", document.id),
        ("DOSSIER", customer.id),
        ("CUSTOMER", customer.id),
        ("USER", other.admin.id),
        ("TENANT", other.tenant.id),
    ):
        assert (await trail(admin, target=target, id=ident))["items"] == [], target


# -- CSV export -----------------------------------------------------------------------------------


async def test_csv_export_of_a_document(admin: Api, ctx: TenantContext) -> None:
    document = await ctx.document(await ctx.customer(), title="Vertrag für Jörg")
    await admin.data(DOCUMENT, {"id": document.id})
    response = await admin.client.get(
        "/audit/export.csv", params={"target": "document", "target_id": document.id}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    header, *rows = parse_csv(response.text)
    assert header == CSV_COLUMNS
    expected = (await trail(admin, target="DOCUMENT", id=document.id))["items"]
    assert [r[header.index("action")] for r in rows] == ["document.view", "document.create"]
    assert [int(r[0]) for r in rows] == [e["seq"] for e in expected]
    assert [r[header.index("hash")] for r in rows] == [e["hash"] for e in expected]
    assert {r[header.index("target_id")] for r in rows} == {document.id}
    assert "Vertrag für Jörg" in rows[1][header.index("details")]


async def test_csv_export_of_the_whole_tenant(admin: Api) -> None:
    response = await admin.client.get("/audit/export.csv")
    assert response.status_code == 200
    header, *rows = parse_csv(response.text)
    assert header == CSV_COLUMNS
    everything = (await trail(admin, first=1000))["items"]
    assert [int(r[0]) for r in rows] == [e["seq"] for e in everything]


@pytest.mark.parametrize(
    "params",
    [
        {"target": "planet", "target_id": "00000000-0000-0000-0000-000000000000"},
        {"target": "document"},
        {"target_id": "00000000-0000-0000-0000-000000000000"},
    ],
)
async def test_csv_export_refuses_a_bad_target(admin: Api, params: dict[str, str]) -> None:
    response = await admin.client.get("/audit/export.csv", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"


async def test_csv_export_of_a_malformed_id_is_not_found(admin: Api) -> None:
    params = {"target": "document", "target_id": "not-an-id"}
    response = await admin.client.get("/audit/export.csv", params=params)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_csv_export_needs_the_audit_right(clerk: Api, auditor: Api, runtime: Runtime) -> None:
    refused = await clerk.client.get("/audit/export.csv")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert (await auditor.client.get("/audit/export.csv")).status_code == 200
    async with browser(runtime) as anonymous:
        assert (await anonymous.get("/audit/export.csv")).status_code == 401


async def test_graphql_trail_refuses_a_signed_out_client(runtime: Runtime) -> None:
    async with browser(runtime) as anonymous:
        response = await anonymous.post("/graphql", json={"query": TRAIL})
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] in {"unauthenticated", "csrf_failed"}
