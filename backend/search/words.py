"""PostgreSQL: the words of a tenant's search entries that start with a prefix, commonest first.

``search_word`` holds each word's number of entries as last folded, ``search_word_change`` the
changes written since (the search migration of 2026-11-29T17:30 keeps both by triggers on
``search_entry``); their sum is exact. SQLite has neither and needs neither.
"""

from __future__ import annotations

from backend.persistence.sql import select
from backend.search.expansion import HEAD_WORDS
from backend.search.tables import SearchEntryTable

__all__ = ["completions", "prefix_range"]

_SURROGATES = range(0xD800, 0xE000)


def prefix_range(prefix: str) -> tuple[str, str]:
    """The words starting with ``prefix`` as a half-open range in code point order (the order
    of the ``"C"`` collation of ``search_word.word``). A range and not ``LIKE``: under
    row-level security PostgreSQL uses an index only for leakproof operators, and ``<`` and
    ``>=`` on text are, ``LIKE`` is not."""
    after = ord(prefix[-1]) + 1
    if after in _SURROGATES:  # no text holds them: the next character there is
        after = _SURROGATES.stop
    return prefix, prefix[:-1] + chr(after)


async def completions(tenant_id: str, prefix: str) -> list[tuple[str, int]]:
    """Up to :data:`HEAD_WORDS` + 1 words of the tenant's entries starting with ``prefix``
    (not empty), as (word, entries), most entries first (ties by word)."""
    low, high = prefix_range(prefix)
    rows = await select(
        SearchEntryTable,
        "SELECT word, sum(entries) AS n FROM ("
        "SELECT word, entries FROM search_word "
        'WHERE tenant = {} AND word >= {} COLLATE "C" AND word < {} COLLATE "C" '
        "UNION ALL "
        "SELECT word, entries FROM search_word_change "
        'WHERE tenant = {} AND word >= {} COLLATE "C" AND word < {} COLLATE "C"'
        ") AS w GROUP BY word HAVING sum(entries) > 0 ORDER BY n DESC, word LIMIT {}",
        tenant_id,
        low,
        high,
        tenant_id,
        low,
        high,
        HEAD_WORDS + 1,
    )
    return [(str(r["word"]), int(r["n"])) for r in rows]
