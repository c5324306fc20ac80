"""Customers through GraphQL: create, update, search, and every kind of bad input."""

from __future__ import annotations

from typing import Any

import httpx

from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import count_rows, make_tenant_context

RESULT = """
  __typename
  ... on Customer { id erpNumber name status keyData revision addresses { kind city latitude } contacts { name email } }
  ... on Error { code message }
  ... on ValidationError { issues { field code } }
"""
CREATE = f"mutation($i: CustomerInput!) {{ createCustomer(input: $i) {{ {RESULT} }} }}"
UPDATE = f"mutation($id: ID!, $i: CustomerInput!) {{ updateCustomer(id: $id, input: $i) {{ {RESULT} }} }}"


def customer_input(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "erpNumber": "K-1000",
        "name": "Zakład Mechaniczny Łódź Sp. z o.o.",
        "keyData": {"segment": "a", "credit_limit": {"amount": "5000", "currency": "PLN"}},
        "addresses": [
            {
                "kind": "billing",
                "street": "ul. Piotrkowska 104",
                "postalCode": "90-926",
                "city": "Łódź",
                "country": "PL",
                "latitude": 51.7592,
                "longitude": 19.4560,
            },
            {
                "kind": "delivery",
                "street": "Fabryczna 3",
                "postalCode": "93-100",
                "city": "Łódź",
                "country": "PL",
                "label": "Lager",
            },
        ],
        "contacts": [
            {"name": "Zofia Żółkiewska", "email": "zofia@example.pl", "phone": "+48 42 000"}
        ],
    }
    return {**base, **overrides}


async def create(api: Api, **overrides: Any) -> dict[str, Any]:
    data = await api.data(CREATE, {"i": customer_input(**overrides)})
    return data["createCustomer"]  # type: ignore[no-any-return]


async def test_create_and_read_back_a_customer(api: Api) -> None:
    created = await create(api)
    assert created["__typename"] == "Customer"
    assert created["keyData"]["credit_limit"] == {"amount": "5000.00", "currency": "PLN"}
    assert [a["kind"] for a in created["addresses"]] == ["billing", "delivery"]
    read = await api.data(
        "query($id: ID!) { customer(id: $id) { name contacts { name } } }", {"id": created["id"]}
    )
    assert read["customer"]["name"] == "Zakład Mechaniczny Łódź Sp. z o.o."
    assert read["customer"]["contacts"] == [{"name": "Zofia Żółkiewska"}]


async def test_duplicate_erp_number_is_a_typed_conflict_and_writes_nothing(api: Api) -> None:
    await create(api)
    before = await count_rows(api.ctx.runtime, "customer", api.ctx.tenant.id)
    again = await create(api, name="Other")
    assert again["__typename"] == "ConflictError"
    assert again["code"] == "duplicate_erp_number"
    assert await count_rows(api.ctx.runtime, "customer", api.ctx.tenant.id) == before


async def test_validation_errors_name_every_bad_field(api: Api) -> None:
    bad = await create(
        api,
        erpNumber="",
        name=" ",
        status="zombie",
        keyData={"segment": "z", "credit_limit": {"amount": "x", "currency": "EUR"}, "nope": 1},
        addresses=[
            {
                "kind": "moon",
                "street": "",
                "postalCode": "1",
                "city": "X",
                "country": "Poland",
                "latitude": 91.0,
                "longitude": 0.0,
            }
        ],
        contacts=[{"name": "", "email": "not-mail"}],
    )
    assert bad["__typename"] == "ValidationError"
    assert bad["code"] == "invalid"
    fields = {i["field"]: i["code"] for i in bad["issues"]}
    assert fields["erpNumber"] == "invalid_value"
    assert fields["name"] == "required"
    assert fields["status"] == "invalid_value"
    assert fields["keyData.segment"] == "invalid_value"
    assert fields["keyData.credit_limit"] == "invalid_value"
    assert fields["keyData.nope"] == "unknown_field"
    assert fields["addresses.0.kind"] == "invalid_value"
    assert fields["addresses.0.street"] == "required"
    assert fields["addresses.0.country"] == "invalid_value"
    assert fields["addresses.0.latitude"] == "out_of_range"
    assert fields["contacts.0.name"] == "required"
    assert fields["contacts.0.email"] == "invalid_email"
    assert await count_rows(api.ctx.runtime, "customer", api.ctx.tenant.id) == 0
    missing = await create(api, keyData={})
    assert {i["field"] for i in missing["issues"]} == {"keyData.segment"}
    not_object = await create(api, keyData=[1, 2])
    assert not_object["issues"][0] == {"field": "keyData", "code": "invalid_value"}


async def test_update_merges_key_data_and_replaces_addresses_only_when_sent(api: Api) -> None:
    created = await create(api)
    updated = (
        await api.data(
            UPDATE,
            {
                "id": created["id"],
                "i": {
                    "name": "Zakład Łódź",
                    "keyData": {"credit_limit": None, "industry": "Metall"},
                },
            },
        )
    )["updateCustomer"]
    assert updated["name"] == "Zakład Łódź"
    assert updated["keyData"] == {"segment": "a", "industry": "Metall"}
    assert updated["revision"] == 2
    assert len(updated["addresses"]) == 2
    cleared = (await api.data(UPDATE, {"id": created["id"], "i": {"addresses": []}}))[
        "updateCustomer"
    ]
    assert cleared["addresses"] == []
    assert cleared["contacts"] == [{"name": "Zofia Żółkiewska", "email": "zofia@example.pl"}]
    required = (await api.data(UPDATE, {"id": created["id"], "i": {"keyData": {"segment": None}}}))[
        "updateCustomer"
    ]
    assert required["issues"] == [{"field": "keyData.segment", "code": "required"}]


async def test_search_ignores_accents_and_case_and_pages_completely(api: Api) -> None:
    names = ["Łódź Metal", "Müller & Söhne", "Ørsted Façade", "Škoda Servis", "lodz-trans"]
    for i, name in enumerate(names):
        await create(api, erpNumber=f"S-{i}", name=name)
    found = await api.data('{ customers(search: "LODZ") { items { name } } }')
    assert {c["name"] for c in found["customers"]["items"]} == {"Łódź Metal", "lodz-trans"}
    by_erp = await api.data('{ customers(search: "s-3") { items { name } } }')
    assert [c["name"] for c in by_erp["customers"]["items"]] == ["Škoda Servis"]
    seen: list[str] = []
    after = None
    while True:
        page = (
            await api.data(
                "query($a: String) { customers(first: 2, after: $a) { items { name } pageInfo { hasNextPage endCursor } } }",
                {"a": after},
            )
        )["customers"]
        seen += [c["name"] for c in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(names)
    assert len(seen) == len(names)
    bad = await api.gql('{ customers(after: "garbage!") { items { name } } }')
    assert bad["errors"][0]["extensions"]["code"] == "invalid"


async def test_unknown_malformed_and_foreign_ids_all_look_missing(
    api: Api, runtime: Runtime
) -> None:
    async with browser(runtime) as other_browser:
        other = await sign_in(other_browser, await make_tenant_context(runtime))
        foreign = (await other.data(CREATE, {"i": customer_input()}))["createCustomer"]["id"]
        await check_foreign(api, other, foreign)


async def check_foreign(api: Api, other: Api, foreign: str) -> None:
    for ident in (
        foreign,
        "00000000-0000-0000-0000-000000000000",
        "not-an-id",
        "'; DROP TABLE customer; --",
    ):
        read = await api.gql("query($id: ID!) { customer(id: $id) { name } }", {"id": ident})
        assert read["errors"][0]["extensions"]["code"] == "not_found"
        assert read["data"] is None
        update = (await api.data(UPDATE, {"id": ident, "i": {"name": "Mine now"}}))[
            "updateCustomer"
        ]
        assert update["__typename"] == "NotFoundError"
    still = await other.data("query($id: ID!) { customer(id: $id) { name } }", {"id": foreign})
    assert still["customer"]["name"] == "Zakład Mechaniczny Łódź Sp. z o.o."


async def test_viewers_may_read_but_not_write(client: httpx.AsyncClient, runtime: Runtime) -> None:
    viewer = await sign_in(client, await make_tenant_context(runtime), role="viewer")
    refused = (await viewer.data(CREATE, {"i": customer_input()}))["createCustomer"]
    assert refused["__typename"] == "ForbiddenError"
    assert refused["code"] == "forbidden"
