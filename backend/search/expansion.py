"""Which words of a prefix a PostgreSQL search reads first (docs/adr/0023).

GIN answers a prefix (``'rodor':*``) only as one bitmap of every entry holding any word with it,
built before the first entry is read: 71,000 entries of thirteen words cost 40 to 60 ms at
1,000,000 documents, though a ranked search needs only as many matches as its count's cap. The
*head* of a prefix is the fewest of its commonest words whose entries together reach that number:
the search reads the matches of the head first and the other words' only when the head's are not
enough (filters, permissions). Which matches are ranked is then "the commonest completions'
first" rather than "the first in the table's order"; the matches, the count up to its cap and
the rank of each match do not change, since the rest of the prefix is read whenever it could add
a match. A head is an advantage only: a word missing from the counts, or a stale count, is still
found, through the rest of the prefix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from backend.search.models import SearchPlan
from backend.search.query import FullTextQuery

__all__ = ["HEAD_WORDS", "every_word", "head_tsquery", "head_words", "narrowed", "prefix_of"]

HEAD_WORDS = 16
"""Most words in a head: a prefix whose commonest words are all rare (``"12"`` over order
numbers) reads its words as one prefix; their bitmap is small anyway."""

_PLAIN = re.compile(r"[^\W_]+")


def prefix_of(query: FullTextQuery) -> str | None:
    """The query's prefix word (its last word, when it is matched as a prefix), else None."""
    if query.empty or not query.prefixed(query.terms[-1]):
        return None
    return query.terms[-1]


def narrowed(plan: SearchPlan) -> bool:
    """Whether another word or a field condition keeps only some of the prefix's entries. Such a
    search gets no head: the head's own matches would then often fall short of the number
    wanted, and the rest of the prefix be read after the head (prefix + type + year at 1,000,000
    documents: 322 / 527 ms with the head, 272 / 455 without, p50 / p95 on a loaded machine).
    The head's counts are the prefix's alone, so another word narrows its matches as a condition
    does."""
    return bool(
        len(plan.query.terms) > 1
        or plan.customer_ids
        or plan.document_ids
        or plan.document_type_ids
        or plan.register_ids
        or plan.statuses
        or plan.index_bounds
        or any(
            bound is not None
            for bound in (plan.date_from, plan.date_until, plan.created_from, plan.created_until)
        )
    )


def head_words(completions: Sequence[tuple[str, int]], wanted: int) -> tuple[str, ...]:
    """The fewest of ``completions`` ((word, entries) in descending order of entries, as many as
    :data:`HEAD_WORDS` + 1) whose entries together reach ``wanted``; none when they do not, or
    when the head would be every completion (reading the prefix as such costs the same)."""
    head: list[str] = []
    total = 0
    for word, entries in completions[:HEAD_WORDS]:
        if not _PLAIN.fullmatch(word):  # not a word the query syntax takes as it is
            continue
        head.append(word)
        total += entries
        if total >= wanted:
            return () if len(head) == len(completions) else tuple(head)
    return ()


def every_word(completions: Sequence[tuple[str, int]]) -> tuple[str, ...]:
    """All of a prefix's words, when ``completions`` (as :func:`head_words` takes them) are all
    of them (at most :data:`HEAD_WORDS`) and each is a word the query syntax takes as it is;
    else none. The prefix is then the same as "any of these words": the counts are exact, and
    GIN reads a few whole words faster than their prefix (two words at 1,000,000 documents:
    18 ms for "oferta & rozage" against 28 ms for "oferta & rozage:*", index scan only, loaded
    machine), and it may for any search, narrowed or not."""
    if not completions or len(completions) > HEAD_WORDS:
        return ()
    words = tuple(word for word, _ in completions)
    return words if all(_PLAIN.fullmatch(word) for word in words) else ()


def head_tsquery(query: FullTextQuery, head: Sequence[str]) -> str:
    """The text for ``to_tsquery``: every word of ``query`` but the prefix as it is, and the
    prefix as any of the ``head`` words, whole."""
    words = " & ".join(f"'{t}'" for t in query.terms[:-1])
    either = " | ".join(f"'{w}'" for w in head)
    return f"{words} & ({either})" if words else f"({either})"
