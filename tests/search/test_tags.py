"""Filter words of search entries: the date ranges they cover, and the same tags from Python and
from SQLite's SQL (a mismatch would hide documents from filtered searches on SQLite)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.persistence.scope import tenant_scope
from backend.search.tags import MAX_DATE_TAGS, date_tags, entry_tags
from tests.factories import TenantContext

D = dt.date


@pytest.mark.parametrize(
    ("start", "until", "tags"),
    [
        (D(2024, 1, 1), D(2025, 1, 1), ("zzy2024",)),
        (D(2023, 1, 1), D(2025, 1, 1), ("zzy2023", "zzy2024")),
        (D(2024, 3, 15), D(2024, 4, 2), ("zzm202403", "zzm202404")),
        (D(2023, 12, 1), D(2025, 2, 1), ("zzm202312", "zzy2024", "zzm202501")),
        (D(2024, 1, 2), D(2025, 1, 1), tuple(f"zzm2024{m:02d}" for m in range(1, 13))),
        (D(2024, 5, 1), D(2024, 5, 1), ()),
        (D(2024, 5, 2), D(2024, 5, 1), ()),
        (D(2024, 2, 29), D(2024, 3, 1), ("zzm202402",)),
    ],
)
def test_date_ranges_are_covered_by_years_then_months(
    start: dt.date, until: dt.date, tags: tuple[str, ...]
) -> None:
    assert date_tags(start, until) == tags


def test_open_and_very_long_ranges_are_left_to_the_exact_condition() -> None:
    assert date_tags(None, D(2024, 1, 1)) is None
    assert date_tags(D(2024, 1, 1), None) is None
    # 11 months, 29 years and 11 months: not worth an OR of that many words.
    assert MAX_DATE_TAGS < 51
    assert date_tags(D(2000, 2, 1), D(2030, 12, 1)) is None
    assert date_tags(D(1990, 1, 1), D(2030, 1, 1)) == tuple(f"zzy{y}" for y in range(1990, 2030))


@pytest.mark.sqlite_only
async def test_sqlite_computes_the_same_tags_as_python(tenant_ctx: TenantContext) -> None:
    ctx = tenant_ctx
    customer = await ctx.customer()
    document = await ctx.document(customer, title="Tagged")
    with tenant_scope(ctx.tenant.id):
        rows = await ctx.runtime.database.fetch(
            "SELECT customer, document_type, status, document_date, tags FROM search_entry "
            "WHERE document = {}",
            document.id,
        )
    row = rows[0]
    expected = entry_tags(
        str(row["customer"]),
        str(row["document_type"]),
        str(row["status"]),
        D.fromisoformat(str(row["document_date"])),
    )
    assert row["tags"] == expected
    assert str(row["customer"]) == customer.id
