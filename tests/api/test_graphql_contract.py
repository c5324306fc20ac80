"""The GraphQL contract: limits, error codes for malformed requests, production hardening, the
committed schema file, and bounded statement counts (no N+1)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from strawberry.printer import print_schema

from backend.graphql.schema import build_schema
from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from backend.settings import Environment
from bench.cover_query import COVER
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_customer, make_document, make_tenant_context

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"


def test_the_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == print_schema(build_schema()) + "\n", "run ./dev schema"


async def test_malformed_documents_get_invalid_query(api: Api) -> None:
    for query in ("{ me { email ", "{ nope }", '{ customers(first: "x") { items { id } } }'):
        body = await api.gql(query)
        assert body["errors"][0]["extensions"]["code"] == "invalid_query", body
    not_json = await api.client.post(
        "/graphql",
        content=b"{",
        headers={"X-CSRF-Token": api.csrf, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "bad_request"


async def test_depth_alias_and_token_limits(api: Api) -> None:
    nested = "customer { dossier { documents { items { %s } } } }"
    deep = "{ customers { items { dossier { documents { items { %s } } } } } }" % (
        nested % (nested % "title")
    )
    assert (await api.gql(deep))["errors"][0]["extensions"]["code"] == "invalid_query"
    aliases = "{ " + " ".join(f"a{i}: me {{ email }}" for i in range(40)) + " }"
    body = await api.gql(aliases)
    assert "aliases" in body["errors"][0]["message"].lower()
    tokens = "{ me { " + " ".join(["email"] * 3000) + " } }"
    body = await api.gql(tokens)
    assert "token" in body["errors"][0]["message"].lower()


async def test_production_has_no_introspection_and_no_ide(runtime: Runtime) -> None:
    production = dataclasses.replace(
        runtime, settings=dataclasses.replace(runtime.settings, environment=Environment.PRODUCTION)
    )
    async with browser(production) as client:
        api = await sign_in(client, await make_tenant_context(production))
        body = await api.gql("{ __schema { types { name } } }")
        assert body["errors"][0]["extensions"]["code"] == "invalid_query"
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
        assert ide.status_code in (404, 405, 415)
        assert (await api.data("{ me { email } }"))["me"]["email"] == api.email
    async with browser(runtime) as dev_client:
        dev_api = await sign_in(dev_client, await make_tenant_context(runtime))
        assert "errors" not in await dev_api.gql("{ __schema { queryType { name } } }")


# The dossier screen's query; the benchmark measures the same one.


async def test_the_cover_query_costs_the_same_statements_for_5_or_50_documents(api: Api) -> None:
    ctx = api.ctx
    counts = []
    for n in (5, 50):
        customer = await make_customer(ctx.runtime, ctx.principal)
        for i in range(n):
            await make_document(
                ctx.runtime, ctx.principal, customer.id, ctx.types["invoice"], title=f"D{i}"
            )
        with count_statements() as count:
            data = await api.data(COVER, {"c": customer.id})
        assert len(data["dossier"]["documents"]["items"]) == n
        counts.append(count.value)
    assert counts[0] == counts[1], counts
    # session + customer + tenant + registers + count + register counts + page + types
    # + versions + registers per doc + users + loaders' customers/addresses/contacts
    assert counts[1] <= 16, counts
