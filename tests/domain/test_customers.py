"""Customers: creation with cover-sheet key data, partial updates, search and tenant isolation."""

from __future__ import annotations

import asyncio

import pytest

from backend.access.policy import Role
from backend.cursors import encode_cursor
from backend.customers.models import Address, AddressKind, Contact, CustomerDraft
from backend.errors import DuplicateErpNumber, Forbidden, NotFound, ValidationFailed
from backend.runtime import Services
from tests.factories import TenantContext, make_tenant_context, unique

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def issue_codes(exc: ValidationFailed) -> dict[str, str]:
    return {i.field: i.code for i in exc.issues}


def draft(**overrides: object) -> CustomerDraft:
    values: dict[str, object] = {
        "erp_number": unique("K").upper(),
        "name": "Zakład Mięsny Łódź",
        "key_data": {"segment": "b"},
    }
    values.update(overrides)
    return CustomerDraft(**values)  # type: ignore[arg-type]


# -- creating ----------------------------------------------------------------------------------


async def test_create_with_addresses_contacts_and_key_data(
    tenant_ctx: TenantContext, services: Services
) -> None:
    principal = tenant_ctx.principal
    customer = await services.customers.create(
        principal,
        draft(
            erp_number="K-1000",
            name="  Zakład Mięsny Łódź  ",
            status="prospect",
            key_data={
                "segment": "b",
                "industry": " Food ",
                "credit_limit": {"amount": "5000", "currency": "PLN"},
                "customer_since": "2019-05-01",
                "employees": 42,
            },
            addresses=[
                Address(
                    kind=AddressKind.BILLING,
                    street=" ul. Piotrkowska 1 ",
                    postal_code="90-001",
                    city=" Łódź ",
                    country="PL",
                    latitude=51.77,
                    longitude=19.46,
                ),
                Address(
                    kind=AddressKind.DELIVERY,
                    street="ul. Dworcowa 2",
                    postal_code="90-002",
                    city="Łódź",
                    country="PL",
                    label="Warehouse",
                ),
            ],
            contacts=[
                Contact(name=" Jan Kowalski ", role="Buyer", email="jan@example.pl"),
                Contact(name="Ewa Nowak", phone="+48 42 000 00 00"),
            ],
        ),
    )
    assert customer.erp_number == "K-1000"
    assert customer.name == "Zakład Mięsny Łódź"
    assert customer.status == "prospect"
    assert customer.revision == 1
    assert customer.key_data == {
        "segment": "b",
        "industry": "Food",
        "credit_limit": {"amount": "5000.00", "currency": "PLN"},
        "customer_since": "2019-05-01",
        "employees": 42,
    }
    stored = await services.customers.get(principal, customer.id)
    assert stored.key_data == customer.key_data
    assert stored.name == customer.name
    assert stored.created_at == customer.created_at

    [addresses] = await services.customers.addresses(principal, [customer.id])
    assert [(a.kind, a.street, a.city, a.label) for a in addresses] == [
        (AddressKind.BILLING, "ul. Piotrkowska 1", "Łódź", ""),
        (AddressKind.DELIVERY, "ul. Dworcowa 2", "Łódź", "Warehouse"),
    ]
    assert addresses[0].latitude == pytest.approx(51.77)
    assert addresses[1].latitude is None
    assert all(a.id for a in addresses)
    [contacts] = await services.customers.contacts(principal, [customer.id])
    assert [(c.name, c.role, c.email, c.phone) for c in contacts] == [
        ("Jan Kowalski", "Buyer", "jan@example.pl", ""),
        ("Ewa Nowak", "", "", "+48 42 000 00 00"),
    ]


async def test_status_defaults_to_active(tenant_ctx: TenantContext, services: Services) -> None:
    customer = await services.customers.create(tenant_ctx.principal, draft())
    assert customer.status == "active"


async def test_duplicate_erp_number_writes_nothing(tenant_ctx: TenantContext) -> None:
    first = await tenant_ctx.customer(erp_number="K-42")
    with pytest.raises(DuplicateErpNumber) as caught:
        await tenant_ctx.customer(
            erp_number="K-42",
            addresses=[Address(AddressKind.BILLING, "Street 1", "1000", "Wien", "AT")],
            contacts=[Contact(name="Somebody")],
        )
    assert caught.value.code == "duplicate_erp_number"
    assert caught.value.erp_number == "K-42"
    assert await tenant_ctx.count("customer") == 1
    assert await tenant_ctx.count("customer_address") == 1
    assert await tenant_ctx.count("customer_contact") == 1
    page = await tenant_ctx.runtime.services().customers.search(tenant_ctx.principal, "", 10, None)
    assert [c.id for c in page.items] == [first.id]


async def test_concurrent_duplicate_erp_numbers_one_wins(tenant_ctx: TenantContext) -> None:
    """Two requests racing for one ERP number: one succeeds, the other gets the domain error."""
    results = await asyncio.gather(
        *(tenant_ctx.customer(erp_number="K-RACE") for _ in range(2)), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], DuplicateErpNumber), repr(errors[0])
    assert await tenant_ctx.count("customer") == 1


async def test_same_erp_number_in_two_tenants_is_fine(tenant_ctx: TenantContext) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    await tenant_ctx.customer(erp_number="K-1")
    await other.customer(erp_number="K-1")


async def test_invalid_key_data_names_each_field(
    tenant_ctx: TenantContext, services: Services
) -> None:
    """Every key-data problem is reported at once, missing required keys included."""
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.create(
            tenant_ctx.principal,
            draft(
                key_data={
                    "industry": "x" * 101,
                    "credit_limit": {"amount": "lots", "currency": "EUR"},
                    "customer_since": "yesterday",
                    "employees": "many",
                    "colour": "blue",
                }
            ),
        )
    assert issue_codes(caught.value) == {
        "keyData.segment": "required",
        "keyData.industry": "invalid_value",
        "keyData.credit_limit": "invalid_value",
        "keyData.customer_since": "invalid_value",
        "keyData.employees": "invalid_value",
        "keyData.colour": "unknown_field",
    }
    assert await tenant_ctx.count("customer") == 0


async def test_all_input_problems_are_reported_at_once(
    tenant_ctx: TenantContext, services: Services
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.create(
            tenant_ctx.principal,
            CustomerDraft(
                erp_number="bad erp number!",
                name="   ",
                status="vip",
                key_data={"segment": "z"},
                addresses=[
                    Address(AddressKind.BILLING, " ", "", "Town", "Germany", latitude=1.0),
                    Address(
                        AddressKind.DELIVERY,
                        "S",
                        "1",
                        "T",
                        "DE",
                        latitude=91.0,
                        longitude=181.0,
                    ),
                ],
                contacts=[Contact(name=" ", email="not-mail")],
            ),
        )
    assert issue_codes(caught.value) == {
        "erpNumber": "invalid_value",
        "name": "required",
        "status": "invalid_value",
        "keyData.segment": "invalid_value",
        "addresses.0.street": "required",
        "addresses.0.postal_code": "required",
        "addresses.0.country": "invalid_value",
        "addresses.0.latitude": "invalid_value",
        "addresses.1.latitude": "out_of_range",
        "addresses.1.longitude": "out_of_range",
        "contacts.0.name": "required",
        "contacts.0.email": "invalid_email",
    }
    assert await tenant_ctx.count("customer") == 0


async def test_missing_erp_number_and_long_name(
    tenant_ctx: TenantContext, services: Services
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.create(
            tenant_ctx.principal, draft(erp_number=None, name="x" * 256)
        )
    assert issue_codes(caught.value) == {"erpNumber": "invalid_value", "name": "too_long"}


async def test_viewer_may_not_create(tenant_ctx: TenantContext, services: Services) -> None:
    _, viewer = await tenant_ctx.user(Role.VIEWER.value)
    with pytest.raises(Forbidden) as caught:
        await services.customers.create(viewer, draft())
    assert caught.value.code == "forbidden"
    customer = await tenant_ctx.customer()
    assert (await services.customers.get(viewer, customer.id)).id == customer.id


# -- updating ----------------------------------------------------------------------------------


async def test_update_is_partial(tenant_ctx: TenantContext, services: Services) -> None:
    customer = await tenant_ctx.customer(
        name="Old Name",
        key_data={"segment": "a", "industry": "Steel", "employees": 10},
    )
    updated = await services.customers.update(
        tenant_ctx.principal, customer.id, CustomerDraft(name="  New Name ")
    )
    assert updated.name == "New Name"
    assert updated.erp_number == customer.erp_number
    assert updated.status == customer.status
    assert updated.key_data == customer.key_data
    assert updated.revision == 2
    [addresses] = await services.customers.addresses(tenant_ctx.principal, [customer.id])
    assert len(addresses) == 1  # not sent, so kept
    stored = await services.customers.get(tenant_ctx.principal, customer.id)
    assert stored.name == "New Name"
    assert stored.revision == 2


async def test_update_merges_key_data_and_none_clears(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer(
        key_data={"segment": "a", "industry": "Steel", "employees": 10}
    )
    updated = await services.customers.update(
        tenant_ctx.principal,
        customer.id,
        CustomerDraft(key_data={"industry": None, "employees": 12, "customer_since": "2020-01-01"}),
    )
    expected = {"segment": "a", "employees": 12, "customer_since": "2020-01-01"}
    assert updated.key_data == expected
    assert (await services.customers.get(tenant_ctx.principal, customer.id)).key_data == expected


async def test_update_cannot_clear_a_required_key(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.update(
            tenant_ctx.principal, customer.id, CustomerDraft(key_data={"segment": None})
        )
    assert issue_codes(caught.value) == {"keyData.segment": "required"}
    stored = await services.customers.get(tenant_ctx.principal, customer.id)
    assert stored.revision == 1
    assert stored.key_data == customer.key_data


async def test_update_replaces_addresses_and_contacts_when_sent(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    await services.customers.update(
        tenant_ctx.principal,
        customer.id,
        CustomerDraft(
            addresses=[
                Address(AddressKind.DELIVERY, "A 1", "1", "Graz", "AT"),
                Address(AddressKind.BILLING, "B 2", "2", "Linz", "AT"),
            ],
            contacts=[],
        ),
    )
    [addresses] = await services.customers.addresses(tenant_ctx.principal, [customer.id])
    assert [a.city for a in addresses] == ["Graz", "Linz"]
    [contacts] = await services.customers.contacts(tenant_ctx.principal, [customer.id])
    assert contacts == []
    assert await tenant_ctx.count("customer_address") == 2


async def test_update_status_and_erp_number(tenant_ctx: TenantContext, services: Services) -> None:
    customer = await tenant_ctx.customer()
    updated = await services.customers.update(
        tenant_ctx.principal,
        customer.id,
        CustomerDraft(status="blocked", erp_number="NEW-1"),
    )
    assert (updated.status, updated.erp_number) == ("blocked", "NEW-1")
    same = await services.customers.update(
        tenant_ctx.principal, customer.id, CustomerDraft(erp_number="NEW-1")
    )
    assert same.erp_number == "NEW-1"  # keeping one's own number is no conflict
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.update(
            tenant_ctx.principal, customer.id, CustomerDraft(status="gone")
        )
    assert issue_codes(caught.value) == {"status": "invalid_value"}


async def test_update_to_a_taken_erp_number_is_refused(
    tenant_ctx: TenantContext, services: Services
) -> None:
    await tenant_ctx.customer(erp_number="TAKEN")
    customer = await tenant_ctx.customer(erp_number="MINE")
    with pytest.raises(DuplicateErpNumber):
        await services.customers.update(
            tenant_ctx.principal, customer.id, CustomerDraft(erp_number="TAKEN", name="Changed")
        )
    stored = await services.customers.get(tenant_ctx.principal, customer.id)
    assert (stored.erp_number, stored.revision) == ("MINE", 1)


async def test_update_unknown_customer_is_not_found(
    tenant_ctx: TenantContext, services: Services
) -> None:
    with pytest.raises(NotFound):
        await services.customers.update(tenant_ctx.principal, UNKNOWN_ID, CustomerDraft(name="X"))


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ident", [UNKNOWN_ID, "not-a-uuid", "", "1", "' OR 1=1 --"])
async def test_unknown_or_malformed_id_is_not_found(
    tenant_ctx: TenantContext, services: Services, ident: str
) -> None:
    with pytest.raises(NotFound) as caught:
        await services.customers.get(tenant_ctx.principal, ident)
    assert caught.value.code == "not_found"


async def test_uppercase_id_finds_the_customer(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer()
    assert (await services.customers.get(tenant_ctx.principal, customer.id.upper())).id == (
        customer.id
    )


async def test_other_tenants_customers_are_invisible(
    tenant_ctx: TenantContext, services: Services
) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    theirs = await other.customer(name="Secret Customer")
    with pytest.raises(NotFound):
        await services.customers.get(tenant_ctx.principal, theirs.id)
    assert await services.customers.by_ids(tenant_ctx.principal, [theirs.id]) == [None]
    page = await services.customers.search(tenant_ctx.principal, "secret", 10, None)
    assert page.items == []
    with pytest.raises(NotFound):
        await services.customers.update(tenant_ctx.principal, theirs.id, CustomerDraft(name="X"))
    assert await services.customers.addresses(tenant_ctx.principal, [theirs.id]) == [[]]
    assert (await services.customers.get(other.principal, theirs.id)).name == "Secret Customer"


async def test_by_ids_keeps_order_and_marks_unknown(
    tenant_ctx: TenantContext, services: Services
) -> None:
    a = await tenant_ctx.customer()
    b = await tenant_ctx.customer()
    found = await services.customers.by_ids(tenant_ctx.principal, [b.id, UNKNOWN_ID, a.id])
    assert [c.id if c else None for c in found] == [b.id, None, a.id]


# -- search ------------------------------------------------------------------------------------


async def test_search_ignores_case_and_diacritics(
    tenant_ctx: TenantContext, services: Services
) -> None:
    lodz = await tenant_ctx.customer(name="Zakład Mięsny Łódź")
    muller = await tenant_ctx.customer(name="Müller GmbH")
    other = await tenant_ctx.customer(name="Other Company")

    async def names(query: str) -> set[str]:
        page = await services.customers.search(tenant_ctx.principal, query, 50, None)
        return {c.id for c in page.items}

    assert await names("lodz") == {lodz.id}
    assert await names("ŁÓDŹ") == {lodz.id}
    assert await names("miesny lo") == {lodz.id}
    assert await names("muller") == {muller.id}
    assert await names("MÜLLER") == {muller.id}
    assert await names("") == {lodz.id, muller.id, other.id}


async def test_search_finds_erp_number_prefix(
    tenant_ctx: TenantContext, services: Services
) -> None:
    customer = await tenant_ctx.customer(erp_number="AB-7781", name="Someone")
    page = await services.customers.search(tenant_ctx.principal, "ab-77", 10, None)
    assert [c.id for c in page.items] == [customer.id]
    page = await services.customers.search(tenant_ctx.principal, "7781", 10, None)
    assert page.items == []  # a prefix, not a substring


async def test_search_treats_like_wildcards_literally(
    tenant_ctx: TenantContext, services: Services
) -> None:
    await tenant_ctx.customer(name="Plain Name")
    percent = await tenant_ctx.customer(name="100% Bio")
    underscore = await tenant_ctx.customer(name="a_b Trading")
    for query, expected in (("%", [percent.id]), ("_", [underscore.id]), ("\\", [])):
        page = await services.customers.search(tenant_ctx.principal, query, 10, None)
        assert [c.id for c in page.items] == expected, query


async def test_search_pages_cover_every_customer_exactly_once(
    tenant_ctx: TenantContext, services: Services
) -> None:
    names = ["Łukasz", "lukasz", "Anna", "anna", "Zoe", "Émile", "emile", "Bob", "Bob", "Ćma"]
    created = [await tenant_ctx.customer(name=name) for name in names]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await services.customers.search(tenant_ctx.principal, "", 3, cursor)
        pages += 1
        seen += [c.id for c in page.items]
        assert len(page.items) <= 3
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 4
    assert sorted(seen) == sorted(c.id for c in created)
    assert len(set(seen)) == len(seen)
    full = await services.customers.search(tenant_ctx.principal, "", 100, None)
    assert [c.id for c in full.items] == seen  # paging changes nothing about the order
    assert full.next_cursor is None


async def test_search_page_size_is_clamped(tenant_ctx: TenantContext, services: Services) -> None:
    for _ in range(3):
        await tenant_ctx.customer()
    page = await services.customers.search(tenant_ctx.principal, "", 0, None)
    assert len(page.items) == 1
    assert page.next_cursor is not None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "",
        "äöü",
        encode_cursor("only-one"),
        encode_cursor("a", "b", "c"),
        "eyJhIjoxfQ",  # {"a":1}
    ],
)
async def test_invalid_cursor_is_refused(
    tenant_ctx: TenantContext, services: Services, cursor: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.search(tenant_ctx.principal, "", 10, cursor)
    assert issue_codes(caught.value) == {"after": "invalid_cursor"}


async def test_tampered_cursor_id_is_an_invalid_cursor(
    tenant_ctx: TenantContext, services: Services
) -> None:
    """A cursor whose id part is not an id must be refused, not handed to the database."""
    await tenant_ctx.customer(name="Anna")
    with pytest.raises(ValidationFailed) as caught:
        await services.customers.search(
            tenant_ctx.principal, "", 10, encode_cursor("anna", "not-a-uuid")
        )
    assert issue_codes(caught.value) == {"after": "invalid_cursor"}
