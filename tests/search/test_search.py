"""Full-text and multi-field search on the suite's engine: folding, prefixes, ranking, snippets,
filters, groups, pages, permissions and keeping the index current."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.policy import ScopeKind
from backend.customers.models import CustomerDraft
from backend.documents.models import MetadataPatch, NewContent
from backend.errors import ValidationFailed
from backend.jobs.models import JobFailed
from backend.jobs.registry import job_handlers
from backend.persistence.scope import tenant_scope
from backend.search import repository
from backend.search.criteria import (
    DateRange,
    GroupBy,
    IndexCondition,
    RelativeDate,
    RelativeUnit,
    SearchCriteria,
    SearchSort,
    SortKey,
)
from backend.search.jobs import SEARCH_INDEX_JOB
from backend.search.models import SearchResult
from backend.search.repository import PiccoloSearchRepository
from backend.search.service import SearchService
from tests.factories import TenantContext, make_tenant_context, pdf_bytes
from tests.search.conftest import extract, index_job, search, titles
from tests.search.conftest import search as search_in
from tests.test_cli import run


@pytest.mark.parametrize("within", [False, True], ids=["everywhere", "in-dossier"])
async def test_polish_and_german_words_are_found_with_and_without_diacritics(
    tenant_ctx: TenantContext, within: bool
) -> None:
    # Within a dossier SQLite matches the words in Python (backend.search.matching), elsewhere
    # FTS5 does: both fold alike.
    ctx = tenant_ctx
    customer = await ctx.customer(name="Łódź Handel")

    async def search(ctx: TenantContext, text: str) -> SearchResult:
        return await search_in(ctx, text, customer_ids=(customer.id,) if within else ())

    await ctx.document(customer, title="Zażółć gęślą jaźń")
    await ctx.document(customer, title="Größe der Äpfel über Löwen")
    await ctx.document(customer, title="Grosse Kisten")
    for query in ("zazolc gesla jazn", "Zażółć", "ZAZOLC", "jaźń"):
        assert titles(await search(ctx, query)) == ["Zażółć gęślą jaźń"], query
    for query in ("apfel", "äpfel", "uber lowen", "ÜBER"):
        assert titles(await search(ctx, query)) == ["Größe der Äpfel über Löwen"], query
    # ß folds to ss both ways: "Größe" finds "Grosse" and "grosse" finds "Größe".
    assert sorted(titles(await search(ctx, "größe"))) == [
        "Grosse Kisten",
        "Größe der Äpfel über Löwen",
    ]
    assert sorted(titles(await search(ctx, "GROSSE"))) == [
        "Grosse Kisten",
        "Größe der Äpfel über Löwen",
    ]
    # ł is no accented l to Unicode; the index folds it all the same (customer name).
    assert len((await search(ctx, "lodz")).hits) == 3


async def test_a_prefix_finds_the_whole_word(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    await ctx.document(customer, title="Rechnung 4711")
    await ctx.document(customer, title="Lieferschein")
    assert titles(await search(ctx, "rech")) == ["Rechnung 4711"]
    assert titles(await search(ctx, "liefer")) == ["Lieferschein"]
    assert titles(await search(ctx, "echnung")) == []


async def test_only_the_last_word_is_a_prefix(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    await ctx.document(customer, title="Rechnung Lieferschein")
    await ctx.document(customer, title="Rech Lieferung")
    # The word being typed (the last) is a prefix; earlier words match whole words only.
    assert titles(await search(ctx, "rechnung lief")) == ["Rechnung Lieferschein"]
    assert titles(await search(ctx, "rech lief")) == ["Rech Lieferung"]
    assert titles(await search(ctx, "rech lieferschein")) == []
    assert sorted(titles(await search(ctx, "lief"))) == ["Rech Lieferung", "Rechnung Lieferschein"]


async def test_relevance_ranks_the_matches_it_counts(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    for i in range(5):
        await ctx.document(customer, title=f"Angebot {i}")
    services = ctx.runtime.services()
    capped = SearchService(
        PiccoloSearchRepository(), services.catalog, ctx.runtime.clock, text_count_limit=3
    )
    # Beyond the count's cap only the matches counted are ranked and paged by relevance;
    # another sort reaches every match.
    first = await capped.search(ctx.principal, SearchCriteria(text="angebot"), limit=2)
    assert (first.total, first.total_exact) == (3, False)
    assert first.next_cursor is not None
    rest = await capped.search(
        ctx.principal, SearchCriteria(text="angebot"), after=first.next_cursor, limit=2
    )
    assert rest.next_cursor is None
    ranked = titles(first) + titles(rest)
    assert len(ranked) == len(set(ranked)) == 4
    by_title = await capped.search(
        ctx.principal, SearchCriteria(text="angebot", sort=SearchSort(SortKey.TITLE)), limit=10
    )
    assert len(by_title.hits) == 5


async def test_text_within_a_customer_in_every_sort_and_page(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    a = await ctx.customer()
    b = await ctx.customer()
    for i in range(3):
        await ctx.document(a, title=f"Zahlung {i}")
    await ctx.document(b, title="Zahlung anderswo")
    await ctx.document(a, title="Mahnung")
    seen: list[str] = []
    after = None
    for _ in range(3):
        page = await search(ctx, "zahl", customer_ids=(a.id,), after=after, limit=2)
        assert page.total == 3
        assert all(hit.rank > 0 for hit in page.hits)
        seen += titles(page)
        after = page.next_cursor
        if after is None:
            break
    assert sorted(seen) == ["Zahlung 0", "Zahlung 1", "Zahlung 2"]
    by_title = await search(
        ctx, "zahl", customer_ids=(a.id,), sort=SearchSort(SortKey.TITLE, descending=False)
    )
    assert titles(by_title) == ["Zahlung 0", "Zahlung 1", "Zahlung 2"]
    assert all(hit.rank > 0 for hit in by_title.hits)


async def test_title_ranks_above_index_values_above_text(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    in_text = await ctx.document(customer, title="Brief eins")
    await extract(ctx, in_text, "Wir bestätigen die Reklamation vom Montag.")
    await ctx.document(customer, title="Reklamation Pumpe")
    in_index = await ctx.document(customer, "invoice", title="Rechnung zwei")
    await ctx.runtime.services().documents.update_metadata(
        ctx.principal,
        in_index.id,
        MetadataPatch(index_values={"invoice_number": "Reklamation-7"}),
    )
    result = await search(ctx, "reklamation")
    assert titles(result) == ["Reklamation Pumpe", "Rechnung zwei", "Brief eins"]
    ranks = [hit.rank for hit in result.hits]
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[-1] > 0


async def test_snippets_mark_the_words_found_and_stay_plain_text(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    document = await ctx.document(customer, title="Scan")
    words = " ".join(f"wort{i}" for i in range(40))
    await extract(ctx, document, f"{words} <b>Die Rechnung</b> über Größe {words}")
    [hit] = (await search(ctx, "rechnung grosse")).hits
    marked = [p.text for p in hit.snippet if p.highlighted]
    assert marked == ["Rechnung", "Größe"]
    text = "".join(p.text for p in hit.snippet)
    assert "<b>Die Rechnung</b> über Größe" in text  # the document's text as text, never markup
    assert text.startswith("…")
    assert text.endswith("…")


async def test_text_is_found_after_the_index_job_and_follows_the_latest_version(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    document = await ctx.document(customer, title="Scan 1")
    assert titles(await search(ctx, "wärmepumpe")) == []
    await extract(ctx, document, "Angebot für eine Wärmepumpe")
    assert titles(await search(ctx, "warmepumpe")) == ["Scan 1"]
    await ctx.runtime.services().documents.add_version(
        ctx.principal, document.id, NewContent("scan.pdf", pdf_bytes("two"))
    )
    assert titles(await search(ctx, "warmepumpe")) == []  # the new version's text is not in yet
    await extract(ctx, document, "Auftrag Solaranlage")
    assert titles(await search(ctx, "solar")) == ["Scan 1"]


async def test_the_index_follows_metadata_customers_and_deletion(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    services = ctx.runtime.services()
    customer = await ctx.customer(name="Kowalski", erp_number="K-100")
    old = await ctx.document(customer, title="Altes Angebot", document_date=dt.date(2000, 1, 5))
    await services.documents.update_metadata(
        ctx.principal, old.id, MetadataPatch(title="Neues Angebot")
    )
    assert titles(await search(ctx, "altes")) == []
    assert titles(await search(ctx, "neues")) == ["Neues Angebot"]
    await services.customers.update(ctx.principal, customer.id, CustomerDraft(name="Nowak"))
    assert titles(await search(ctx, "nowak")) == ["Neues Angebot"]
    assert titles(await search(ctx, "kowalski")) == []
    assert titles(await search(ctx, "k 100")) == ["Neues Angebot"]
    await services.archive.delete(ctx.principal, old.id, "retention ended")
    assert (await search(ctx, "neues")).total == 0
    assert (await search(ctx)).total == 0


@pytest.mark.parametrize("scan_limit", [repository.SCAN_LIMIT, 0], ids=["scan", "index"])
async def test_every_filter_combines_with_the_text(
    tenant_ctx: TenantContext, monkeypatch: pytest.MonkeyPatch, scan_limit: int
) -> None:
    # SQLite tests the words entry by entry within few customers, else through FTS5 with tags:
    # both give the same answers (PostgreSQL has one way and runs the test twice).
    monkeypatch.setattr(repository, "SCAN_LIMIT", scan_limit)
    ctx = tenant_ctx
    services = ctx.runtime.services()
    a, b = await ctx.customer(), await ctx.customer()
    invoice = await ctx.document(
        a,
        "invoice",
        title="Vertrag Rechnung",
        document_date=dt.date(2026, 3, 1),
        index_values={"invoice_number": "R-1", "amount": {"amount": "250.00", "currency": "EUR"}},
    )
    await ctx.document(
        a,
        "invoice",
        title="Vertrag Rechnung klein",
        document_date=dt.date(2026, 1, 10),
        index_values={"invoice_number": "R-2", "amount": {"amount": "20.00", "currency": "EUR"}},
    )
    letter = await ctx.document(
        b, "letter", title="Vertrag Brief", document_date=dt.date(2025, 6, 1)
    )
    await services.documents.update_metadata(
        ctx.principal, letter.id, MetadataPatch(status="archived")
    )

    async def found(**criteria: object) -> list[str]:
        return sorted(titles(await search(ctx, "vertrag", **criteria)))

    assert await found(customer_ids=(b.id,)) == ["Vertrag Brief"]
    assert await found(document_type_ids=(ctx.types["letter"].id,)) == ["Vertrag Brief"]
    assert await found(register_ids=(ctx.registers["invoices"].id,)) == [
        "Vertrag Rechnung",
        "Vertrag Rechnung klein",
    ]
    assert await found(statuses=("archived",)) == ["Vertrag Brief"]
    assert await found(document_date=DateRange(dt.date(2026, 2, 1), dt.date(2026, 4, 1))) == [
        "Vertrag Rechnung"
    ]
    assert await found(document_date=DateRange(end=dt.date(2026, 1, 10))) == ["Vertrag Brief"]
    assert await found(created=RelativeDate(RelativeUnit.DAYS, 1)) == [
        "Vertrag Brief",
        "Vertrag Rechnung",
        "Vertrag Rechnung klein",
    ]
    assert await found(created=DateRange(end=dt.date(2000, 1, 1))) == []
    whole_2026 = DateRange(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert await found(document_date=whole_2026) == ["Vertrag Rechnung", "Vertrag Rechnung klein"]
    # A changed date, type filter and status move the document's filter words with it.
    await services.documents.update_metadata(
        ctx.principal, letter.id, MetadataPatch(document_date=dt.date(2026, 12, 31))
    )
    assert await found(document_date=whole_2026, statuses=("archived",)) == ["Vertrag Brief"]
    assert await found(document_date=DateRange(dt.date(2025, 1, 1), dt.date(2026, 1, 1))) == []
    assert await found(index=(IndexCondition("amount", minimum=100),)) == ["Vertrag Rechnung"]
    assert await found(index=(IndexCondition("invoice_number", equals="R-2"),)) == [
        "Vertrag Rechnung klein"
    ]
    assert await found(
        customer_ids=(a.id,), index=(IndexCondition("amount", minimum=10, maximum=30),)
    ) == ["Vertrag Rechnung klein"]
    # Fields alone, without text.
    result = await search(ctx, customer_ids=(a.id,), sort=SearchSort(SortKey.DOCUMENT_DATE, False))
    assert titles(result) == ["Vertrag Rechnung klein", "Vertrag Rechnung"]
    assert invoice.id == result.hits[1].document.id


async def test_groups_count_what_was_found(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    a = await ctx.customer(name="Alpha")
    b = await ctx.customer(name="Beta")
    for customer, type_key, day in (
        (a, "letter", dt.date(2026, 1, 5)),
        (a, "letter", dt.date(2026, 1, 20)),
        (a, "complaint", dt.date(2026, 2, 1)),
        (b, "letter", dt.date(2026, 2, 3)),
    ):
        await ctx.document(customer, type_key, title="Projekt Nord", document_date=day)

    async def groups(group_by: GroupBy) -> list[tuple[str, int]]:
        result = await search(ctx, "projekt", group_by=group_by, limit=1)
        assert result.total == 4
        assert len(result.hits) == 1
        return [(g.label, g.count) for g in result.groups]

    assert await groups(GroupBy.CUSTOMER) == [("Alpha", 3), ("Beta", 1)]
    assert await groups(GroupBy.DOCUMENT_TYPE) == [("Letter", 3), ("Complaint", 1)]
    # A complaint is filed in two registers and counts in each.
    assert await groups(GroupBy.REGISTER) == [("Correspondence", 4), ("Complaints", 1)]
    assert await groups(GroupBy.MONTH) == [("2026-02", 2), ("2026-01", 2)]
    result = await search(ctx, "projekt", group_by=GroupBy.CUSTOMER)
    assert {g.key for g in result.groups} == {a.id, b.id}


@pytest.mark.parametrize(
    "sort",
    [
        SearchSort(),
        SearchSort(SortKey.TITLE, False),
        SearchSort(SortKey.DOCUMENT_DATE),
        SearchSort(SortKey.CREATED_AT, False),
        SearchSort(SortKey.CUSTOMER),
        SearchSort(SortKey.DOCUMENT_TYPE, False),
        SearchSort(SortKey.STATUS),
        SearchSort(SortKey.INDEX, False, "quantity"),
    ],
    ids=lambda s: f"{s.key.value}-{'desc' if s.descending else 'asc'}",
)
async def test_pages_follow_each_other_without_gaps_or_repeats(
    tenant_ctx: TenantContext, sort: SearchSort
) -> None:
    ctx = tenant_ctx
    customers = [await ctx.customer(name=n) for n in ("Ceres", "Aurora")]
    expected = set()
    for i in range(7):
        quantity = {"quantity": i % 3} if i != 4 else {}  # one without: sorts last
        document = await ctx.document(
            customers[i % 2],
            "order" if i % 3 else "letter",
            title=f"Auftrag {'Pumpe ' * (i % 3)}{i % 4}",
            document_date=dt.date(2026, 1, 1 + i % 3),
            index_values=quantity if i % 3 else {},
        )
        expected.add(document.id)
    whole = await search(ctx, "auftrag", sort=sort)
    assert whole.total == 7
    seen: list[str] = []
    after = None
    while True:
        page = await search(ctx, "auftrag", sort=sort, after=after, limit=3)
        seen += [hit.document.id for hit in page.hits]
        after = page.next_cursor
        if after is None:
            break
    assert seen == [hit.document.id for hit in whole.hits]
    assert set(seen) == expected


async def test_results_and_counts_show_only_what_the_user_may_read(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    granted, hidden = await ctx.customer(), await ctx.customer()
    await ctx.document(granted, title="Wartung Anlage offen")
    await ctx.document(hidden, title="Wartung Anlage geheim")
    user, _ = await ctx.user("none")
    await ctx.grant(user, "viewer", ScopeKind.CUSTOMER, granted.id)
    principal = await ctx.principal_of(user)
    result = await search(ctx, "wartung", principal=principal, group_by=GroupBy.CUSTOMER)
    assert titles(result) == ["Wartung Anlage offen"]
    assert result.total == 1
    assert [(g.key, g.count) for g in result.groups] == [(granted.id, 1)]
    nobody, _ = await ctx.user("none")
    empty = await search(ctx, "wartung", principal=await ctx.principal_of(nobody))
    assert empty.total == 0
    assert not empty.hits


async def test_another_tenants_documents_are_never_found(tenant_ctx: TenantContext) -> None:
    other = await make_tenant_context(tenant_ctx.runtime)
    await other.document(await other.customer(), title="Mandant fremd Zeppelin")
    await tenant_ctx.document(await tenant_ctx.customer(), title="Mandant eigen")
    assert titles(await search(tenant_ctx, "mandant")) == ["Mandant eigen"]
    assert (await search(tenant_ctx, "zeppelin")).total == 0


async def test_the_total_is_capped_and_says_so(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    for _ in range(3):
        await ctx.document(customer, title="Kappe")
    services = ctx.runtime.services()
    capped = SearchService(
        PiccoloSearchRepository(),
        services.catalog,
        ctx.runtime.clock,
        count_limit=3,
        text_count_limit=2,
    )
    result = await capped.search(ctx.principal, SearchCriteria(text="kappe"))
    assert (result.total, result.total_exact, len(result.hits)) == (2, False, 3)
    listed = await capped.search(ctx.principal, SearchCriteria(customer_ids=(customer.id,)))
    assert (listed.total, listed.total_exact, len(listed.hits)) == (3, True, 3)
    await ctx.document(customer, title="Vierte")
    listed = await capped.search(ctx.principal, SearchCriteria(customer_ids=(customer.id,)))
    assert (listed.total, listed.total_exact, len(listed.hits)) == (3, False, 4)


@pytest.mark.parametrize(
    ("criteria", "after", "limit", "field", "code"),
    [
        ({"text": "x" * 501}, None, 50, "text", "too_long"),
        ({"text": " ".join(f"w{i}" for i in range(17))}, None, 50, "text", "too_long"),
        ({}, None, 0, "limit", "out_of_range"),
        ({}, None, 201, "limit", "out_of_range"),
        ({}, "not-a-cursor", 50, "after", "invalid_cursor"),
        ({"statuses": ("deleted",)}, None, 50, "statuses", "invalid_value"),
        ({"customer_ids": ("nope",)}, None, 50, "customerIds.0", "invalid_id"),
        (
            {"document_date": DateRange(dt.date(2026, 2, 1), dt.date(2026, 1, 1))},
            None,
            50,
            "documentDate",
            "invalid_range",
        ),
        (
            {"index": (IndexCondition("colour", equals="red"),)},
            None,
            50,
            "index.0.field",
            "unknown_field",
        ),
        (
            {"index": (IndexCondition("quantity", minimum=5, maximum=1),)},
            None,
            50,
            "index.0.maximum",
            "invalid_range",
        ),
        (
            {"sort": SearchSort(SortKey.INDEX, index_field="colour")},
            None,
            50,
            "sort.indexField",
            "unknown_field",
        ),
    ],
)
async def test_bad_criteria_are_refused_with_a_code(
    tenant_ctx: TenantContext,
    criteria: dict[str, object],
    after: str | None,
    limit: int,
    field: str,
    code: str,
) -> None:
    text = str(criteria.pop("text", ""))
    with pytest.raises(ValidationFailed) as refused:
        await search(tenant_ctx, text, after=after, limit=limit, **criteria)
    assert [(i.field, i.code) for i in refused.value.issues] == [(field, code)]


async def test_a_cursor_of_another_sort_is_refused(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    for _ in range(3):
        await ctx.document(customer, title="Seite")
    page = await search(ctx, "seite", limit=1)
    assert page.next_cursor is not None
    with pytest.raises(ValidationFailed) as refused:
        await search(ctx, "seite", after=page.next_cursor, sort=SearchSort(SortKey.TITLE))
    assert refused.value.issues[0].code == "invalid_cursor"


async def test_reindex_command_rebuilds_a_tenants_entries(
    tenant_ctx: TenantContext, settings_env: dict[str, str]
) -> None:
    ctx = tenant_ctx
    document = await ctx.document(await ctx.customer(), title="Verlorener Eintrag")
    await extract(ctx, document, "Inhalt mit Schraubenschlüssel")
    with tenant_scope(ctx.tenant.id):
        await ctx.runtime.database.fetch(
            "DELETE FROM search_entry WHERE tenant = {}", ctx.tenant.id
        )
    assert (await search(ctx, "verlorener")).total == 0
    done = await run(settings_env, "reindex", "--tenant", ctx.tenant.slug)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "reindexed 1 document(s) of 1 tenant(s)"
    assert titles(await search(ctx, "schraubenschlussel")) == ["Verlorener Eintrag"]
    unknown = await run(settings_env, "reindex", "--tenant", "no-such-tenant")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error [not_found]")


async def test_the_index_job_refuses_a_payload_without_a_document(
    tenant_ctx: TenantContext,
) -> None:
    handler = job_handlers(tenant_ctx.runtime)[SEARCH_INDEX_JOB]
    job = index_job(tenant_ctx.tenant.id, "not-an-id")
    with pytest.raises(JobFailed) as failed:
        await handler(job)
    assert failed.value.permanent


@pytest.mark.postgres_only
async def test_the_application_role_searches_through_the_gin_index(
    tenant_ctx: TenantContext,
) -> None:
    """Row-level security lets PostgreSQL use an index only for leakproof operators; the
    migration marks ``@@`` so, or every search would scan the tenant's entries."""
    ctx = tenant_ctx
    await ctx.document(await ctx.customer(), title="Indexprobe")
    database = ctx.runtime.database
    with tenant_scope(ctx.tenant.id):
        async with database.write():
            await database.fetch("SET LOCAL enable_seqscan = off")
            plan = await database.fetch(
                "EXPLAIN SELECT s.document FROM search_entry s "
                "WHERE s.tsv @@ to_tsquery('dossier_search', {})",
                "'indexprobe':*",
            )
    assert "search_entry_tsv" in "\n".join(str(r["QUERY PLAN"]) for r in plan)
