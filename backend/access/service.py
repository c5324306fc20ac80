"""Access administration: a tenant's roles, groups, memberships and grants.

Only holders of the tenant-wide ``admin`` action change them; each change is written to the audit
trail in the same transaction. Someone who is not such an administrator and tries to give
themselves (or a group of theirs) access gets ``self_escalation``, anyone else ``forbidden``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from backend.access.directory_group import DirectoryGroup
from backend.access.directory_sync import (
    ExistingGroup,
    GroupMapping,
    SyncPlan,
    check_mappings,
    plan_sync,
)
from backend.access.models import (
    GrantDraft,
    GrantRecord,
    Group,
    Member,
    MemberSource,
    RoleDef,
    SubjectKind,
)
from backend.access.policy import ROLES, Action, Grant, Principal, Role, ScopeKind, can
from backend.access.ports import AccessRepository
from backend.audit.service import Actor, AuditTrail
from backend.errors import (
    FieldIssue,
    Forbidden,
    NotFound,
    RoleInUse,
    SelfEscalation,
    ValidationFailed,
)
from backend.ids import new_id, parse_id
from backend.ports import Clock, Transactions

__all__ = ["KEY_PATTERN", "AccessService", "built_in_roles"]

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ROLE_NAMES = {
    Role.ADMIN: "Administrator",
    Role.CLERK: "Clerk",
    Role.SALES: "Sales",
    Role.AUDITOR: "Auditor",
    Role.VIEWER: "Viewer",
    Role.NONE: "No access",
}


def built_in_roles() -> list[RoleDef]:
    return [RoleDef(r.value, ROLE_NAMES[r], ROLES[r], built_in=True) for r in Role]


def _check_key(field: str, key: str, issues: list[FieldIssue]) -> str:
    key = key.strip()
    if not KEY_PATTERN.match(key):
        issues.append(FieldIssue(field, "invalid_key", "1–63 of a-z, 0-9 and -, not first"))
    return key


def _check_name(name: str, issues: list[FieldIssue]) -> str:
    name = name.strip()
    if not name:
        issues.append(FieldIssue("name", "required", "is required"))
    elif len(name) > 255:
        issues.append(FieldIssue("name", "too_long", "at most 255 characters"))
    return name


def _check_actions(actions: Sequence[str], issues: list[FieldIssue]) -> frozenset[Action]:
    known = set(Action.__members__.values())
    unknown = [a for a in actions if a not in known]
    if unknown:
        issues.append(
            FieldIssue(
                "actions", "unknown_action", f"{', '.join(unknown)}; known: {', '.join(Action)}"
            )
        )
    elif not actions:
        issues.append(FieldIssue("actions", "required", "give at least one action"))
    return frozenset(Action(a) for a in actions if a in known)


def grant_json(grant: GrantRecord) -> dict[str, Any]:
    """What the audit trail keeps of a grant."""
    return {
        "id": grant.id,
        "role": grant.role,
        "subject": {"kind": grant.subject_kind.value, "id": grant.subject_id},
        "scope": {"kind": grant.scope_kind.value, "id": grant.scope_id},
        "valid_from": grant.valid_from.isoformat() if grant.valid_from else None,
        "valid_until": grant.valid_until.isoformat() if grant.valid_until else None,
    }


class AccessService:
    def __init__(
        self,
        repo: AccessRepository,
        user_exists: Callable[[str, str], Awaitable[bool]],
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._user_exists = user_exists
        self._audit = audit
        self._tx = tx
        self._clock = clock

    # -- who may administer ------------------------------------------------------------------

    @staticmethod
    def _require_admin(principal: Principal) -> None:
        if not can(principal, Action.ADMIN):
            raise Forbidden("only administrators manage access")

    async def _require_admin_for(
        self, principal: Principal, subject_kind: SubjectKind, subject_id: str
    ) -> None:
        """Refuse a change of someone's access unless ``principal`` administers the tenant; name
        the attempt for what it is when it is about ``principal`` itself."""
        if can(principal, Action.ADMIN):
            return
        if subject_kind is SubjectKind.USER and subject_id == principal.user_id:
            raise SelfEscalation()
        if subject_kind is SubjectKind.GROUP and subject_id in await self._repo.groups_of_user(
            principal.tenant_id, principal.user_id
        ):
            raise SelfEscalation()
        raise Forbidden("only administrators manage access")

    # -- the grants that decide ------------------------------------------------------------

    async def effective_grants(
        self, tenant_id: str, user_id: str, at: dt.datetime
    ) -> tuple[Grant, ...]:
        """The user's grants that have not ended at ``at`` (future ones included: a principal's
        decisions check each grant's window at the moment asked)."""
        return tuple(
            g
            for g in await self._repo.effective_grants(tenant_id, user_id)
            if g.valid_until is None or g.valid_until > at
        )

    async def effective_grants_of(
        self, tenant_id: str, user_ids: list[str], at: dt.datetime
    ) -> dict[str, tuple[Grant, ...]]:
        """:meth:`effective_grants` of each of ``user_ids`` (every id is a key)."""
        found = await self._repo.effective_grants_of(tenant_id, user_ids)
        return {
            user_id: tuple(
                g for g in found.get(user_id, []) if g.valid_until is None or g.valid_until > at
            )
            for user_id in user_ids
        }

    # -- roles -----------------------------------------------------------------------------

    async def roles(self, principal: Principal) -> list[RoleDef]:
        self._require_admin(principal)
        return built_in_roles() + await self._repo.custom_roles(principal.tenant_id)

    async def _role(self, tenant_id: str, key: str) -> RoleDef | None:
        for role in built_in_roles():
            if role.key == key:
                return role
        for role in await self._repo.custom_roles(tenant_id):
            if role.key == key:
                return role
        return None

    async def create_role(
        self, principal: Principal, key: str, name: str, actions: Sequence[str]
    ) -> RoleDef:
        self._require_admin(principal)
        issues: list[FieldIssue] = []
        key = _check_key("key", key, issues)
        if key in Role.__members__.values():
            issues.append(FieldIssue("key", "built_in_role", f"{key} is a built-in role"))
        role = RoleDef(key, _check_name(name, issues), _check_actions(actions, issues), False)
        if issues:
            raise ValidationFailed(issues)
        async with self._tx.write():
            await self._repo.add_role(principal.tenant_id, role, self._clock())
            await self._audit.record(
                principal,
                "access.role_create",
                "tenant",
                principal.tenant_id,
                {"role": key, "name": role.name, "actions": sorted(role.actions)},
            )
        return role

    async def update_role(
        self, principal: Principal, key: str, name: str | None, actions: Sequence[str] | None
    ) -> RoleDef:
        self._require_admin(principal)
        current = await self._role(principal.tenant_id, key)
        if current is None:
            raise NotFound("role", key)
        if current.built_in:
            raise ValidationFailed.one("key", "built_in_role", "built-in roles cannot change")
        issues: list[FieldIssue] = []
        role = RoleDef(
            key,
            current.name if name is None else _check_name(name, issues),
            current.actions if actions is None else _check_actions(actions, issues),
            False,
        )
        if issues:
            raise ValidationFailed(issues)
        async with self._tx.write():
            if not await self._repo.update_role(principal.tenant_id, role):
                raise NotFound("role", key)
            await self._audit.record(
                principal,
                "access.role_update",
                "tenant",
                principal.tenant_id,
                {
                    "role": key,
                    "old": {"name": current.name, "actions": sorted(current.actions)},
                    "new": {"name": role.name, "actions": sorted(role.actions)},
                },
            )
        return role

    async def delete_role(self, principal: Principal, key: str) -> None:
        self._require_admin(principal)
        current = await self._role(principal.tenant_id, key)
        if current is None:
            raise NotFound("role", key)
        if current.built_in:
            raise ValidationFailed.one("key", "built_in_role", "built-in roles cannot be deleted")
        async with self._tx.write():
            if await self._repo.role_in_use(principal.tenant_id, key):
                raise RoleInUse(key)
            if not await self._repo.delete_role(principal.tenant_id, key):
                raise NotFound("role", key)
            await self._audit.record(
                principal, "access.role_delete", "tenant", principal.tenant_id, {"role": key}
            )

    # -- groups and members ----------------------------------------------------------------

    async def groups(self, principal: Principal) -> list[Group]:
        self._require_admin(principal)
        return await self._repo.groups(principal.tenant_id)

    async def group(self, principal: Principal, group_id: str) -> Group:
        self._require_admin(principal)
        found = await self._repo.groups(principal.tenant_id, [parse_id("group", group_id)])
        if not found:
            raise NotFound("group", group_id)
        return found[0]

    async def members(self, principal: Principal, group_ids: list[str]) -> list[list[Member]]:
        self._require_admin(principal)
        found = await self._repo.members(principal.tenant_id, group_ids)
        return [[m for m in found if m.group_id == g] for g in group_ids]

    async def create_group(
        self,
        principal: Principal,
        key: str,
        name: str,
        source_dn: str | None = None,
        actor: Actor | None = None,
    ) -> Group:
        self._require_admin(principal)
        issues: list[FieldIssue] = []
        group = Group(
            id=new_id(),
            tenant_id=principal.tenant_id,
            key=_check_key("key", key, issues),
            name=_check_name(name, issues),
            source_dn=source_dn,
            created_at=self._clock(),
        )
        if issues:
            raise ValidationFailed(issues)
        async with self._tx.write():
            await self._repo.add_group(group)
            await self._audit.record(
                actor or principal,
                "access.group_create",
                "group",
                group.id,
                {"key": group.key, "name": group.name, "source_dn": source_dn},
            )
        return group

    async def delete_group(self, principal: Principal, group_id: str) -> None:
        """Delete a group; its memberships and the grants to it go with it."""
        group = await self.group(principal, group_id)
        async with self._tx.write():
            grants = await self._repo.grants(principal.tenant_id, group_id=group.id)
            if not await self._repo.delete_group(principal.tenant_id, group.id):
                raise NotFound("group", group_id)
            await self._audit.record(
                principal,
                "access.group_delete",
                "group",
                group.id,
                {"key": group.key, "revoked": [grant_json(g) for g in grants]},
            )

    async def add_member(
        self,
        principal: Principal,
        group_id: str,
        user_id: str,
        source: MemberSource = MemberSource.MANUAL,
    ) -> bool:
        """Add a user to a group; False if it was a member already (nothing recorded then)."""
        user_id = parse_id("user", user_id)
        await self._require_admin_for(principal, SubjectKind.USER, user_id)
        group = await self.group(principal, group_id)
        if not await self._user_exists(principal.tenant_id, user_id):
            raise NotFound("user", user_id)
        async with self._tx.write():
            added = await self._repo.add_member(principal.tenant_id, group.id, user_id, source)
            if added:
                await self._audit.record(
                    principal,
                    "access.member_add",
                    "group",
                    group.id,
                    {"user": user_id, "source": source.value},
                )
        return added

    async def remove_member(self, principal: Principal, group_id: str, user_id: str) -> bool:
        group = await self.group(principal, group_id)
        user_id = parse_id("user", user_id)
        if not await self._user_exists(principal.tenant_id, user_id):
            raise NotFound("user", user_id)
        async with self._tx.write():
            removed = await self._repo.remove_member(principal.tenant_id, group.id, user_id)
            if removed:
                await self._audit.record(
                    principal, "access.member_remove", "group", group.id, {"user": user_id}
                )
        return removed

    # -- groups from the company directory (docs/adr/0010) ----------------------------------

    async def import_directory_groups(
        self,
        principal: Principal,
        mappings: Sequence[GroupMapping],
        read_groups: Callable[[Sequence[str]], Awaitable[list[DirectoryGroup]]],
        *,
        dry_run: bool = False,
    ) -> SyncPlan:
        """Make each mapped group's directory members those of its directory group: create the
        groups that are missing, add and remove directory memberships (never manual ones), all in
        one transaction with an audit event per change. Returns what was done and reported (with
        ``dry_run``: what would be, changing nothing)."""
        self._require_admin(principal)
        issues = check_mappings(mappings)
        if issues:
            raise ValidationFailed(issues)
        groups = await read_groups([m.directory_dn for m in mappings])
        tenant_id = principal.tenant_id
        emails = sorted({e for g in groups for e in g.member_emails})
        async with self._tx.write():
            stored = await self._repo.groups(tenant_id)
            members = await self._repo.members(tenant_id, [g.id for g in stored])
            existing = [
                ExistingGroup(
                    id=g.id,
                    key=g.key,
                    name=g.name,
                    source_dn=g.source_dn,
                    member_user_ids=frozenset(
                        m.user_id
                        for m in members
                        if m.group_id == g.id and m.source is MemberSource.DIRECTORY
                    ),
                    manual_member_user_ids=frozenset(
                        m.user_id
                        for m in members
                        if m.group_id == g.id and m.source is MemberSource.MANUAL
                    ),
                )
                for g in stored
            ]
            plan = plan_sync(
                mappings, groups, existing, await self._repo.user_ids_by_email(tenant_id, emails)
            )
            if dry_run:
                return plan
            ids = {g.key: g.id for g in stored}
            for new in plan.create_groups:
                group = Group(new_id(), tenant_id, new.key, new.name, new.dn, self._clock())
                await self._repo.add_group(group)
                ids[new.key] = group.id
                await self._audit.record(
                    principal,
                    "access.group_create",
                    "group",
                    group.id,
                    {"key": group.key, "name": group.name, "source_dn": group.source_dn},
                )
            for change in plan.add_members:
                await self._repo.add_member(
                    tenant_id, ids[change.group_key], change.user_id, MemberSource.DIRECTORY
                )
                await self._audit.record(
                    principal,
                    "access.member_add",
                    "group",
                    ids[change.group_key],
                    {"user": change.user_id, "source": MemberSource.DIRECTORY.value},
                )
            for change in plan.remove_members:
                await self._repo.remove_member(tenant_id, ids[change.group_key], change.user_id)
                await self._audit.record(
                    principal,
                    "access.member_remove",
                    "group",
                    ids[change.group_key],
                    {"user": change.user_id, "source": MemberSource.DIRECTORY.value},
                )
            await self._audit.record(
                principal,
                "access.directory_import",
                "tenant",
                tenant_id,
                {
                    "mappings": [{"dn": m.directory_dn, "group": m.group_key} for m in mappings],
                    "created": len(plan.create_groups),
                    "added": len(plan.add_members),
                    "removed": len(plan.remove_members),
                    "unknown_emails": len(plan.unknown_emails),
                },
            )
        return plan

    # -- grants ----------------------------------------------------------------------------

    async def grants(
        self, principal: Principal, user_id: str | None = None, group_id: str | None = None
    ) -> list[GrantRecord]:
        self._require_admin(principal)
        return await self._repo.grants(
            principal.tenant_id,
            user_id=parse_id("user", user_id) if user_id else None,
            group_id=parse_id("group", group_id) if group_id else None,
        )

    async def grant(self, principal: Principal, draft: GrantDraft) -> GrantRecord:
        subject_id = parse_id(draft.subject_kind.value, draft.subject_id)
        await self._require_admin_for(principal, draft.subject_kind, subject_id)
        tenant_id = principal.tenant_id
        issues: list[FieldIssue] = []
        if await self._role(tenant_id, draft.role) is None:
            issues.append(FieldIssue("role", "unknown_role", f"no role {draft.role}"))
        if draft.subject_kind is SubjectKind.USER:
            if not await self._user_exists(tenant_id, subject_id):
                issues.append(FieldIssue("subjectId", "unknown_user", "no such user"))
        elif not await self._repo.groups(tenant_id, [subject_id]):
            issues.append(FieldIssue("subjectId", "unknown_group", "no such group"))
        scope_id = None
        if draft.scope_kind is ScopeKind.TENANT:
            if draft.scope_id not in (None, tenant_id):
                issues.append(FieldIssue("scope.id", "invalid_value", "the tenant scope has no id"))
        elif draft.scope_id is None:
            issues.append(FieldIssue("scope.id", "required", f"which {draft.scope_kind.value}?"))
        else:
            scope_id = parse_id(draft.scope_kind.value, draft.scope_id)
            if not await self._repo.scope_exists(tenant_id, draft.scope_kind, scope_id):
                issues.append(
                    FieldIssue("scope.id", "unknown_scope", f"no such {draft.scope_kind.value}")
                )
        now = self._clock()
        if draft.valid_from and draft.valid_until and draft.valid_until <= draft.valid_from:
            issues.append(FieldIssue("validUntil", "invalid_range", "ends before it starts"))
        elif draft.valid_until and draft.valid_until <= now:
            issues.append(FieldIssue("validUntil", "in_the_past", "would never be valid"))
        if issues:
            raise ValidationFailed(issues)
        record = GrantRecord(
            id=new_id(),
            tenant_id=tenant_id,
            role=draft.role,
            subject_kind=draft.subject_kind,
            subject_id=subject_id,
            scope_kind=draft.scope_kind,
            scope_id=scope_id,
            valid_from=draft.valid_from,
            valid_until=draft.valid_until,
            created_at=now,
            created_by=principal.user_id,
        )
        async with self._tx.write():
            await self._repo.add_grant(record)
            await self._audit.record(
                principal, "access.grant", draft.subject_kind.value, subject_id, grant_json(record)
            )
        return record

    async def revoke(self, principal: Principal, grant_id: str) -> GrantRecord:
        self._require_admin(principal)
        async with self._tx.write():
            record = await self._repo.delete_grant(principal.tenant_id, parse_id("grant", grant_id))
            if record is None:
                raise NotFound("grant", grant_id)
            await self._audit.record(
                principal,
                "access.revoke",
                record.subject_kind.value,
                record.subject_id,
                grant_json(record),
            )
        return record
