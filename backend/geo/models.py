"""Positions, geocoding outcomes, nearby hits and route plans as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "GeoState",
    "GeocodeMatch",
    "NavigationLinks",
    "NearbyCustomer",
    "Point",
    "Quality",
    "RoutePlan",
    "RouteStop",
    "StoredPosition",
]


class GeoState(StrEnum):
    """Where an address's position comes from, or why it has none."""

    PENDING = "pending"
    """A geocoding job is queued (or retrying)."""
    LOCATED = "located"
    """Found by the geocoder."""
    MANUAL = "manual"
    """Set by a person (a dragged pin) or given with the address; the geocoder never touches it."""
    NOT_FOUND = "not_found"
    """The geocoder knows no such address."""
    FAILED = "failed"
    """The geocoder kept failing (unreachable, malformed answers); retried on the next change."""
    OFF = "off"
    """No geocoder is configured (``DOSSIER_GEOCODER_URL`` unset)."""


class Quality(StrEnum):
    """How precise a position is, from the geocoder's own ranking of the match."""

    EXACT = "exact"
    """Set by a person on the map."""
    BUILDING = "building"
    """A house number or a building."""
    STREET = "street"
    """The street, not the house."""
    LOCALITY = "locality"
    """A postcode area, a district, a town."""
    REGION = "region"
    """A county, a state, a country: hardly useful for a visit."""


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class GeocodeMatch:
    """What a geocoder answered for an address (or a position, reversed)."""

    point: Point
    quality: Quality
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class StoredPosition:
    """The geodata kept with an address."""

    state: GeoState
    point: Point | None = None
    quality: Quality | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class NearbyCustomer:
    customer_id: str
    address_id: str
    point: Point
    distance_km: float


@dataclass(frozen=True, slots=True)
class NavigationLinks:
    geo_uri: str
    apple_maps: str
    google_maps: str


@dataclass(frozen=True, slots=True)
class RouteStop:
    customer_id: str
    address_id: str
    point: Point
    leg_km: float
    """From the previous stop (or the start)."""
    links: NavigationLinks


@dataclass(frozen=True, slots=True)
class RoutePlan:
    stops: list[RouteStop]
    total_km: float
    round_trip: bool
    return_leg_km: float = 0.0
    """Back to the start, for a round trip."""
    distances: str = "straight"
    """``straight`` (great-circle) or ``road`` (the routing service's table)."""
    notes: list[str] = field(default_factory=list)
