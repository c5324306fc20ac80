"""PostgreSQL: the words of a tenant's search entries that start with a prefix, commonest first.

``search_word`` holds each word's number of entries as last folded, ``search_word_change`` the
changes written since (the search migration of 2026-11-29T17:30 keeps both by triggers on
``search_entry``); their sum is exact. SQLite has neither and needs neither.
"""

from __future__ import annotations

from backend.persistence.sql import select
from backend.search.expansion import HEAD_WORDS
from backend.search.tables import SearchEntryTable

__all__ = ["completions"]

_LIKE_SPECIAL = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


async def completions(tenant_id: str, prefix: str) -> list[tuple[str, int]]:
    """Up to :data:`HEAD_WORDS` + 1 words of the tenant's entries starting with ``prefix``,
    as (word, entries), most entries first (ties by word)."""
    pattern = prefix.translate(_LIKE_SPECIAL) + "%"
    rows = await select(
        SearchEntryTable,
        "SELECT word, sum(entries) AS n FROM ("
        "SELECT word, entries FROM search_word WHERE tenant = {} AND word LIKE {} "
        "UNION ALL "
        "SELECT word, entries FROM search_word_change WHERE tenant = {} AND word LIKE {}"
        ") AS w GROUP BY word HAVING sum(entries) > 0 ORDER BY n DESC, word LIMIT {}",
        tenant_id,
        pattern,
        tenant_id,
        pattern,
        HEAD_WORDS + 1,
    )
    return [(str(r["word"]), int(r["n"])) for r in rows]
