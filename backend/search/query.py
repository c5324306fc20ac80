"""The words of a full-text query, and their form for each engine's index.

A query is a list of words (``\\w+`` runs, case and accents folded as the index folds them); all
must occur (AND). Only the last word typed is a prefix ("rech" finds "Rechnung"), once it has two
letters or more: it is the word being typed, and earlier words match whole, which keeps the
index lookups of a long query cheap. The engine forms are built from the folded words alone, so
no operator or quote a user types ever reaches the PostgreSQL ``tsquery`` parser or FTS5's query
syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.errors import ValidationFailed
from backend.text import fold

__all__ = [
    "INDEX_LETTERS",
    "MAX_TERMS",
    "MAX_TEXT",
    "FullTextQuery",
    "fold_word",
    "parse_query",
]

MAX_TEXT = 500
"""Longest query text, in characters."""
MAX_TERMS = 16
"""Most words a query may have."""
MIN_PREFIX = 2
"""Shorter words match whole words only: a one-letter prefix would expand to most of the index."""

_WORD = re.compile(r"\w+")
# Letters the index folds beyond accents: PostgreSQL's unaccent rules and the SQLite triggers
# (see backend.search.index) map them the same way.
INDEX_LETTERS = {"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"}
"""Letters the index folds beyond :func:`backend.text.fold`."""
_EXTRA = str.maketrans(INDEX_LETTERS)


def fold_word(word: str) -> str:
    """``word`` as the index holds it: lower case, no accents, ``ł`` as ``l``, ``ß`` as ``ss``."""
    return fold(word.translate(_EXTRA)).replace(" ", "")


@dataclass(frozen=True, slots=True)
class FullTextQuery:
    terms: tuple[str, ...]
    """The folded words, in the order typed, without repeats."""

    @property
    def empty(self) -> bool:
        return not self.terms

    def prefixed(self, term: str) -> bool:
        """Whether ``term`` matches as a prefix: only the last word, of two letters or more."""
        return term == self.terms[-1] and len(term) >= MIN_PREFIX

    def tsquery(self) -> str:
        """The text for ``to_tsquery('dossier_search', …)``: quoted lexemes, ``:*`` for prefixes."""
        return " & ".join(f"'{t}'" + (":*" if self.prefixed(t) else "") for t in self.terms)

    def fts5(self) -> str:
        """The FTS5 MATCH expression: quoted phrases of one word, ``*`` for prefixes."""
        return " ".join(f'"{t}"' + ("*" if self.prefixed(t) else "") for t in self.terms)


def parse_query(text: str) -> FullTextQuery:
    """The words of ``text``; ``text_too_long`` beyond :data:`MAX_TEXT` characters or
    :data:`MAX_TERMS` words. Text without a word (punctuation only) is an empty query."""
    if len(text) > MAX_TEXT:
        raise ValidationFailed.one("text", "too_long", f"at most {MAX_TEXT} characters")
    terms: list[str] = []
    for match in _WORD.finditer(text):
        for part in _WORD.findall(fold_word(match.group())):
            # \w admits "_", which both index tokenizers treat as a separator.
            for piece in part.split("_"):
                if piece and piece not in terms:
                    terms.append(piece)
    if len(terms) > MAX_TERMS:
        raise ValidationFailed.one("text", "too_long", f"at most {MAX_TERMS} words")
    return FullTextQuery(tuple(terms))
