"""A search's words matched and ranked in Python, as the full-text index matches them: for
SQLite searches within a few dossiers, where reading the customers' entries and testing each is
cheaper than FTS5 (which merges a prefix's whole doclist and scans it again to rank with bm25).

Text is folded as the index folds it (case, accents, ``ł``/``ß``/``æ``… as in
:mod:`backend.search.query`), words are runs of letters and digits, every word of the query must
occur, the last one as a prefix when :meth:`~backend.search.query.FullTextQuery.prefixed` says so.
The pattern form of a query (:func:`pattern_text`) is what SQL passes to the functions: folded
words separated by spaces, ``*`` after a prefix.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from backend.search.query import INDEX_LETTERS, FullTextQuery
from backend.text import SPECIAL_LETTERS

__all__ = ["WEIGHTS", "fast_fold", "pattern_text", "rank"]

WEIGHTS = (10.0, 4.0, 1.0)
"""Title, keys (customer, type, index values), text: as bm25's column weights and PostgreSQL's
A/B/C."""
_LETTERS = str.maketrans(SPECIAL_LETTERS | INDEX_LETTERS)
# The combining marks NFKD leaves behind (Latin, Greek and Cyrillic accents among them).
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fast_fold(text: str) -> str:
    """``text`` in lower case without accents, in C-speed steps (no per-character Python): the
    letters of :func:`backend.text.fold` and :func:`~backend.search.query.fold_word`, with the
    marks of the common combining blocks removed (``fold`` removes every combining mark, one
    character at a time; the two differ only for marks outside these blocks)."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_LETTERS))).casefold()


def pattern_text(query: FullTextQuery) -> str:
    return " ".join(t + ("*" if query.prefixed(t) else "") for t in query.terms)


@lru_cache(maxsize=256)
def _patterns(pattern: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for term in pattern.split():
        prefix = term.endswith("*")
        word = re.escape(term.rstrip("*"))
        compiled.append(re.compile(rf"(?<![^\W_]){word}" + ("" if prefix else r"(?![^\W_])")))
    return tuple(compiled)


def rank(pattern: str, title: str | None, keys: str | None, body: str | None) -> float | None:
    """``None`` unless every word of ``pattern`` occurs in one of the three texts; else the
    weighted occurrences of the words per text, damped by the text's length (a word in a short
    title counts more than one in a long letter)."""
    patterns = _patterns(pattern)
    found = [False] * len(patterns)
    score = 0.0
    for weight, text in zip(WEIGHTS, (title, keys, body), strict=True):
        if not text:
            continue
        folded = fast_fold(text)
        hits = 0
        for i, compiled in enumerate(patterns):
            n = len(compiled.findall(folded))
            if n:
                found[i] = True
                hits += n
        if hits:
            score += weight * hits / (1.0 + math.log1p(len(folded) / 8.0))
    return score if all(found) else None
