"""Piccolo implementations of the geo ports.

Positions live on ``customer_address`` (tenant tables, behind the walls). The geocoding cache and
the request slots are shared by all tenants (no ``tenant`` column): they hold public map data and
a clock, nothing of any tenant (docs/adr/0018).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from backend.access.policy import Visibility
from backend.customers.tables import AddressTable
from backend.geo.distance import LatLonBox, cell_of, cells_of
from backend.geo.models import GeocodeMatch, GeoState, Point, Quality
from backend.geo.ports import AddressSpot, CachedAnswer, LocatedAddress
from backend.geo.tables import GeocodeCacheTable, GeocoderSlotTable
from backend.persistence.rows import as_datetime
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_list, select
from backend.persistence.visibility import customer_condition

__all__ = ["PiccoloGeoRepository", "PiccoloGeocodeCache", "PiccoloRequestSlots"]

_LOCATED = (
    "SELECT a.id, a.customer, a.kind, a.position, a.latitude, a.longitude, c.name "
    "FROM customer_address a JOIN customer c ON c.id = a.customer AND c.tenant = a.tenant "
)


def _located(row: dict[str, Any]) -> LocatedAddress:
    return LocatedAddress(
        id=str(row["id"]),
        customer_id=str(row["customer"]),
        customer_name=str(row["name"]),
        kind=str(row["kind"]),
        position=int(row["position"]),
        point=Point(float(row["latitude"]), float(row["longitude"])),
    )


def _box_condition(boxes: Sequence[LatLonBox], args: list[Any]) -> str:
    parts = []
    for box in boxes:
        south, north, west, east = box
        cells = cells_of(box)
        strips = ""
        if cells is not None:
            strips = f"a.geo_cell IN ({in_list(cells)}) AND "
            args += cells
        parts.append(
            f"({strips}a.latitude BETWEEN {{}} AND {{}} AND a.longitude BETWEEN {{}} AND {{}})"
        )
        args += [south, north, west, east]
    return "(" + " OR ".join(parts) + ")"


@tenant_scoped
class PiccoloGeoRepository:
    async def address(self, tenant_id: str, address_id: str) -> AddressSpot | None:
        rows = await select(
            AddressTable,
            "SELECT * FROM customer_address WHERE tenant = {} AND id = {}",
            tenant_id,
            address_id,
        )
        if not rows:
            return None
        r = rows[0]
        point = None
        if r["latitude"] is not None and r["longitude"] is not None:
            point = Point(float(r["latitude"]), float(r["longitude"]))
        return AddressSpot(
            id=str(r["id"]),
            customer_id=str(r["customer"]),
            key=str(r["geo_key"]),
            street=r["street"],
            postal_code=r["postal_code"],
            city=r["city"],
            country=r["country"],
            state=GeoState(r["geo_state"]),
            point=point,
        )

    async def apply_geocode(
        self,
        tenant_id: str,
        address_id: str,
        key: str,
        state: GeoState,
        match: GeocodeMatch | None,
        at: dt.datetime,
    ) -> int:
        rows = await AddressTable.raw(
            "UPDATE customer_address SET latitude = {}, longitude = {}, geo_cell = {}, "
            "geo_state = {}, geo_quality = {}, geo_updated_at = {}, geo_key = {} "
            "WHERE tenant = {} AND (id = {} OR geo_key = {}) AND geo_state <> 'manual' "
            # An outcome without a position never takes one away from a twin that has one.
            f"{'' if match is not None else 'AND latitude IS NULL '}"
            "RETURNING id",
            None if match is None else match.point.latitude,
            None if match is None else match.point.longitude,
            None if match is None else cell_of(match.point.longitude),
            state.value,
            None if match is None else match.quality.value,
            at,
            key,
            tenant_id,
            address_id,
            key,
        )
        return len(rows)

    async def set_position(
        self,
        tenant_id: str,
        address_id: str,
        point: Point | None,
        state: GeoState,
        quality: Quality | None,
        at: dt.datetime,
    ) -> None:
        await AddressTable.raw(
            "UPDATE customer_address SET latitude = {}, longitude = {}, geo_cell = {}, "
            "geo_state = {}, geo_quality = {}, geo_updated_at = {} WHERE tenant = {} AND id = {}",
            None if point is None else point.latitude,
            None if point is None else point.longitude,
            None if point is None else cell_of(point.longitude),
            state.value,
            None if quality is None else quality.value,
            at,
            tenant_id,
            address_id,
        )

    async def unplaced(self, tenant_id: str) -> list[tuple[str, str]]:
        rows = await select(
            AddressTable,
            "SELECT id, customer FROM customer_address WHERE tenant = {} AND latitude IS NULL "
            "AND geo_state IN ('pending', 'off', 'failed') ORDER BY id",
            tenant_id,
        )
        return [(str(r["id"]), str(r["customer"])) for r in rows]

    async def nearest(
        self,
        tenant_id: str,
        centre: Point,
        boxes: Sequence[LatLonBox],
        customers: int,
        visible: Visibility,
    ) -> list[LocatedAddress]:
        # Ranked by the equirectangular approximation, which keeps the ranking of points this
        # close; the caller computes exact distances of what comes back. An administrator's
        # search reads the covering index (tenant, latitude, longitude, customer, id) alone.
        scale = math.cos(math.radians(centre.latitude))
        flat = (
            "((a.latitude - {}) * (a.latitude - {}) + "
            "((a.longitude - {}) * {}) * ((a.longitude - {}) * {}))"
        )
        args: list[Any] = [centre.latitude, centre.latitude, centre.longitude, scale]
        args += [centre.longitude, scale, tenant_id]
        boxed = _box_condition(boxes, args)
        condition, more = customer_condition(visible, "c")
        args += more
        args.append(customers)
        customer_join = (
            ""
            if condition == "1 = 1"
            else "JOIN customer c ON c.id = a.customer AND c.tenant = a.tenant "
        )
        sql = (
            "SELECT id, customer, latitude, longitude FROM (SELECT p.id, p.customer, "
            "p.latitude, p.longitude, p.d2, ROW_NUMBER() OVER (PARTITION BY p.customer "
            "ORDER BY p.d2, p.id) AS k FROM (SELECT a.id, a.customer, a.latitude, a.longitude, "
            f"{flat} AS d2 FROM customer_address a {customer_join}"
            f"WHERE a.tenant = {{}} AND {boxed} AND {condition}) p) ranked "
            "WHERE k = 1 ORDER BY d2, customer LIMIT {}"
        )
        rows = await select(AddressTable, sql, *args)
        return [
            LocatedAddress(
                id=str(r["id"]),
                customer_id=str(r["customer"]),
                customer_name="",
                kind="",
                position=0,
                point=Point(float(r["latitude"]), float(r["longitude"])),
            )
            for r in rows
        ]

    async def located(
        self,
        tenant_id: str,
        customer_ids: Sequence[str],
        address_ids: Sequence[str],
        visible: Visibility,
    ) -> tuple[set[str], list[LocatedAddress], set[str]]:
        condition, more = customer_condition(visible, "c")
        found: list[LocatedAddress] = []
        seen: set[str] = set()
        if customer_ids:
            ids = list(customer_ids)
            rows = await select(
                AddressTable,
                f"SELECT c.id FROM customer c WHERE c.tenant = {{}} AND c.id IN ({in_list(ids)}) "
                f"AND {condition}",
                tenant_id,
                *ids,
                *more,
            )
            seen = {str(r["id"]) for r in rows}
            if seen:
                visible_ids = sorted(seen)
                rows = await select(
                    AddressTable,
                    f"{_LOCATED}WHERE a.tenant = {{}} AND a.customer IN ({in_list(visible_ids)}) "
                    "AND a.latitude IS NOT NULL AND a.longitude IS NOT NULL "
                    "ORDER BY a.customer, a.position",
                    tenant_id,
                    *visible_ids,
                )
                found += [_located(r) for r in rows]
        known: set[str] = set()
        if address_ids:
            ids = list(address_ids)
            rows = await select(
                AddressTable,
                "SELECT a.id, a.customer, a.kind, a.position, a.latitude, a.longitude, c.name "
                "FROM customer_address a JOIN customer c ON c.id = a.customer "
                f"AND c.tenant = a.tenant WHERE a.tenant = {{}} AND a.id IN ({in_list(ids)}) "
                f"AND {condition}",
                tenant_id,
                *ids,
                *more,
            )
            for r in rows:
                known.add(str(r["id"]))
                seen.add(str(r["customer"]))
                if r["latitude"] is not None and r["longitude"] is not None:
                    found.append(_located(r))
        return seen, found, known


class PiccoloGeocodeCache:
    async def get(self, key: str) -> CachedAnswer | None:
        rows = await select(GeocodeCacheTable, "SELECT * FROM geocode_cache WHERE key = {}", key)
        if not rows:
            return None
        r = rows[0]
        match = None
        if r["found"] == "y":
            match = GeocodeMatch(
                point=Point(float(r["latitude"]), float(r["longitude"])),
                quality=Quality(r["quality"]),
                display_name=r["display_name"],
            )
        return CachedAnswer(match=match, created_at=as_datetime(r["created_at"]))

    async def put(
        self, key: str, provider: str, match: GeocodeMatch | None, at: dt.datetime
    ) -> None:
        values = (
            "n" if match is None else "y",
            None if match is None else match.point.latitude,
            None if match is None else match.point.longitude,
            None if match is None else match.quality.value,
            "" if match is None else match.display_name,
        )
        await GeocodeCacheTable.raw(
            "INSERT INTO geocode_cache (key, provider, found, latitude, longitude, quality, "
            "display_name, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (key) DO UPDATE SET provider = excluded.provider, found = excluded.found, "
            "latitude = excluded.latitude, longitude = excluded.longitude, "
            "quality = excluded.quality, display_name = excluded.display_name, "
            "created_at = excluded.created_at",
            key,
            provider,
            *values,
            at,
        )


class PiccoloRequestSlots:
    async def reserve(
        self, name: str, now: float, interval: float, max_wait: float
    ) -> float | None:
        await GeocoderSlotTable.raw(
            "INSERT INTO geocoder_slot (name, next_at) VALUES ({}, {}) "
            "ON CONFLICT (name) DO NOTHING",
            name,
            0.0,
        )
        rows = await GeocoderSlotTable.raw(
            "UPDATE geocoder_slot SET next_at = "
            "(CASE WHEN next_at > {} THEN next_at ELSE {} END) + {} "
            "WHERE name = {} AND next_at <= {} RETURNING next_at",
            float(now),
            float(now),
            float(interval),
            name,
            float(now + max_wait),
        )
        return float(rows[0]["next_at"]) - interval if rows else None

    async def hold_off(self, name: str, until: float) -> None:
        await GeocoderSlotTable.raw(
            "INSERT INTO geocoder_slot (name, next_at) VALUES ({}, {}) "
            "ON CONFLICT (name) DO UPDATE SET next_at = "
            "CASE WHEN geocoder_slot.next_at > excluded.next_at THEN geocoder_slot.next_at "
            "ELSE excluded.next_at END",
            name,
            float(until),
        )
