"""Text folding for search keys: case- and accent-insensitive, so "Łódź" is found as "lodz"."""

from __future__ import annotations

import unicodedata

__all__ = ["SPECIAL_LETTERS", "fold"]

# Letters that Unicode does not decompose into a base letter plus a mark.
SPECIAL_LETTERS = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h"}
_SPECIAL = str.maketrans(SPECIAL_LETTERS)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
