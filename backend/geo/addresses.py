"""The geocoding key of an address: one normal form for the cache and for matching.

Unicode NFKC (so compatibility forms such as full-width digits or the ligature "ﬁ" become plain
letters), case-folded (``ß`` → ``ss``, ``Ł`` → ``ł``) and with runs of whitespace collapsed.
Diacritics stay: "Łódź" and "Lodz" are different strings to a geocoder, and the key must not merge
what the geocoder tells apart.
"""

from __future__ import annotations

import unicodedata

__all__ = ["address_key", "normalise"]


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def address_key(street: str, postal_code: str, city: str, country: str) -> str:
    """``street, postal_code city, country`` in normal form, e.g. ``ul. piotrkowska 1, 90-001
    łódź, pl``."""
    place = " ".join(p for p in (normalise(postal_code), normalise(city)) if p)
    return ", ".join(p for p in (normalise(street), place, normalise(country)) if p)
