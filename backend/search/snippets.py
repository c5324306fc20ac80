"""Snippets: a few words around the first place a document matches, the matches marked.

One implementation for both engines, in Python over the page of hits only, so both show the same
snippet and fold letters exactly as the index does (``Łódź`` is marked for ``lodz``). The result is
plain text parts (:class:`~backend.search.models.SnippetPart`), never HTML: whatever a document
contains is shown as text by the client.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from backend.search.models import SnippetPart
from backend.search.query import FullTextQuery, fold_word

__all__ = ["SCAN_LIMIT", "make_snippet"]

SCAN_LIMIT = 50_000
"""Characters of a text searched for a match (a long OCR text's first pages)."""
WORDS = 24
BEFORE = 6
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
#: Words repeat across the hits of a page (and of every page): each is folded once.
_folded = lru_cache(maxsize=65_536)(fold_word)


def _matches(query: FullTextQuery, word: str) -> bool:
    folded = _folded(word)
    return any(folded.startswith(t) if query.prefixed(t) else folded == t for t in query.terms)


def _window(text: str, query: FullTextQuery) -> tuple[SnippetPart, ...] | None:
    words = list(_WORD.finditer(text))
    hit = next((i for i, w in enumerate(words) if _matches(query, w.group())), None)
    if hit is None and not query.empty:
        return None
    first = max(0, (hit or 0) - BEFORE) if hit is not None else 0
    chosen = words[first : first + WORDS]
    if not chosen:
        return ()
    parts: list[SnippetPart] = []
    plain = "…" if first > 0 else ""
    position = chosen[0].start()
    for w in chosen:
        plain += text[position : w.start()]
        if _matches(query, w.group()) and not query.empty:
            if plain:
                parts.append(SnippetPart(plain))
            parts.append(SnippetPart(w.group(), True))
            plain = ""
        else:
            plain += w.group()
        position = w.end()
    if first + WORDS < len(words):
        plain += "…"
    if plain:
        parts.append(SnippetPart(plain))
    return tuple(parts)


def make_snippet(query: FullTextQuery, sources: Sequence[str]) -> tuple[SnippetPart, ...]:
    """Around the first match in the first of ``sources`` (text, then index values, then title)
    that has one; the beginning of the first source when nothing matches (or no query)."""
    cleaned = [_SPACE.sub(" ", s[:SCAN_LIMIT]).strip() for s in sources]
    if not query.empty:
        for text in cleaned:
            found = _window(text, query)
            if found:
                return found
    for text in cleaned:
        if text:
            return _window(text, FullTextQuery(())) or ()
    return ()
