"""What the geo service needs from the outside: a geocoder, road distances, and storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from backend.access.policy import Visibility
from backend.geo.distance import LatLonBox
from backend.geo.models import GeocodeMatch, GeoState, Point, Quality

__all__ = [
    "AddressSpot",
    "CachedAnswer",
    "GeoRepository",
    "GeocodeCache",
    "Geocoder",
    "GeocoderError",
    "LocatedAddress",
    "RequestSlots",
    "RoadDistances",
]


class GeocoderError(Exception):
    """The geocoder did not answer usefully. ``reason`` is a stable code (``timeout``,
    ``rate_limited``, ``malformed_answer``, ``unavailable``, ``refused``, ``busy``);
    ``retry_after`` is the server's ``Retry-After`` in seconds; ``permanent``: asking again
    cannot help."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


class Geocoder(Protocol):
    provider: str

    async def search(
        self, street: str, postal_code: str, city: str, country: str
    ) -> GeocodeMatch | None:
        """The best match for the address, or None when there is none."""
        ...

    async def reverse(self, point: Point) -> GeocodeMatch | None:
        """The address at ``point``, or None when there is none."""
        ...


class RoadDistances(Protocol):
    async def matrix(self, points: Sequence[Point]) -> list[list[float]]:
        """Road distances in km between every pair (row: from, column: to)."""
        ...


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    match: GeocodeMatch | None
    """None: the geocoder knew no such place."""
    created_at: dt.datetime


class GeocodeCache(Protocol):
    """Answers by key, shared by every tenant of the installation."""

    async def get(self, key: str) -> CachedAnswer | None: ...

    async def put(
        self, key: str, provider: str, match: GeocodeMatch | None, at: dt.datetime
    ) -> None: ...


class RequestSlots(Protocol):
    async def reserve(
        self, name: str, now: float, interval: float, max_wait: float
    ) -> float | None:
        """Atomically take the next free turn of ``name`` (seconds since the epoch) and move the
        next one ``interval`` further; None (and nothing taken) when that turn is more than
        ``max_wait`` away."""
        ...

    async def hold_off(self, name: str, until: float) -> None:
        """No turn of ``name`` before ``until`` (a server's Retry-After)."""
        ...


@dataclass(frozen=True, slots=True)
class AddressSpot:
    """An address as the geocoding job needs it."""

    id: str
    customer_id: str
    key: str
    street: str
    postal_code: str
    city: str
    country: str
    state: GeoState
    point: Point | None


@dataclass(frozen=True, slots=True)
class LocatedAddress:
    """An address with a position, and its customer (for nearby lists and routes)."""

    id: str
    customer_id: str
    customer_name: str
    kind: str
    position: int
    point: Point


class GeoRepository(Protocol):
    async def address(self, tenant_id: str, address_id: str) -> AddressSpot | None: ...

    async def apply_geocode(
        self,
        tenant_id: str,
        address_id: str,
        key: str,
        state: GeoState,
        match: GeocodeMatch | None,
        at: dt.datetime,
    ) -> int:
        """Store the outcome on the address and on every address of the tenant with the same key,
        except those placed by hand (and, for an outcome without a match, those that have a
        position); return how many changed."""
        ...

    async def set_position(
        self,
        tenant_id: str,
        address_id: str,
        point: Point | None,
        state: GeoState,
        quality: Quality | None,
        at: dt.datetime,
    ) -> None: ...

    async def unplaced(self, tenant_id: str) -> list[tuple[str, str]]:
        """Ids of the tenant's addresses without a position that the geocoder may place (not
        ``manual``, not ``not_found``), each with its customer's id."""
        ...

    async def nearest(
        self,
        tenant_id: str,
        centre: Point,
        boxes: Sequence[LatLonBox],
        customers: int,
        visible: Visibility,
    ) -> list[LocatedAddress]:
        """The nearest address in ``boxes`` of each of the ``customers`` visible customers
        nearest to ``centre``, by a flat approximation (exact distances are the caller's); only
        ``id``, ``customer_id`` and ``point`` are filled."""
        ...

    async def located(
        self,
        tenant_id: str,
        customer_ids: Sequence[str],
        address_ids: Sequence[str],
        visible: Visibility,
    ) -> tuple[set[str], list[LocatedAddress], set[str]]:
        """(visible customers among ``customer_ids`` and the customers of ``address_ids``,
        their located addresses, the ids of ``address_ids`` that exist and are visible)."""
        ...
