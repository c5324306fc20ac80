"""Piccolo implementation of :class:`backend.views.ports.ViewRepository`."""

from __future__ import annotations

import json
from typing import Any

from backend.persistence.rows import as_datetime, opt_str
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_list, select
from backend.views.codec import criteria_from_json, criteria_to_json
from backend.views.models import Audience, AudienceKind, Placement, SavedView
from backend.views.tables import SavedViewTable

__all__ = ["PiccoloViewRepository"]

_COLUMNS = (
    "v.id, v.tenant, v.name, v.description, v.owner, v.audience, v.audience_group, "
    "v.placement, v.position, v.criteria, v.created_at, v.created_by, v.updated_at, v.updated_by"
)


def _view(row: dict[str, Any]) -> SavedView:
    return SavedView(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        name=row["name"],
        description=opt_str(row["description"]),
        owner_id=str(row["owner"]),
        audience=Audience(AudienceKind(row["audience"]), opt_str(row["audience_group"])),
        placement=Placement(row["placement"]),
        position=int(row["position"]),
        criteria=criteria_from_json(json.loads(row["criteria"])),
        created_at=as_datetime(row["created_at"]),
        created_by=str(row["created_by"]),
        updated_at=as_datetime(row["updated_at"]),
        updated_by=str(row["updated_by"]),
    )


def _criteria_text(view: SavedView) -> str:
    return json.dumps(criteria_to_json(view.criteria), sort_keys=True, separators=(",", ":"))


@tenant_scoped
class PiccoloViewRepository:
    async def visible(
        self, tenant_id: str, user_id: str, group_ids: list[str], placement: Placement | None
    ) -> list[SavedView]:
        mine = "(v.audience = 'personal' AND v.owner = {})"
        args: list[Any] = [tenant_id, user_id]
        if group_ids:
            mine += f" OR (v.audience = 'group' AND v.audience_group IN ({in_list(group_ids)}))"
            args.extend(group_ids)
        sql = (
            f"SELECT {_COLUMNS} FROM saved_view v "
            "LEFT JOIN user_group g ON g.id = v.audience_group "
            f"WHERE v.tenant = {{}} AND ({mine} OR v.audience = 'tenant')"
        )
        if placement is not None:
            sql += " AND v.placement = {}"
            args.append(placement.value)
        sql += (
            " ORDER BY CASE v.audience WHEN 'tenant' THEN 0 WHEN 'group' THEN 1 ELSE 2 END, "
            "g.name, g.id, v.position, v.name, v.id"
        )
        return [_view(r) for r in await select(SavedViewTable, sql, *args)]

    async def of_group(
        self, tenant_id: str, group_id: str, placement: Placement | None
    ) -> list[SavedView]:
        sql = (
            f"SELECT {_COLUMNS} FROM saved_view v WHERE v.tenant = {{}} "
            "AND v.audience = 'group' AND v.audience_group = {}"
        )
        args: list[Any] = [tenant_id, group_id]
        if placement is not None:
            sql += " AND v.placement = {}"
            args.append(placement.value)
        sql += " ORDER BY v.placement, v.position, v.name, v.id"
        return [_view(r) for r in await select(SavedViewTable, sql, *args)]

    async def get(self, tenant_id: str, view_id: str) -> SavedView | None:
        rows = await select(
            SavedViewTable,
            f"SELECT {_COLUMNS} FROM saved_view v WHERE v.tenant = {{}} AND v.id = {{}}",
            tenant_id,
            view_id,
        )
        return _view(rows[0]) if rows else None

    async def shelf(
        self, tenant_id: str, placement: Placement, audience: Audience, owner_id: str
    ) -> list[SavedView]:
        sql = (
            f"SELECT {_COLUMNS} FROM saved_view v "
            "WHERE v.tenant = {} AND v.placement = {} AND v.audience = {}"
        )
        args: list[Any] = [tenant_id, placement.value, audience.kind.value]
        if audience.kind is AudienceKind.PERSONAL:
            sql += " AND v.owner = {}"
            args.append(owner_id)
        elif audience.kind is AudienceKind.GROUP:
            sql += " AND v.audience_group = {}"
            args.append(audience.group_id)
        rows = await select(SavedViewTable, sql + " ORDER BY v.position, v.name, v.id", *args)
        return [_view(r) for r in rows]

    async def add(self, view: SavedView) -> None:
        await SavedViewTable.insert(
            SavedViewTable(
                id=view.id,
                tenant=view.tenant_id,
                name=view.name,
                description=view.description,
                owner=view.owner_id,
                audience=view.audience.kind.value,
                audience_group=view.audience.group_id,
                placement=view.placement.value,
                position=view.position,
                criteria=_criteria_text(view),
                created_at=view.created_at,
                created_by=view.created_by,
                updated_at=view.updated_at,
                updated_by=view.updated_by,
            )
        )

    async def update(self, view: SavedView) -> bool:
        rows = await SavedViewTable.raw(
            "UPDATE saved_view SET name = {}, description = {}, audience = {}, "
            "audience_group = {}, placement = {}, position = {}, criteria = {}, "
            "updated_at = {}, updated_by = {} WHERE tenant = {} AND id = {} RETURNING id",
            view.name,
            view.description,
            view.audience.kind.value,
            view.audience.group_id,
            view.placement.value,
            view.position,
            _criteria_text(view),
            view.updated_at,
            view.updated_by,
            view.tenant_id,
            view.id,
        )
        return bool(rows)

    async def set_positions(self, tenant_id: str, positions: dict[str, int]) -> None:
        for view_id, position in positions.items():
            await SavedViewTable.raw(
                "UPDATE saved_view SET position = {} WHERE tenant = {} AND id = {}",
                position,
                tenant_id,
                view_id,
            )

    async def delete(self, tenant_id: str, view_id: str) -> bool:
        rows = await SavedViewTable.raw(
            "DELETE FROM saved_view WHERE tenant = {} AND id = {} RETURNING id",
            tenant_id,
            view_id,
        )
        return bool(rows)
