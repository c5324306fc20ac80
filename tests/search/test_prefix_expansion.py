"""Prefixes read their commonest words first on PostgreSQL (docs/adr/0023): the words counted per
tenant as entries change, and searches whose matches, counts and permissions are those of the
prefix as a whole on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.access.policy import ScopeKind
from backend.customers.models import CustomerDraft
from backend.documents.models import MetadataPatch
from backend.persistence.scope import tenant_scope
from backend.search.criteria import SearchCriteria, SortKey
from backend.search.expansion import (
    HEAD_WORDS,
    every_word,
    head_tsquery,
    head_words,
    narrowed,
    prefix_of,
)
from backend.search.models import SearchPlan
from backend.search.query import parse_query
from backend.search.repository import PiccoloSearchRepository
from backend.search.service import SearchService
from backend.search.words import completions, prefix_range
from tests.factories import TenantContext, make_tenant_context
from tests.search.conftest import extract, search, titles


def test_the_head_is_the_fewest_commonest_words_reaching_the_wanted_number() -> None:
    words = [("rodorkacz", 30), ("rodor", 8), ("rodorwo", 5), ("rodorka", 1)]
    assert head_words(words, 31) == ("rodorkacz", "rodor")
    assert head_words(words, 30) == ("rodorkacz",)
    # Every word, or not enough: the prefix is read as it is.
    assert head_words(words, 44) == ()
    assert head_words(words, 45) == ()
    # A word the query syntax would not take as it is stays with the rest of the prefix.
    assert head_words([("ro'x", 50), ("rox", 9), ("roy", 1)], 5) == ("rox",)
    many = [(f"ro{i:03d}", 1) for i in range(HEAD_WORDS + 1)]
    assert head_words(many, HEAD_WORDS + 1) == ()


def test_a_prefix_of_few_words_is_all_of_its_words() -> None:
    words = [("rodorkacz", 30), ("rodor", 8)]
    assert every_word(words) == ("rodorkacz", "rodor")
    assert every_word([]) == ()  # no word: the prefix as it is (it finds nothing)
    # One word more than could be read: the prefix may have more still.
    assert every_word([(f"ro{i:03d}", 1) for i in range(HEAD_WORDS + 1)]) == ()
    assert len(every_word([(f"ro{i:03d}", 1) for i in range(HEAD_WORDS)])) == HEAD_WORDS
    # A word the query syntax would not take as it is: the prefix as it is.
    assert every_word([("ro'x", 5), ("rox", 1)]) == ()


def test_only_a_prefix_alone_without_field_conditions_gets_a_head() -> None:
    query = parse_query("rodo")
    assert not narrowed(SearchPlan(query))
    assert not narrowed(SearchPlan(query, sort=SortKey.DOCUMENT_DATE))
    assert narrowed(SearchPlan(parse_query("oferta rodo")))  # the other word narrows it
    for condition in (
        {"customer_ids": ("c",)},
        {"document_ids": ("d",)},
        {"document_type_ids": ("t",)},
        {"register_ids": ("r",)},
        {"statuses": ("active",)},
        {"date_from": dt.date(2024, 1, 1)},
        {"date_until": dt.date(2024, 1, 1)},
        {"created_from": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        {"created_until": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
    ):
        assert narrowed(SearchPlan(query, **condition)), condition  # type: ignore[arg-type]


def test_the_head_query_keeps_the_other_words_whole() -> None:
    query = parse_query("Łódź rodo")
    assert prefix_of(query) == "rodo"
    assert head_tsquery(query, ("rodorkacz", "rodor")) == "'lodz' & ('rodorkacz' | 'rodor')"
    assert head_tsquery(parse_query("rodo"), ("rodor",)) == "('rodor')"
    assert prefix_of(parse_query("rodor x")) is None  # one letter: a whole word
    assert prefix_of(parse_query("")) is None


def test_a_prefix_is_a_range_of_words_in_code_point_order() -> None:
    assert prefix_range("rodor") == ("rodor", "rodos")
    assert prefix_range("zz") == ("zz", "z{")
    assert prefix_range("a\ud7ff") == ("a\ud7ff", "a\ue000")  # no surrogate in between
    low, high = prefix_range("ro")
    words = ["rn", "ro", "rodor", "ro\U0010fff0", "rp", "rpa"]
    assert [w for w in words if low <= w < high] == ["ro", "rodor", "ro\U0010fff0"]


async def _completions(ctx: TenantContext, prefix: str) -> dict[str, int]:
    with tenant_scope(ctx.tenant.id):
        return dict(await completions(ctx.tenant.id, prefix))


@pytest.mark.postgres_only
async def test_words_are_counted_as_documents_come_change_and_go(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    services = ctx.runtime.services()
    customer = await ctx.customer(name="Żółw Handel")
    first = await ctx.document(customer, title="Rodorkacz Rodorwo")
    # Dated long ago, so that its retention has ended and it may be deleted.
    second = await ctx.document(customer, title="Rodorkacz", document_date=dt.date(2000, 1, 5))
    assert await _completions(ctx, "rodo") == {"rodorkacz": 2, "rodorwo": 1}
    # Folded as the index folds them: ż, ó and ł.
    assert await _completions(ctx, "zo") == {"zolw": 2}
    await services.documents.update_metadata(
        ctx.principal, first.id, MetadataPatch(title="Rodorgusło")
    )
    assert await _completions(ctx, "rodo") == {"rodorkacz": 1, "rodorguslo": 1}
    await extract(ctx, second, "rodorwo rodorwo und rodorka")
    assert await _completions(ctx, "rodo") == {
        "rodorkacz": 1,
        "rodorguslo": 1,
        "rodorwo": 1,
        "rodorka": 1,
    }
    await services.archive.delete(ctx.principal, second.id, "retention ended")
    assert await _completions(ctx, "rodo") == {"rodorguslo": 1}
    # A customer's new name rewrites the entries of all its documents.
    await services.customers.update(ctx.principal, customer.id, CustomerDraft(name="Żubr"))
    assert await _completions(ctx, "zo") == {}
    assert await _completions(ctx, "zu") == {"zubr": 1}
    # Another tenant's words are not this one's.
    other = await make_tenant_context(ctx.runtime)
    await other.document(await other.customer(), title="Rodorszka")
    assert await _completions(other, "rodo") == {"rodorszka": 1}
    assert await _completions(ctx, "rodo") == {"rodorguslo": 1}


async def _seeded(ctx: TenantContext) -> dict[str, str]:
    """Nine documents with words starting "rodo": five with rodorkacz (one also with rodorwo),
    three with rodorwo, one with rodor; and one without."""
    customer = await ctx.customer()
    ids = {}
    # The commonest word last: the table's order alone would not put its documents first.
    for i in range(3):
        ids[f"wo{i}"] = (await ctx.document(customer, title=f"Rodorwo {i}")).id
    ids["rodor"] = (await ctx.document(customer, title="Rodor allein")).id
    ids["both"] = (await ctx.document(customer, title="Rodorkacz und Rodorwo")).id
    for i in range(4):
        ids[f"kacz{i}"] = (await ctx.document(customer, title=f"Rodorkacz {i}")).id
    ids["none"] = (await ctx.document(customer, title="Rechnung")).id
    return ids


async def _titled(ctx: TenantContext, *titles: str) -> None:
    """Documents of one new customer with these titles."""
    customer = await ctx.customer()
    for title in titles:
        await ctx.document(customer, title=title)


def _capped(ctx: TenantContext, cap: int) -> SearchService:
    services = ctx.runtime.services()
    return SearchService(
        PiccoloSearchRepository(), services.catalog, ctx.runtime.clock, text_count_limit=cap
    )


@pytest.mark.parametrize("cap", [3, 6, 100])
async def test_a_prefix_finds_and_counts_every_match_once(
    tenant_ctx: TenantContext, cap: int
) -> None:
    # cap 3: the head is rodorkacz (5 entries) and is enough; 6: rodorkacz and rodorwo (9);
    # 100: no head, the prefix as it is. The document with both words is found once.
    ctx = tenant_ctx
    ids = await _seeded(ctx)
    result = await _capped(ctx, cap).search(ctx.principal, SearchCriteria(text="rodo"))
    matching = set(ids.values()) - {ids["none"]}
    found = {hit.document.id for hit in result.hits}
    assert found <= matching
    assert len(found) == len(result.hits)
    assert (result.total, result.total_exact) == (min(9, cap), cap >= 9)
    assert len(result.hits) == min(9, cap + 1)  # the matches counted (cap + 1) are ranked
    whole = await search(ctx, "rodo")
    assert {hit.document.id for hit in whole.hits} == matching
    assert whole.total == 9


@pytest.mark.postgres_only
async def test_stale_counts_cost_time_and_never_a_match(tenant_ctx: TenantContext) -> None:
    # Counts that claim "rodor" is the commonest word: the head finds one document, and the
    # rest of the prefix is read for the others.
    ctx = tenant_ctx
    ids = await _seeded(ctx)
    with tenant_scope(ctx.tenant.id):
        await ctx.runtime.database.fetch(
            "UPDATE search_word SET entries = 1000 WHERE tenant = {} AND word = 'rodor'",
            ctx.tenant.id,
        )
    assert next(iter(await _completions(ctx, "rodo"))) == "rodor"
    whole = await _capped(ctx, 100).search(ctx.principal, SearchCriteria(text="rodo"))
    assert {hit.document.id for hit in whole.hits} == set(ids.values()) - {ids["none"]}
    assert (whole.total, whole.total_exact) == (9, True)
    capped = await _capped(ctx, 3).search(ctx.principal, SearchCriteria(text="rodo"))
    assert ids["rodor"] in {hit.document.id for hit in capped.hits}
    assert (capped.total, capped.total_exact, len(capped.hits)) == (3, False, 4)


@pytest.mark.postgres_only
async def test_postgres_ranks_the_commonest_words_matches_when_the_cap_is_reached(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    ids = await _seeded(ctx)
    result = await _capped(ctx, 3).search(ctx.principal, SearchCriteria(text="rodo"))
    assert {hit.document.id for hit in result.hits} <= {
        ids[k] for k in ("kacz0", "kacz1", "kacz2", "kacz3", "both")
    }
    assert len(result.hits) == 4


async def test_a_prefix_with_a_head_finds_only_what_the_user_may_read(
    tenant_ctx: TenantContext,
) -> None:
    # The commonest word's documents are hidden from the user: the visible ones are found and
    # counted (such a search reads the prefix as it is, see expansion.narrowed).
    ctx = tenant_ctx
    hidden, shown = await ctx.customer(), await ctx.customer()
    for i in range(5):
        await ctx.document(hidden, title=f"Rodorkacz {i}")
    await ctx.document(shown, title="Rodorwo eins")
    await ctx.document(shown, title="Rodor zwei")
    await ctx.document(hidden, title="Rodor drei")
    user, _ = await ctx.user("none")
    await ctx.grant(user, "viewer", ScopeKind.CUSTOMER, shown.id)
    principal = await ctx.principal_of(user)
    result = await _capped(ctx, 3).search(principal, SearchCriteria(text="rodo"))
    assert sorted(titles(result)) == ["Rodor zwei", "Rodorwo eins"]
    assert (result.total, result.total_exact) == (2, True)
    within = await _capped(ctx, 3).search(
        ctx.principal, SearchCriteria(text="rodo", customer_ids=(shown.id,))
    )
    assert sorted(titles(within)) == ["Rodor zwei", "Rodorwo eins"]


async def test_a_prefix_with_a_head_is_found_with_and_without_diacritics(
    tenant_ctx: TenantContext,
) -> None:
    ctx = tenant_ctx
    await _titled(ctx, *(f"Żółtko {i}" for i in range(4)), "Zółw", "Zolnierz")
    for text in ("zo", "żó", "ŻÓŁ", "zol"):
        result = await _capped(ctx, 2).search(ctx.principal, SearchCriteria(text=text))
        assert result.total == 2, text
        assert all(t.startswith(("Żółtko", "Zółw", "Zolnierz")) for t in titles(result))
    assert (await search(ctx, "żoł")).total == 6
    assert sorted(titles(await search(ctx, "zolw"))) == ["Zółw"]


async def test_a_prefix_after_another_word_finds_ranks_and_pages_as_the_prefix(
    tenant_ctx: TenantContext,
) -> None:
    # PostgreSQL matches "rodo" as its three words here (every_word) and ranks against the
    # query as typed; SQLite reads its prefix index. Both find the same, page by page.
    ctx = tenant_ctx
    await _titled(
        ctx,
        *(f"Oferta rodorkacz {i}" for i in range(3)),
        "Oferta rodor",
        "Oferta rodorwo rodor",
        "Rodorwo ohne",
        "Oferta ohne",
    )
    expected = {"Oferta rodorkacz 0", "Oferta rodorkacz 1", "Oferta rodorkacz 2"}
    expected |= {"Oferta rodor", "Oferta rodorwo rodor"}
    whole = await search(ctx, "oferta rodo")
    assert set(titles(whole)) == expected
    assert (whole.total, whole.total_exact) == (5, True)
    services = ctx.runtime.services()
    seen: list[str] = []
    after: str | None = None
    ranks: list[float] = []
    while True:
        page = await services.search.search(
            ctx.principal, SearchCriteria(text="oferta rodo"), after=after, limit=2
        )
        seen += titles(page)
        ranks += [hit.rank for hit in page.hits]
        after = page.next_cursor
        if after is None:
            break
    assert sorted(seen) == sorted(expected)
    assert ranks == sorted(ranks, reverse=True)
    if ctx.runtime.database.engine.engine_type == "postgres":
        with tenant_scope(ctx.tenant.id):
            rows = await ctx.runtime.database.fetch(
                "SELECT d.title, ts_rank(s.tsv, to_tsquery('dossier_search', 'oferta & rodo:*')) "
                "AS r FROM search_entry s JOIN document d ON d.id = s.document "
                "WHERE s.tenant = {}",
                ctx.tenant.id,
            )
        typed = {str(r["title"]): float(r["r"]) for r in rows}
        assert {hit.document.title: hit.rank for hit in whole.hits} == {
            title: pytest.approx(typed[title]) for title in expected
        }
