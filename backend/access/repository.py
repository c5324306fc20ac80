"""Piccolo implementation of :class:`backend.access.ports.AccessRepository`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from backend.access.models import (
    GrantRecord,
    Group,
    Member,
    MemberSource,
    RoleDef,
    SubjectKind,
)
from backend.access.policy import ROLES, Action, Grant, Role, ScopeKind
from backend.access.tables import GrantTable, RoleTable
from backend.accounts.tables import GroupMemberTable, GroupTable, UserTable
from backend.errors import Conflict
from backend.ids import new_id
from backend.persistence.constraints import violates_unique
from backend.persistence.rows import as_datetime, opt_datetime, opt_str
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_list, select

__all__ = ["PiccoloAccessRepository"]

_SCOPE_TABLES = {
    ScopeKind.CUSTOMER: "customer",
    ScopeKind.REGISTER: "register",
    ScopeKind.DOCUMENT_TYPE: "document_type",
    ScopeKind.DOCUMENT: "document",
}


def _actions(raw: str) -> frozenset[Action]:
    return frozenset(Action(a) for a in json.loads(raw) if a in Action.__members__.values())


def _role(row: dict[str, Any]) -> RoleDef:
    return RoleDef(
        key=row["key"], name=row["name"], actions=_actions(row["actions"]), built_in=False
    )


def _group(row: dict[str, Any]) -> Group:
    return Group(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        key=row["key"],
        name=row["name"],
        source_dn=opt_str(row["source_dn"]),
        created_at=as_datetime(row["created_at"]),
    )


def _grant(row: dict[str, Any]) -> GrantRecord:
    user = opt_str(row["subject_user"])
    return GrantRecord(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        role=row["role_key"],
        subject_kind=SubjectKind.USER if user else SubjectKind.GROUP,
        subject_id=user or str(row["subject_group"]),
        scope_kind=ScopeKind(row["scope_kind"]),
        scope_id=opt_str(row["scope_id"]),
        valid_from=opt_datetime(row["valid_from"]),
        valid_until=opt_datetime(row["valid_until"]),
        created_at=as_datetime(row["created_at"]),
        created_by=opt_str(row["created_by"]),
    )


@tenant_scoped
class PiccoloAccessRepository:
    # -- roles -----------------------------------------------------------------------------

    async def custom_roles(self, tenant_id: str) -> list[RoleDef]:
        rows = await select(
            RoleTable, "SELECT * FROM access_role WHERE tenant = {} ORDER BY key", tenant_id
        )
        return [_role(r) for r in rows]

    async def add_role(self, tenant_id: str, role: RoleDef, at: dt.datetime) -> None:
        try:
            await RoleTable.insert(
                RoleTable(
                    id=new_id(),
                    tenant=tenant_id,
                    key=role.key,
                    name=role.name,
                    actions=json.dumps(sorted(role.actions)),
                    created_at=at,
                )
            )
        except Exception as exc:
            if violates_unique(
                exc, "access_role_tenant_key", ("access_role.tenant", "access_role.key")
            ):
                raise Conflict(f"a role with key {role.key} exists already") from None
            raise

    async def update_role(self, tenant_id: str, role: RoleDef) -> bool:
        rows = await RoleTable.raw(
            "UPDATE access_role SET name = {}, actions = {} WHERE tenant = {} AND key = {} "
            "RETURNING id",
            role.name,
            json.dumps(sorted(role.actions)),
            tenant_id,
            role.key,
        )
        return bool(rows)

    async def delete_role(self, tenant_id: str, key: str) -> bool:
        rows = await RoleTable.raw(
            "DELETE FROM access_role WHERE tenant = {} AND key = {} RETURNING id", tenant_id, key
        )
        return bool(rows)

    async def role_in_use(self, tenant_id: str, key: str) -> bool:
        rows = await select(
            GrantTable,
            "SELECT 1 AS one FROM access_grant WHERE tenant = {} AND role_key = {} LIMIT 1",
            tenant_id,
            key,
        )
        return bool(rows)

    # -- groups and members ----------------------------------------------------------------

    async def groups(self, tenant_id: str, ids: list[str] | None = None) -> list[Group]:
        if ids is None:
            rows = await select(
                GroupTable, "SELECT * FROM user_group WHERE tenant = {} ORDER BY key", tenant_id
            )
        elif not ids:
            return []
        else:
            rows = await select(
                GroupTable,
                f"SELECT * FROM user_group WHERE tenant = {{}} AND id IN ({in_list(ids)}) "
                "ORDER BY key",
                tenant_id,
                *ids,
            )
        return [_group(r) for r in rows]

    async def add_group(self, group: Group) -> None:
        try:
            await GroupTable.insert(
                GroupTable(
                    id=group.id,
                    tenant=group.tenant_id,
                    key=group.key,
                    name=group.name,
                    source_dn=group.source_dn,
                    created_at=group.created_at,
                )
            )
        except Exception as exc:
            if violates_unique(
                exc, "user_group_tenant_key", ("user_group.tenant", "user_group.key")
            ):
                raise Conflict(f"a group with key {group.key} exists already") from None
            raise

    async def delete_group(self, tenant_id: str, group_id: str) -> bool:
        rows = await GroupTable.raw(
            "DELETE FROM user_group WHERE tenant = {} AND id = {} RETURNING id",
            tenant_id,
            group_id,
        )
        return bool(rows)

    async def members(self, tenant_id: str, group_ids: list[str]) -> list[Member]:
        if not group_ids:
            return []
        rows = await select(
            GroupMemberTable,
            'SELECT "group", "user", source FROM group_member '
            f'WHERE tenant = {{}} AND "group" IN ({in_list(group_ids)})',
            tenant_id,
            *group_ids,
        )
        return [Member(str(r["group"]), str(r["user"]), MemberSource(r["source"])) for r in rows]

    async def groups_of_user(self, tenant_id: str, user_id: str) -> list[str]:
        rows = await select(
            GroupMemberTable,
            'SELECT "group" FROM group_member WHERE tenant = {} AND "user" = {}',
            tenant_id,
            user_id,
        )
        return [str(r["group"]) for r in rows]

    async def add_member(
        self, tenant_id: str, group_id: str, user_id: str, source: MemberSource
    ) -> bool:
        rows = await GroupMemberTable.raw(
            'INSERT INTO group_member (id, tenant, "group", "user", source) '
            "VALUES ({}, {}, {}, {}, {}) ON CONFLICT DO NOTHING RETURNING id",
            new_id(),
            tenant_id,
            group_id,
            user_id,
            source.value,
        )
        return bool(rows)

    async def remove_member(self, tenant_id: str, group_id: str, user_id: str) -> bool:
        rows = await GroupMemberTable.raw(
            'DELETE FROM group_member WHERE tenant = {} AND "group" = {} AND "user" = {} '
            "RETURNING id",
            tenant_id,
            group_id,
            user_id,
        )
        return bool(rows)

    # -- grants ----------------------------------------------------------------------------

    async def grants(
        self, tenant_id: str, user_id: str | None = None, group_id: str | None = None
    ) -> list[GrantRecord]:
        sql = "SELECT * FROM access_grant WHERE tenant = {}"
        args: list[Any] = [tenant_id]
        if user_id is not None:
            sql += " AND subject_user = {}"
            args.append(user_id)
        if group_id is not None:
            sql += " AND subject_group = {}"
            args.append(group_id)
        rows = await select(GrantTable, sql + " ORDER BY created_at, id", *args)
        return [_grant(r) for r in rows]

    async def add_grant(self, grant: GrantRecord) -> None:
        is_user = grant.subject_kind is SubjectKind.USER
        await GrantTable.insert(
            GrantTable(
                id=grant.id,
                tenant=grant.tenant_id,
                role_key=grant.role,
                subject_user=grant.subject_id if is_user else None,
                subject_group=None if is_user else grant.subject_id,
                scope_kind=grant.scope_kind.value,
                scope_id=grant.scope_id,
                valid_from=grant.valid_from,
                valid_until=grant.valid_until,
                created_at=grant.created_at,
                created_by=grant.created_by,
            )
        )

    async def delete_grant(self, tenant_id: str, grant_id: str) -> GrantRecord | None:
        rows = await GrantTable.raw(
            "DELETE FROM access_grant WHERE tenant = {} AND id = {} RETURNING *",
            tenant_id,
            grant_id,
        )
        return _grant(dict(rows[0])) if rows else None

    async def scope_exists(self, tenant_id: str, kind: ScopeKind, scope_id: str) -> bool:
        if kind is ScopeKind.TENANT:
            return scope_id == tenant_id
        table = _SCOPE_TABLES[kind]  # a fixed name, never input
        rows = await select(
            GrantTable,
            f"SELECT 1 AS one FROM {table} WHERE tenant = {{}} AND id = {{}}",
            tenant_id,
            scope_id,
        )
        return bool(rows)

    async def user_ids_by_email(self, tenant_id: str, emails: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(emails), 500):
            chunk = emails[start : start + 500]
            rows = await select(
                UserTable,
                "SELECT id, email FROM user_account WHERE tenant = {} AND active = {} "
                f"AND email IN ({in_list(chunk)})",
                tenant_id,
                True,
                *chunk,
            )
            found |= {str(r["email"]): str(r["id"]) for r in rows}
        return found

    async def effective_grants(self, tenant_id: str, user_id: str) -> list[Grant]:
        return (await self.effective_grants_of(tenant_id, [user_id])).get(user_id, [])

    async def effective_grants_of(
        self, tenant_id: str, user_ids: list[str]
    ) -> dict[str, list[Grant]]:
        found: dict[str, list[Grant]] = {}
        for start in range(0, len(user_ids), 400):
            chunk = user_ids[start : start + 400]
            marks = in_list(chunk)
            rows = await select(
                GrantTable,
                "SELECT g.subject_user AS holder, g.id, g.role_key, g.scope_kind, g.scope_id, "
                "g.valid_from, g.valid_until, r.actions FROM access_grant g "
                "LEFT JOIN access_role r ON r.tenant = g.tenant AND r.key = g.role_key "
                f"WHERE g.tenant = {{}} AND g.subject_user IN ({marks}) "
                'UNION ALL SELECT m."user" AS holder, g.id, g.role_key, g.scope_kind, '
                "g.scope_id, g.valid_from, g.valid_until, r.actions FROM access_grant g "
                'JOIN group_member m ON m.tenant = g.tenant AND m."group" = g.subject_group '
                "LEFT JOIN access_role r ON r.tenant = g.tenant AND r.key = g.role_key "
                f'WHERE g.tenant = {{}} AND m."user" IN ({marks})',
                tenant_id,
                *chunk,
                tenant_id,
                *chunk,
            )
            for r in rows:
                grant = _effective(r)
                if grant is not None:
                    found.setdefault(str(r["holder"]), []).append(grant)
        return found


def _effective(r: dict[str, Any]) -> Grant | None:
    key = r["role_key"]
    if r["actions"] is not None:
        actions = _actions(r["actions"])
    elif key in Role.__members__.values():
        actions = ROLES[Role(key)]
    else:
        return None
    return Grant(
        id=str(r["id"]),
        role=key,
        actions=actions,
        scope_kind=ScopeKind(r["scope_kind"]),
        scope_id=opt_str(r["scope_id"]),
        valid_from=opt_datetime(r["valid_from"]),
        valid_until=opt_datetime(r["valid_until"]),
    )
