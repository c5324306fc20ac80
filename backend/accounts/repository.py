"""Piccolo implementation of :class:`backend.accounts.ports.AccountRepository`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.access.policy import Role
from backend.accounts.devices import Device
from backend.accounts.models import ApiToken, Session, User
from backend.accounts.tables import ApiTokenTable, SessionTable, UserTable
from backend.errors import Conflict
from backend.persistence.constraints import violates_unique
from backend.persistence.rows import as_datetime, opt_datetime
from backend.persistence.scope import across_tenants, tenant_scoped
from backend.persistence.sql import in_list, select
from backend.tenancy.tables import TenantTable

__all__ = ["PiccoloAccountRepository"]

_USER_COLUMNS = (
    UserTable.id,
    UserTable.tenant,
    UserTable.email,
    UserTable.display_name,
    UserTable.role,
    UserTable.active,
    UserTable.created_at,
    UserTable.time_zone,
)


def _user(row: dict[str, Any]) -> User:
    return User(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        created_at=as_datetime(row["created_at"]),
        time_zone=row.get("time_zone"),
    )


def _bound_device(row: dict[str, Any]) -> Device | None:
    if row["device"] is None or row["device_key"] is None:
        return None
    return Device(
        id=str(row["device"]),
        tenant_id=str(row["tenant"]),
        user_id=str(row["user"]),
        key=row["device_key"],
        name=row["device_name"],
        first_seen_at=as_datetime(row["device_first_seen_at"]),
        last_seen_at=as_datetime(row["device_last_seen_at"]),
        revoked_at=opt_datetime(row["device_revoked_at"]),
    )


@tenant_scoped
class PiccoloAccountRepository:
    async def find_user(self, tenant_id: str, user_id: str) -> User | None:
        rows = await select(
            UserTable,
            "SELECT * FROM user_account WHERE id = {} AND tenant = {}",
            user_id,
            tenant_id,
        )
        return _user(rows[0]) if rows else None

    async def users_by_ids(self, tenant_id: str, ids: list[str]) -> list[User]:
        if not ids:
            return []
        rows = await select(
            UserTable,
            f"SELECT * FROM user_account WHERE tenant = {{}} AND id IN ({in_list(ids)})",
            tenant_id,
            *ids,
        )
        return [_user(r) for r in rows]

    async def list_users(self, tenant_id: str) -> list[User]:
        rows = await select(
            UserTable,
            "SELECT * FROM user_account WHERE tenant = {} ORDER BY display_name, email",
            tenant_id,
        )
        return [_user(r) for r in rows]

    @across_tenants
    async def find_login(
        self, tenant_slug: str | None, email: str
    ) -> list[tuple[User, str | None]]:
        query = UserTable.select(*_USER_COLUMNS, UserTable.password_hash).where(
            (UserTable.email == email) & (UserTable.active == True)  # noqa: E712
        )
        if tenant_slug:
            tenant = (
                await TenantTable.select(TenantTable.id)
                .where(TenantTable.slug == tenant_slug)
                .first()
            )
            if tenant is None:
                return []
            query = query.where(UserTable.tenant == tenant["id"])
        return [(_user(r), r["password_hash"]) for r in await query]

    async def email_taken(self, tenant_id: str, email: str) -> bool:
        return await UserTable.exists().where(
            (UserTable.tenant == tenant_id) & (UserTable.email == email)
        )

    async def add_user(self, user: User, password_hash: str | None) -> None:
        try:
            await self._insert_user(user, password_hash)
        except Exception as exc:
            if violates_unique(
                exc, "user_account_tenant_email", ("user_account.tenant", "user_account.email")
            ):
                raise Conflict(f"a user with e-mail {user.email} already exists") from None
            raise

    async def _insert_user(self, user: User, password_hash: str | None) -> None:
        await UserTable.insert(
            UserTable(
                id=user.id,
                tenant=user.tenant_id,
                email=user.email,
                display_name=user.display_name,
                role=user.role.value,
                active=user.active,
                password_hash=password_hash,
                created_at=user.created_at,
                time_zone=user.time_zone,
            )
        )

    async def set_role(self, tenant_id: str, user_id: str, role: Role) -> None:
        await UserTable.update({UserTable.role: role.value}).where(
            (UserTable.id == user_id) & (UserTable.tenant == tenant_id)
        )

    async def set_time_zone(self, tenant_id: str, user_id: str, time_zone: str | None) -> None:
        await UserTable.update({UserTable.time_zone: time_zone}).where(
            (UserTable.id == user_id) & (UserTable.tenant == tenant_id)
        )

    async def add_session(self, session: Session) -> None:
        await SessionTable.insert(
            SessionTable(
                id=session.token_hash,
                tenant=session.tenant_id,
                user=session.user_id,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                expires_at=session.expires_at,
                max_expires_at=session.max_expires_at,
            )
        )

    @across_tenants
    async def find_session(self, token_hash: str) -> Session | None:
        rows = await select(
            SessionTable,
            "SELECT s.*, d.key AS device_key, d.name AS device_name, "
            "d.first_seen_at AS device_first_seen_at, d.last_seen_at AS device_last_seen_at, "
            "d.revoked_at AS device_revoked_at FROM user_session s "
            "LEFT JOIN user_device d ON d.id = s.device WHERE s.id = {}",
            token_hash,
        )
        if not rows:
            return None
        row = rows[0]
        return Session(
            token_hash=row["id"],
            tenant_id=str(row["tenant"]),
            user_id=str(row["user"]),
            csrf_token=row["csrf_token"],
            created_at=as_datetime(row["created_at"]),
            expires_at=as_datetime(row["expires_at"]),
            max_expires_at=as_datetime(row["max_expires_at"]),
            device=_bound_device(row),
        )

    @across_tenants
    async def extend_session(self, token_hash: str, expires_at: dt.datetime) -> None:
        await SessionTable.update({SessionTable.expires_at: expires_at}).where(
            SessionTable.id == token_hash
        )

    @across_tenants
    async def bind_session(self, token_hash: str, device_id: str) -> None:
        await SessionTable.update({SessionTable.device: device_id}).where(
            (SessionTable.id == token_hash) & SessionTable.device.is_null()
        )

    @across_tenants
    async def delete_session(self, token_hash: str) -> None:
        await SessionTable.delete().where(SessionTable.id == token_hash)

    async def add_token(self, token: ApiToken) -> None:
        await ApiTokenTable.insert(
            ApiTokenTable(
                id=token.token_hash,
                tenant=token.tenant_id,
                user=token.user_id,
                name=token.name,
                created_at=token.created_at,
                expires_at=token.expires_at,
                revoked_at=token.revoked_at,
            )
        )

    @across_tenants
    async def find_token(self, token_hash: str) -> ApiToken | None:
        row = await ApiTokenTable.select().where(ApiTokenTable.id == token_hash).first()
        if row is None:
            return None
        return ApiToken(
            token_hash=row["id"],
            tenant_id=str(row["tenant"]),
            user_id=str(row["user"]),
            name=row["name"],
            created_at=as_datetime(row["created_at"]),
            expires_at=opt_datetime(row["expires_at"]),
            revoked_at=opt_datetime(row["revoked_at"]),
        )
