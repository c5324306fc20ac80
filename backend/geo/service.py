"""Positions of addresses, customers near a point, and the day's route (docs/adr/0018).

- **Geocoding** runs as ``geo.geocode`` jobs queued with each new or changed address
  (:mod:`backend.geo.positions`). A job looks the address's normal form up in the shared cache;
  only a miss asks the geocoder, in the installation's turn (:mod:`backend.geo.ratelimit`). The
  outcome goes to every address of the tenant with the same text, except those placed by hand:
  a ``manual`` position is never overwritten. "No match" is final for the job (it goes dead with
  ``no_match``, the address says ``not_found``); timeouts, 429s and malformed answers are retried
  with backoff, and the last failure leaves ``failed``.
- **Nearby**: a box around the point on the indexed ``(tenant, latitude, longitude)`` narrows the
  candidates in SQL, with the caller's customer visibility as in customer search; exact distances
  are computed here, one hit per customer (its nearest address).
- **Routes**: nearest neighbour and local search on great-circle or road distances
  (:mod:`backend.geo.route`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from backend.access.policy import Action, Principal, Resource, can, visibility
from backend.audit.service import AuditTrail
from backend.changes.models import Entity
from backend.changes.recording import record_change
from backend.errors import (
    FieldIssue,
    Forbidden,
    GeocoderNotConfigured,
    NotFound,
    ValidationFailed,
)
from backend.geo.addresses import address_key
from backend.geo.distance import bounding_boxes, distance_km
from backend.geo.jobs import geocode_job
from backend.geo.links import navigation_links
from backend.geo.models import (
    GeocodeMatch,
    GeoState,
    NearbyCustomer,
    Point,
    Quality,
    RoutePlan,
    RouteStop,
)
from backend.geo.ports import (
    CachedAnswer,
    GeocodeCache,
    Geocoder,
    GeocoderError,
    GeoRepository,
    LocatedAddress,
    RoadDistances,
)
from backend.geo.ratelimit import SharedRateLimit
from backend.geo.route import plan_order
from backend.ids import parse_id
from backend.jobs.models import Job, JobFailed
from backend.jobs.queue import JobQueue
from backend.ports import Clock, Transactions

__all__ = [
    "MAX_RADIUS_KM",
    "MAX_STOPS",
    "NO_MATCH_KEPT",
    "GeoService",
    "PlaceSuggestion",
]

MAX_RADIUS_KM = 500.0
"""Wider searches are refused (``out_of_range``): nobody visits across a whole country."""
MAX_NEARBY = 200
MAX_STOPS = 100
"""A day's route; more is refused (``too_many_stops``)."""
NO_MATCH_KEPT = dt.timedelta(days=30)
"""A remembered "no match" is asked again after this long: the map grows."""
SUGGEST_RADIUS_KM = 50.0
SUGGEST_WAIT_SECONDS = 5.0
"""A person waits for a reverse lookup at most this long for the installation's turn."""
_KIND_ORDER = {"delivery": 0, "billing": 1}


@dataclass(frozen=True, slots=True)
class PlaceSuggestion:
    """What is at a point: the address the geocoder names (if it could be asked) and the nearest
    customers. ``geocoder``: ``ok``, ``no_match``, ``off`` (none configured) or the reason it
    could not answer (``busy``, ``timeout``, ``unavailable`` …)."""

    place: GeocodeMatch | None
    geocoder: str
    customers: list[NearbyCustomer]


def _check_point(point: Point, prefix: str, issues: list[FieldIssue]) -> None:
    if not -90 <= point.latitude <= 90:
        issues.append(FieldIssue(f"{prefix}latitude", "out_of_range", "between -90 and 90"))
    if not -180 <= point.longitude <= 180:
        issues.append(FieldIssue(f"{prefix}longitude", "out_of_range", "between -180 and 180"))


def _valid_point(point: Point, prefix: str = "") -> None:
    issues: list[FieldIssue] = []
    _check_point(point, prefix, issues)
    if issues:
        raise ValidationFailed(issues)


def _unique(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _placed(tenant_id: str, customer_id: str, address_id: str) -> None:
    """An address of the customer got a position or a geocoding state (in the write transaction
    of the change)."""
    record_change(tenant_id, customer_id, Entity.ADDRESS, address_id)


class GeoService:
    def __init__(
        self,
        repo: GeoRepository,
        cache: GeocodeCache,
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
        jobs: JobQueue,
        *,
        geocoder: Geocoder | None = None,
        limit: SharedRateLimit | None = None,
        roads: RoadDistances | None = None,
    ) -> None:
        self._repo = repo
        self._cache = cache
        self._audit = audit
        self._tx = tx
        self._clock = clock
        self._jobs = jobs
        self._geocoder = geocoder
        self._limit = limit
        self._roads = roads

    # -- geocoding ------------------------------------------------------------------------------

    async def _cached(self, key: str) -> CachedAnswer | None:
        found = await self._cache.get(key)
        if (
            found is not None
            and found.match is None
            and self._clock() - found.created_at > (NO_MATCH_KEPT)
        ):
            return None
        return found

    async def _ask(self, wait: float | None = None) -> None:
        """Wait for the installation's turn to ask the geocoder."""
        if self._limit is not None:
            await self._limit.turn(wait)

    async def _failed(self, error: GeocoderError) -> None:
        if error.retry_after is not None and self._limit is not None:
            await self._limit.hold_off(error.retry_after)

    async def handle_geocode(self, job: Job) -> None:
        """The ``geo.geocode`` job (idempotent: a repeat finds the cache)."""
        tenant_id = job.tenant_id
        spot = await self._repo.address(tenant_id, str(job.payload.get("address", "")))
        if spot is None or spot.state is GeoState.MANUAL:
            return  # replaced meanwhile (its successor has a job of its own), or placed by hand
        key = address_key(spot.street, spot.postal_code, spot.city, spot.country)
        if self._geocoder is None:
            async with self._tx.write():
                await self._repo.apply_geocode(
                    tenant_id, spot.id, key, GeoState.OFF, None, self._clock()
                )
                _placed(tenant_id, spot.customer_id, spot.id)
            return
        answer = await self._cached(key)
        if answer is None:
            try:
                await self._ask()
                match = await self._geocoder.search(
                    spot.street, spot.postal_code, spot.city, spot.country
                )
            except GeocoderError as error:
                await self._failed(error)
                if error.permanent or job.attempts >= job.max_attempts:
                    async with self._tx.write():
                        await self._repo.apply_geocode(
                            tenant_id, spot.id, key, GeoState.FAILED, None, self._clock()
                        )
                        _placed(tenant_id, spot.customer_id, spot.id)
                raise JobFailed(error.reason, permanent=error.permanent) from None
            answer = CachedAnswer(match, self._clock())
            async with self._tx.write():
                await self._cache.put(key, self._geocoder.provider, match, answer.created_at)
        state = GeoState.NOT_FOUND if answer.match is None else GeoState.LOCATED
        async with self._tx.write():
            await self._repo.apply_geocode(
                tenant_id, spot.id, key, state, answer.match, self._clock()
            )
            _placed(tenant_id, spot.customer_id, spot.id)
        if answer.match is None:
            raise JobFailed("no_match", permanent=True)

    async def queue_unplaced(self, tenant_id: str, batch: int = 500) -> int:
        """Queue geocoding of every address of the tenant that has no position and may get one
        (stored before a geocoder was configured, or failed); return how many. Operators run it
        with ``dossier geocode`` after configuring a geocoder."""
        if self._geocoder is None:
            raise GeocoderNotConfigured()
        ids = await self._repo.unplaced(tenant_id)
        now = self._clock()
        for start in range(0, len(ids), batch):
            async with self._tx.write():
                for address_id, customer_id in ids[start : start + batch]:
                    await self._repo.set_position(
                        tenant_id, address_id, None, GeoState.PENDING, None, now
                    )
                    await self._jobs.enqueue(geocode_job(tenant_id, address_id))
                    _placed(tenant_id, customer_id, address_id)
        return len(ids)

    async def set_position(self, principal: Principal, address_id: str, point: Point | None) -> str:
        """Place an address by hand (``point``), or give it back to the geocoder (None); return
        its customer's id. Audited as ``customer.address_position``."""
        address_id = parse_id("address", address_id)
        spot = await self._repo.address(principal.tenant_id, address_id)
        if spot is None or not (
            can(principal, Action.READ, Resource(principal.tenant_id, spot.customer_id))
            or await self._visible_customer(principal, spot.customer_id)
        ):
            raise NotFound("address", address_id)
        if not can(principal, Action.WRITE, Resource(principal.tenant_id, spot.customer_id)):
            raise Forbidden("you may not change this customer")
        if point is not None:
            _valid_point(point)
        now = self._clock()
        async with self._tx.write():
            if point is not None:
                await self._repo.set_position(
                    principal.tenant_id, address_id, point, GeoState.MANUAL, Quality.EXACT, now
                )
            else:
                state = GeoState.PENDING if self._geocoder is not None else GeoState.OFF
                await self._repo.set_position(
                    principal.tenant_id, address_id, None, state, None, now
                )
                if self._geocoder is not None:
                    await self._jobs.enqueue(geocode_job(principal.tenant_id, address_id))
            _placed(principal.tenant_id, spot.customer_id, address_id)
            await self._audit.record(
                principal,
                "customer.address_position",
                "customer",
                spot.customer_id,
                {
                    "address": address_id,
                    "old": None
                    if spot.point is None
                    else [spot.point.latitude, spot.point.longitude],
                    "new": None if point is None else [point.latitude, point.longitude],
                },
            )
        return spot.customer_id

    async def _visible_customer(self, principal: Principal, customer_id: str) -> bool:
        seen, _, _ = await self._repo.located(
            principal.tenant_id, [customer_id], [], visibility(principal, Action.READ)
        )
        return customer_id in seen

    # -- nearby ---------------------------------------------------------------------------------

    async def near(
        self, principal: Principal, centre: Point, radius_km: float, limit: int
    ) -> list[NearbyCustomer]:
        """Customers the principal may see with an address within ``radius_km`` of ``centre``,
        nearest first (ties by customer id), each once with its nearest address."""
        issues: list[FieldIssue] = []
        _check_point(centre, "", issues)
        if not 0 < radius_km <= MAX_RADIUS_KM:
            issues.append(
                FieldIssue("radiusKm", "out_of_range", f"more than 0, at most {MAX_RADIUS_KM:g}")
            )
        if not 1 <= limit <= MAX_NEARBY:
            issues.append(FieldIssue("limit", "out_of_range", f"between 1 and {MAX_NEARBY}"))
        if issues:
            raise ValidationFailed(issues)
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return []
        # The flat ranking can swap customers at nearly equal distances: ask for some more.
        rows = await self._repo.nearest(
            principal.tenant_id,
            centre,
            bounding_boxes(centre, radius_km),
            2 * limit + 10,
            visible,
        )
        hits = [
            NearbyCustomer(row.customer_id, row.id, row.point, distance_km(centre, row.point))
            for row in rows
        ]
        hits = [h for h in hits if h.distance_km <= radius_km]
        return sorted(hits, key=lambda n: (n.distance_km, n.customer_id))[:limit]

    async def suggest(self, principal: Principal, point: Point) -> PlaceSuggestion:
        """For a photo's GPS position or the device's: the place there and the nearest customers."""
        _valid_point(point)
        customers = await self.near(principal, point, SUGGEST_RADIUS_KM, 5)
        if self._geocoder is None:
            return PlaceSuggestion(None, "off", customers)
        # About 11 m: positions of one visit share the answer.
        key = f"reverse:{point.latitude:.4f},{point.longitude:.4f}"
        answer = await self._cached(key)
        if answer is None:
            try:
                await self._ask(SUGGEST_WAIT_SECONDS)
                match = await self._geocoder.reverse(point)
            except GeocoderError as error:
                await self._failed(error)
                return PlaceSuggestion(None, error.reason, customers)
            answer = CachedAnswer(match, self._clock())
            async with self._tx.write():
                await self._cache.put(key, self._geocoder.provider, match, answer.created_at)
        return PlaceSuggestion(answer.match, "ok" if answer.match else "no_match", customers)

    # -- routes ---------------------------------------------------------------------------------

    async def plan_route(
        self,
        principal: Principal,
        start: Point,
        customer_ids: Sequence[str],
        address_ids: Sequence[str],
        round_trip: bool,
    ) -> RoutePlan:
        """Visit the customers (each at its delivery address if it has a position, else its
        billing address) and the addresses, in a short order from ``start``. Ids given twice are
        visited once."""
        issues: list[FieldIssue] = []
        _check_point(start, "start.", issues)
        customers = _unique([parse_id("customer", c) for c in customer_ids])
        addresses = _unique([parse_id("address", a) for a in address_ids])
        count = len(customers) + len(addresses)
        if count == 0:
            issues.append(FieldIssue("customerIds", "required", "give at least one stop"))
        elif count > MAX_STOPS:
            issues.append(FieldIssue("customerIds", "too_many_stops", f"at most {MAX_STOPS}"))
        if issues:
            raise ValidationFailed(issues)
        visible = visibility(principal, Action.READ)
        seen, located, known = await self._repo.located(
            principal.tenant_id, customers, addresses, visible
        )
        for customer_id in customers:
            if customer_id not in seen:
                raise NotFound("customer", customer_id)
        for address_id in addresses:
            if address_id not in known:
                raise NotFound("address", address_id)
        stops = self._stops(customers, addresses, located)
        if len(stops) < count:
            raise ValidationFailed(self._unplaced(customers, addresses, located))
        points = [start, *(s.point for s in stops)]
        road = self._roads is not None
        notes: list[str] = []
        d: list[list[float]] = []
        if self._roads is not None:
            try:
                d = await self._roads.matrix(points)
            except GeocoderError as error:
                road = False
                notes.append(f"road distances unavailable ({error.reason}); straight lines used")
        if not road:
            d = [[distance_km(a, b) for b in points] for a in points]
        order = plan_order(d, round_trip)
        route: list[RouteStop] = []
        here = 0
        for i in order:
            stop = stops[i - 1]
            route.append(
                RouteStop(
                    customer_id=stop.customer_id,
                    address_id=stop.id,
                    point=stop.point,
                    leg_km=d[here][i],
                    links=navigation_links(stop.point, stop.customer_name),
                )
            )
            here = i
        back = d[here][0] if round_trip else 0.0
        return RoutePlan(
            stops=route,
            total_km=sum(s.leg_km for s in route) + back,
            round_trip=round_trip,
            return_leg_km=back,
            distances="road" if road else "straight",
            notes=notes,
        )

    @staticmethod
    def _stops(
        customers: list[str], addresses: list[str], located: list[LocatedAddress]
    ) -> list[LocatedAddress]:
        by_id = {a.id: a for a in located}
        stops: list[LocatedAddress] = []
        for customer_id in customers:
            own = [a for a in located if a.customer_id == customer_id]
            if own:
                stops.append(min(own, key=lambda a: (_KIND_ORDER.get(a.kind, 2), a.position)))
        stops += [by_id[a] for a in addresses if a in by_id]
        return stops

    @staticmethod
    def _unplaced(
        customers: list[str], addresses: list[str], located: list[LocatedAddress]
    ) -> list[FieldIssue]:
        placed_customers = {a.customer_id for a in located}
        placed_addresses = {a.id for a in located}
        issues = [
            FieldIssue(f"customerIds.{i}", "no_position", "the customer has no address on the map")
            for i, c in enumerate(customers)
            if c not in placed_customers
        ]
        issues += [
            FieldIssue(f"addressIds.{i}", "no_position", "the address has no position yet")
            for i, a in enumerate(addresses)
            if a not in placed_addresses
        ]
        return issues
