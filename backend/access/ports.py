from __future__ import annotations

import datetime as dt
from typing import Protocol

from backend.access.models import GrantRecord, Group, Member, MemberSource, RoleDef
from backend.access.policy import Grant, ScopeKind


class AccessRepository(Protocol):
    async def custom_roles(self, tenant_id: str) -> list[RoleDef]: ...

    async def add_role(self, tenant_id: str, role: RoleDef, at: dt.datetime) -> None:
        """Raises :class:`~backend.errors.Conflict` when the key exists."""
        ...

    async def update_role(self, tenant_id: str, role: RoleDef) -> bool: ...

    async def delete_role(self, tenant_id: str, key: str) -> bool: ...

    async def role_in_use(self, tenant_id: str, key: str) -> bool: ...

    async def groups(self, tenant_id: str, ids: list[str] | None = None) -> list[Group]: ...

    async def add_group(self, group: Group) -> None:
        """Raises :class:`~backend.errors.Conflict` when the key exists."""
        ...

    async def delete_group(self, tenant_id: str, group_id: str) -> bool: ...

    async def members(self, tenant_id: str, group_ids: list[str]) -> list[Member]: ...

    async def groups_of_user(self, tenant_id: str, user_id: str) -> list[str]: ...

    async def add_member(
        self, tenant_id: str, group_id: str, user_id: str, source: MemberSource
    ) -> bool:
        """False when the user is a member already."""
        ...

    async def remove_member(self, tenant_id: str, group_id: str, user_id: str) -> bool: ...

    async def grants(
        self, tenant_id: str, user_id: str | None = None, group_id: str | None = None
    ) -> list[GrantRecord]: ...

    async def add_grant(self, grant: GrantRecord) -> None: ...

    async def delete_grant(self, tenant_id: str, grant_id: str) -> GrantRecord | None: ...

    async def scope_exists(self, tenant_id: str, kind: ScopeKind, scope_id: str) -> bool: ...

    async def user_ids_by_email(self, tenant_id: str, emails: list[str]) -> dict[str, str]:
        """Active users of the tenant with these (lower-case) addresses: address -> user id."""
        ...

    async def effective_grants(self, tenant_id: str, user_id: str) -> list[Grant]:
        """The user's grants, directly and through its groups, with their roles' actions; grants
        of custom roles that no longer exist are left out."""
        ...

    async def effective_grants_of(
        self, tenant_id: str, user_ids: list[str]
    ) -> dict[str, list[Grant]]:
        """:meth:`effective_grants` of many users in a few statements, by user id (users
        without grants are absent)."""
        ...
