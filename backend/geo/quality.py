"""The quality of a geocoder's match, from what it says about the place it found.

Nominatim ranks places (``place_rank``: 4 country, 8 state, 12 county, 16 city, 20 suburb, 22-25
neighbourhood and postcode, 26-27 street, 28-30 house and building) and names their OSM class and
type; Photon names the type (``house``, ``street``, ``city`` …). ``importance`` only says how
prominent a place is (a capital rather than a hamlet of the same name), not how precisely it
matches, so it lowers a match only when it is tiny and the rank is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.geo.models import Quality

__all__ = ["quality_of"]

_BUILDING_TYPES = frozenset(
    {
        "house",
        "building",
        "residential",
        "commercial",
        "industrial",
        "retail",
        "apartments",
        "office",
        "yes",
        "address",
    }
)
_STREET_TYPES = frozenset(
    {
        "street",
        "road",
        "residential_road",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "service",
        "living_street",
        "pedestrian",
    }
)
_LOCALITY_TYPES = frozenset(
    {
        "city",
        "town",
        "village",
        "hamlet",
        "suburb",
        "district",
        "locality",
        "neighbourhood",
        "quarter",
        "postcode",
        "isolated_dwelling",
        "city_block",
        "borough",
    }
)


def _rank(raw: Mapping[str, Any]) -> int | None:
    value = raw.get("place_rank")
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def quality_of(raw: Mapping[str, Any]) -> Quality:
    """Quality of one raw match (a Nominatim result, or a Photon feature's ``properties``)."""
    rank = _rank(raw)
    if rank is not None:
        if rank >= 28:
            return Quality.BUILDING
        if rank >= 26:
            return Quality.STREET
        if rank >= 13:
            return Quality.LOCALITY
        return Quality.REGION
    kind = str(raw.get("type") or raw.get("addresstype") or raw.get("osm_value") or "").lower()
    category = str(raw.get("class") or raw.get("category") or raw.get("osm_key") or "").lower()
    if raw.get("housenumber") or kind in _BUILDING_TYPES or category == "building":
        return Quality.BUILDING
    if kind in _STREET_TYPES or category == "highway":
        return Quality.STREET
    if kind in _LOCALITY_TYPES or category == "place":
        return Quality.LOCALITY
    return Quality.REGION
