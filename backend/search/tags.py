"""Filter words: a search entry's customer, type, status and document date as words of an FTS5
column of their own (``tags``), so SQLite answers "this word in these customers' invoices of
2024" inside the full-text index, by intersecting doclists, instead of reading every document of
the word and filtering afterwards (docs/adr/0014).

A tag is a prefix and a value with no separator in it (``zzc`` + the customer id without dashes,
``zzy2024``, ``zzm202403``). User words never reach this column: the query names the text columns
for them. Tags are a coarse, necessary condition only; the exact conditions are applied to the
entry's columns as well, so a tag only ever narrows what the index yields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

__all__ = [
    "MAX_DATE_TAGS",
    "SQLITE_TAGS",
    "customer_tag",
    "date_tags",
    "entry_tags",
    "month_tag",
    "status_tag",
    "tag_condition",
    "type_tag",
    "year_tag",
]

MAX_DATE_TAGS = 40
"""A date range that needs more year and month tags than this is left to the exact condition."""


SQLITE_TAGS = (
    "('zzc' || replace(lower({a}.customer), '-', '') || ' zzt' "
    "|| replace(lower({a}.document_type), '-', '') || ' zzs' || lower({a}.status) "
    "|| ' zzy' || substr({a}.document_date, 1, 4) "
    "|| ' zzm' || substr({a}.document_date, 1, 4) || substr({a}.document_date, 6, 2))"
)
"""The tags of a row ``{a}`` with the document's columns, as SQLite computes them (the same
words as the functions below; ``status`` values are lower-case words)."""


def _id(value: str) -> str:
    return value.replace("-", "").lower()


def customer_tag(customer_id: str) -> str:
    return f"zzc{_id(customer_id)}"


def type_tag(document_type_id: str) -> str:
    return f"zzt{_id(document_type_id)}"


def status_tag(status: str) -> str:
    return f"zzs{''.join(c for c in status.lower() if c.isalnum())}"


def year_tag(year: int) -> str:
    return f"zzy{year:04d}"


def month_tag(year: int, month: int) -> str:
    return f"zzm{year:04d}{month:02d}"


def entry_tags(customer_id: str, document_type_id: str, status: str, date: dt.date) -> str:
    """The ``tags`` of an entry, as :data:`SQLITE_TAGS` computes them from its columns."""
    return " ".join(
        (
            customer_tag(customer_id),
            type_tag(document_type_id),
            status_tag(status),
            year_tag(date.year),
            month_tag(date.year, date.month),
        )
    )


def date_tags(start: dt.date | None, until: dt.date | None) -> tuple[str, ...] | None:
    """Year and month tags that together cover the dates ``start <= d < until``: whole years as
    years, the rest as months (a month only partly inside counts whole; the exact condition cuts
    it). ``None`` when the range is open or needs more than :data:`MAX_DATE_TAGS` tags."""
    if start is None or until is None:
        return None
    if until <= start:
        return ()
    last = until - dt.timedelta(days=1)
    tags: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (last.year, last.month):
        if month == 1 and start <= dt.date(year, 1, 1) and dt.date(year, 12, 31) <= last:
            tags.append(year_tag(year))
            year += 1
        else:
            tags.append(month_tag(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if len(tags) > MAX_DATE_TAGS:
            return None
    return tuple(tags)


def tag_condition(tags: Iterable[str]) -> str:
    """An FTS5 expression true for entries with any of ``tags`` in the ``tags`` column. Tags are
    made of letters and digits only, so quoting them is enough to keep them words."""
    quoted = [f'"{t}"' for t in tags]
    return f"tags : ({' OR '.join(quoted)})"
