"""Piccolo implementation of :class:`backend.visits.ports.VisitRepository`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from backend.access.policy import Visibility
from backend.geo.models import Point
from backend.persistence.rows import as_datetime
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_list, select
from backend.persistence.visibility import customer_condition
from backend.visits.models import Visit
from backend.visits.tables import VisitTable

__all__ = ["PiccoloVisitRepository"]

_COLUMNS = "id, tenant, customer, user_id, visited_at, note, latitude, longitude, created_at"


def _visit(row: dict[str, Any]) -> Visit:
    lat, lon = row["latitude"], row["longitude"]
    return Visit(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        customer_id=str(row["customer"]),
        user_id=str(row["user_id"]),
        visited_at=as_datetime(row["visited_at"]).astimezone(dt.UTC),
        note=row["note"],
        point=None if lat is None or lon is None else Point(lat, lon),
        created_at=as_datetime(row["created_at"]),
    )


@tenant_scoped
class PiccoloVisitRepository:
    async def customer_visible(self, tenant_id: str, customer_id: str, visible: Visibility) -> bool:
        condition, args = customer_condition(visible, "c")
        rows = await select(
            VisitTable,
            f"SELECT c.id FROM customer c WHERE c.tenant = {{}} AND c.id = {{}} AND {condition}",
            tenant_id,
            customer_id,
            *args,
        )
        return bool(rows)

    async def add(self, visit: Visit) -> None:
        await VisitTable.insert(
            VisitTable(
                id=visit.id,
                tenant=visit.tenant_id,
                customer=visit.customer_id,
                user_id=visit.user_id,
                visited_at=visit.visited_at,
                note=visit.note,
                latitude=None if visit.point is None else visit.point.latitude,
                longitude=None if visit.point is None else visit.point.longitude,
                created_at=visit.created_at,
            )
        )

    async def last_visits(
        self, tenant_id: str, customer_ids: Sequence[str]
    ) -> dict[str, dt.datetime]:
        if not customer_ids:
            return {}
        ids = list(customer_ids)
        # A correlated max() per customer: both engines answer it from the end of the
        # (customer, visited_at) index, one probe each, however many visits a customer has.
        rows = await select(
            VisitTable,
            "SELECT c.id, (SELECT max(v.visited_at) FROM customer_visit v "
            "WHERE v.customer = c.id AND v.tenant = c.tenant) AS last "
            f"FROM customer c WHERE c.tenant = {{}} AND c.id IN ({in_list(ids)})",
            tenant_id,
            *ids,
        )
        return {
            str(r["id"]): as_datetime(r["last"]).astimezone(dt.UTC)
            for r in rows
            if r["last"] is not None
        }

    async def of_customer(
        self,
        tenant_id: str,
        customer_id: str,
        after: tuple[dt.datetime, str] | None,
        limit: int,
    ) -> list[Visit]:
        sql = f"SELECT {_COLUMNS} FROM customer_visit WHERE tenant = {{}} AND customer = {{}}"
        args: list[Any] = [tenant_id, customer_id]
        if after is not None:
            sql += " AND (visited_at < {} OR (visited_at = {} AND id < {}))"
            args += [after[0], after[0], after[1]]
        sql += " ORDER BY visited_at DESC, id DESC LIMIT {}"
        rows = await select(VisitTable, sql, *args, limit)
        return [_visit(r) for r in rows]
