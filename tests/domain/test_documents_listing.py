"""Listing a dossier: filters, sorts, keyset pagination and register counts.

One dossier is built per module (the tests only read it): eight documents of four types with ties
in date and title, so that tie-breaking and page boundaries are exercised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from backend.cursors import encode_cursor
from backend.documents.models import (
    Document,
    DocumentFilter,
    DocumentSort,
    IndexFilter,
    SortField,
)
from backend.errors import NotFound, ValidationFailed
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context, runtime_with


@dataclass(frozen=True)
class Dossier:
    ctx: TenantContext
    customer_id: str
    docs: dict[str, Document]

    def ids(self, *names: str) -> set[str]:
        return {self.docs[n].id for n in names}

    async def list(
        self,
        filters: DocumentFilter | None = None,
        sort: DocumentSort | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> Any:
        return await self.ctx.runtime.services().documents.list(
            self.ctx.principal,
            self.customer_id,
            filters or DocumentFilter(),
            sort or DocumentSort(),
            first,
            after,
        )

    async def found(self, filters: DocumentFilter) -> set[str]:
        page = await self.list(filters)
        assert page.next_cursor is None
        return {d.id for d in page.items}

    def type_id(self, key: str) -> str:
        return self.ctx.types[key].id

    def register_id(self, key: str) -> str:
        return self.ctx.registers[key].id


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def dossier(runtime: Runtime) -> Dossier:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer(name="Listing Customer")
    elsewhere = await ctx.customer(name="Another Customer")
    await ctx.document(elsewhere, "invoice", title="alpha", document_date=dt.date(2030, 1, 10))
    d = dt.date
    specs: dict[str, dict[str, Any]] = {
        "inv1": {
            "type_key": "invoice",
            "title": "invoice one",
            "document_date": d(2030, 1, 10),
            "index_values": {
                "invoice_number": "INV-1",
                "amount": money("100"),
                "due_date": "2030-02-01",
            },
        },
        "inv2": {
            "type_key": "invoice",
            "title": "invoice two",
            "document_date": d(2030, 1, 20),
            "index_values": {
                "invoice_number": "INV-2",
                "amount": money("250.5"),
                "due_date": "2030-03-01",
            },
        },
        "inv3": {
            "type_key": "invoice",
            "title": "invoice three",
            "document_date": d(2030, 1, 20),
            "index_values": {"invoice_number": "INV-3", "amount": money("1000", "PLN")},
        },
        "ord1": {
            "type_key": "order",
            "title": "order",
            "document_date": d(2030, 2, 1),
            "index_values": {"quantity": 5, "delivery_date": "2030-02-15"},
        },
        "ord2": {
            "type_key": "order",
            "title": "order",
            "document_date": d(2030, 2, 1),
            "index_values": {"quantity": 12.5},
        },
        "cmp1": {
            "type_key": "complaint",
            "title": "complaint",
            "document_date": d(2029, 12, 31),
            "index_values": {"severity": "high"},
        },
        "let1": {"type_key": "letter", "title": "letter", "document_date": d(2030, 1, 10)},
        "let2": {
            "type_key": "letter",
            "title": "letter",
            "document_date": d(2030, 3, 1),
            "register_ids": [ctx.registers["contracts"].id],
        },
    }
    docs = {name: await ctx.document(customer, **spec) for name, spec in specs.items()}
    return Dossier(ctx=ctx, customer_id=customer.id, docs=docs)


ALL = ("inv1", "inv2", "inv3", "ord1", "ord2", "cmp1", "let1", "let2")


# -- filters -----------------------------------------------------------------------------------


async def test_without_filters_lists_the_whole_dossier_only(dossier: Dossier) -> None:
    assert await dossier.found(DocumentFilter()) == dossier.ids(*ALL)


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        ("invoices", ("inv1", "inv2", "inv3")),
        ("orders", ("ord1", "ord2")),
        ("complaints", ("cmp1",)),
        ("correspondence", ("cmp1", "let1")),
        ("contracts", ("let2",)),
        ("offers", ()),
    ],
)
async def test_filter_by_register(dossier: Dossier, register: str, expected: tuple[str]) -> None:
    found = await dossier.found(DocumentFilter(register_id=dossier.register_id(register)))
    assert found == dossier.ids(*expected)


@pytest.mark.parametrize(
    ("type_key", "expected"),
    [
        ("invoice", ("inv1", "inv2", "inv3")),
        ("order", ("ord1", "ord2")),
        ("letter", ("let1", "let2")),
    ],
)
async def test_filter_by_type(dossier: Dossier, type_key: str, expected: tuple[str]) -> None:
    found = await dossier.found(DocumentFilter(document_type_id=dossier.type_id(type_key)))
    assert found == dossier.ids(*expected)


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        (dt.date(2030, 1, 10), dt.date(2030, 1, 20), ("inv1", "inv2", "inv3", "let1")),
        (dt.date(2030, 1, 11), dt.date(2030, 1, 19), ()),
        (dt.date(2030, 2, 1), None, ("ord1", "ord2", "let2")),
        (None, dt.date(2029, 12, 31), ("cmp1",)),
        (dt.date(2030, 2, 1), dt.date(2030, 2, 1), ("ord1", "ord2")),
    ],
)
async def test_filter_by_date_range(
    dossier: Dossier,
    date_from: dt.date | None,
    date_to: dt.date | None,
    expected: tuple[str],
) -> None:
    found = await dossier.found(DocumentFilter(date_from=date_from, date_to=date_to))
    assert found == dossier.ids(*expected)


@pytest.mark.parametrize(
    ("type_key", "index", "expected"),
    [
        ("invoice", [IndexFilter("invoice_number", equals="INV-2")], ("inv2",)),
        ("invoice", [IndexFilter("invoice_number", equals="  INV-2 ")], ("inv2",)),
        ("invoice", [IndexFilter("invoice_number", equals="inv-2")], ()),
        ("invoice", [IndexFilter("amount", equals="100")], ("inv1",)),
        ("invoice", [IndexFilter("amount", equals=money("250.50"))], ("inv2",)),
        ("invoice", [IndexFilter("amount", equals=250.5)], ("inv2",)),
        ("invoice", [IndexFilter("amount", minimum="200", maximum="1000")], ("inv2", "inv3")),
        ("invoice", [IndexFilter("amount", minimum="250.51")], ("inv3",)),
        ("invoice", [IndexFilter("amount", maximum="250.50")], ("inv1", "inv2")),
        ("invoice", [IndexFilter("due_date", minimum="2030-02-15")], ("inv2",)),
        ("invoice", [IndexFilter("due_date", equals="2030-02-01")], ("inv1",)),
        (
            "invoice",
            [IndexFilter("due_date", minimum="2030-01-01", maximum="2030-12-31")],
            ("inv1", "inv2"),
        ),
        ("order", [IndexFilter("quantity", equals=5)], ("ord1",)),
        ("order", [IndexFilter("quantity", minimum=10)], ("ord2",)),
        ("order", [IndexFilter("quantity", maximum=12.5)], ("ord1", "ord2")),
        ("order", [IndexFilter("delivery_date", maximum="2030-12-31")], ("ord1",)),
        ("complaint", [IndexFilter("severity", equals="high")], ("cmp1",)),
        ("complaint", [IndexFilter("severity", equals="low")], ()),
        (
            "invoice",
            [
                IndexFilter("amount", minimum="50"),
                IndexFilter("due_date", maximum="2030-02-01"),
            ],
            ("inv1",),
        ),
    ],
)
async def test_filter_by_index_values(
    dossier: Dossier, type_key: str, index: list[IndexFilter], expected: tuple[str]
) -> None:
    filters = DocumentFilter(document_type_id=dossier.type_id(type_key), index=index)
    assert await dossier.found(filters) == dossier.ids(*expected)


async def test_filters_combine(dossier: Dossier) -> None:
    filters = DocumentFilter(
        register_id=dossier.register_id("invoices"),
        document_type_id=dossier.type_id("invoice"),
        date_from=dt.date(2030, 1, 15),
        index=[IndexFilter("amount", maximum="500")],
    )
    assert await dossier.found(filters) == dossier.ids("inv2")


@pytest.mark.parametrize(
    ("filters", "field", "code"),
    [
        (
            DocumentFilter(date_from=dt.date(2030, 2, 1), date_to=dt.date(2030, 1, 1)),
            "filter.dateTo",
            "invalid_range",
        ),
        (
            DocumentFilter(index=[IndexFilter("amount", equals="1")]),
            "filter.documentTypeId",
            "required",
        ),
    ],
)
async def test_bad_filters_are_refused(
    dossier: Dossier, filters: DocumentFilter, field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await dossier.list(filters)
    assert [(i.field, i.code) for i in caught.value.issues] == [(field, code)]


@pytest.mark.parametrize(
    ("type_key", "index", "code"),
    [
        ("invoice", IndexFilter("colour", equals="red"), "unknown_field"),
        ("invoice", IndexFilter("amount"), "required"),
        ("invoice", IndexFilter("invoice_number", minimum="A"), "invalid_value"),
        ("invoice", IndexFilter("amount", minimum="lots"), "invalid_value"),
        ("invoice", IndexFilter("due_date", equals="soon"), "invalid_value"),
        ("order", IndexFilter("quantity", equals="5"), "invalid_value"),
        ("complaint", IndexFilter("severity", equals="apocalyptic"), "invalid_value"),
    ],
)
async def test_bad_index_filters_are_refused(
    dossier: Dossier, type_key: str, index: IndexFilter, code: str
) -> None:
    filters = DocumentFilter(document_type_id=dossier.type_id(type_key), index=[index])
    with pytest.raises(ValidationFailed) as caught:
        await dossier.list(filters)
    [issue] = caught.value.issues
    assert issue.code == code


@pytest.mark.parametrize(
    "index",
    [
        IndexFilter("colour", equals="red"),
        IndexFilter("amount"),
        IndexFilter("invoice_number", minimum="A"),
        IndexFilter("amount", minimum="lots"),
        IndexFilter("due_date", equals="soon"),
    ],
)
async def test_index_filter_issues_name_the_field_first(
    dossier: Dossier, index: IndexFilter
) -> None:
    """Every issue about one index filter sits under ``filter.index.<field>``, so a client can
    show it beside that field, whichever check failed."""
    filters = DocumentFilter(document_type_id=dossier.type_id("invoice"), index=[index])
    with pytest.raises(ValidationFailed) as caught:
        await dossier.list(filters)
    [issue] = caught.value.issues
    path = f"filter.index.{index.field}"
    assert issue.field == path or issue.field.startswith(f"{path}."), issue.field


async def test_index_filter_with_unknown_type_is_not_found(dossier: Dossier) -> None:
    filters = DocumentFilter(
        document_type_id="00000000-0000-4000-8000-000000000000",
        index=[IndexFilter("amount", equals="1")],
    )
    with pytest.raises(NotFound):
        await dossier.list(filters)


@pytest.mark.parametrize("field", ["register_id", "document_type_id"])
async def test_malformed_filter_ids_never_reach_the_database(dossier: Dossier, field: str) -> None:
    """A malformed id in a filter matches nothing or is refused as a domain error."""
    filters = (
        DocumentFilter(register_id="not-a-uuid")
        if field == "register_id"
        else DocumentFilter(document_type_id="not-a-uuid")
    )
    try:
        page = await dossier.list(filters)
    except (NotFound, ValidationFailed):
        return
    assert page.items == []


async def test_list_for_malformed_customer_id_is_not_found(dossier: Dossier) -> None:
    with pytest.raises(NotFound):
        await dossier.ctx.runtime.services().documents.list(
            dossier.ctx.principal, "nope", DocumentFilter(), DocumentSort(), 10, None
        )


# -- sorting and paging ------------------------------------------------------------------------


def sort_key(document: Document, field: SortField) -> Any:
    value = {
        SortField.DOCUMENT_DATE: document.document_date,
        SortField.CREATED_AT: document.created_at,
        SortField.TITLE: document.title,
    }[field]
    return (value, document.id)


SORTS = [DocumentSort(field, descending) for field in SortField for descending in (True, False)]


@pytest.mark.parametrize(
    "sort", SORTS, ids=lambda s: f"{s.field.value}-{'desc' if s.descending else 'asc'}"
)
async def test_sorted_listing(dossier: Dossier, sort: DocumentSort) -> None:
    expected = sorted(
        dossier.docs.values(), key=lambda d: sort_key(d, sort.field), reverse=sort.descending
    )
    page = await dossier.list(sort=sort)
    assert [d.id for d in page.items] == [d.id for d in expected]


@pytest.mark.parametrize(
    "sort", SORTS, ids=lambda s: f"{s.field.value}-{'desc' if s.descending else 'asc'}"
)
@pytest.mark.parametrize("page_size", [1, 3, 7, 8])
async def test_pages_cover_every_document_exactly_once(
    dossier: Dossier, sort: DocumentSort, page_size: int
) -> None:
    full = [d.id for d in (await dossier.list(sort=sort)).items]
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(20):
        page = await dossier.list(sort=sort, first=page_size, after=cursor)
        assert len(page.items) <= page_size
        seen += [d.id for d in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == full
    assert len(set(seen)) == len(ALL)


async def test_paging_with_a_filter(dossier: Dossier) -> None:
    filters = DocumentFilter(document_type_id=dossier.type_id("invoice"))
    first = await dossier.list(filters, first=2)
    assert len(first.items) == 2
    assert first.next_cursor is not None
    second = await dossier.list(filters, first=2, after=first.next_cursor)
    assert second.next_cursor is None
    assert {d.id for d in [*first.items, *second.items]} == dossier.ids("inv1", "inv2", "inv3")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        encode_cursor("document_date", "2030-01-01"),
        encode_cursor("document_date", "not a date", "00000000-0000-4000-8000-000000000000"),
        encode_cursor("document_date", 20300101, "00000000-0000-4000-8000-000000000000"),
        encode_cursor("title", "letter", "00000000-0000-4000-8000-000000000000"),
        encode_cursor("colour", "x", "00000000-0000-4000-8000-000000000000"),
    ],
)
async def test_invalid_cursors_are_refused(dossier: Dossier, cursor: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await dossier.list(sort=DocumentSort(SortField.DOCUMENT_DATE), after=cursor)
    assert [(i.field, i.code) for i in caught.value.issues] == [("after", "invalid_cursor")]


async def test_cursor_with_a_malformed_id_is_an_invalid_cursor(dossier: Dossier) -> None:
    cursor = encode_cursor("document_date", "2030-01-01", "not-a-uuid")
    with pytest.raises(ValidationFailed) as caught:
        await dossier.list(after=cursor)
    assert [(i.field, i.code) for i in caught.value.issues] == [("after", "invalid_cursor")]


async def test_page_size_is_clamped_to_the_maximum(dossier: Dossier, runtime: Runtime) -> None:
    services = runtime_with(runtime, page_size_max=3).services()
    page = await services.documents.list(
        dossier.ctx.principal, dossier.customer_id, DocumentFilter(), DocumentSort(), 1000, None
    )
    assert len(page.items) == 3
    assert page.next_cursor is not None
    page = await dossier.list(first=0)
    assert len(page.items) == 1


# -- counts ------------------------------------------------------------------------------------


async def test_register_counts(dossier: Dossier) -> None:
    services = dossier.ctx.runtime.services()
    counts = await services.documents.register_counts(dossier.ctx.principal, dossier.customer_id)
    assert counts == {
        dossier.register_id("invoices"): 3,
        dossier.register_id("orders"): 2,
        dossier.register_id("complaints"): 1,
        dossier.register_id("correspondence"): 2,
        dossier.register_id("contracts"): 1,
    }
    count = await services.documents.document_count(dossier.ctx.principal, dossier.customer_id)
    assert count == len(ALL)


async def test_counts_are_per_tenant(dossier: Dossier, tenant_ctx: TenantContext) -> None:
    services = tenant_ctx.runtime.services()
    assert await services.documents.register_counts(tenant_ctx.principal, dossier.customer_id) == {}
    assert await services.documents.document_count(tenant_ctx.principal, dossier.customer_id) == 0
