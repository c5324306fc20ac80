"""GraphQL for access administration: roles, groups, memberships and grants (administrators)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, TypeVar

import strawberry

from backend.access.directory import directory_reader
from backend.access.directory_sync import GroupMapping, SyncPlan
from backend.access.models import GrantDraft, GrantRecord, Group, RoleDef, SubjectKind
from backend.access.policy import ScopeKind
from backend.accounts.models import User
from backend.errors import DossierError
from backend.graphql.accounts import UserNode
from backend.graphql.context import Info
from backend.graphql.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnavailableError,
    ValidationError,
    as_error,
)

__all__ = ["AccessMutation", "AccessQuery"]

T = TypeVar("T")
R = TypeVar("R")


@strawberry.enum(name="ScopeKind", description="What a grant reaches.")
class ScopeKindEnum(Enum):
    TENANT = "tenant"
    CUSTOMER = "customer"
    REGISTER = "register"
    DOCUMENT_TYPE = "document_type"
    DOCUMENT = "document"


@strawberry.enum(name="GrantSubjectKind")
class SubjectKindEnum(Enum):
    USER = "user"
    GROUP = "group"


@strawberry.type(name="AccessRole", description="A named set of actions.")
class RoleNode:
    key: str
    name: str
    actions: list[str]
    built_in: bool

    @classmethod
    def of(cls, r: RoleDef) -> RoleNode:
        return cls(key=r.key, name=r.name, actions=sorted(r.actions), built_in=r.built_in)


@strawberry.type(name="GroupMember")
class MemberNode:
    user: UserNode | None
    source: str = strawberry.field(description="manual or directory")


@strawberry.type(name="Group", description="A named set of users that grants can target.")
class GroupNode:
    id: strawberry.ID
    key: str
    name: str
    source_dn: str | None = strawberry.field(description="The directory group it mirrors.")
    created_at: dt.datetime

    @classmethod
    def of(cls, g: Group) -> GroupNode:
        return cls(
            id=strawberry.ID(g.id),
            key=g.key,
            name=g.name,
            source_dn=g.source_dn,
            created_at=g.created_at,
        )

    @strawberry.field
    async def members(self, info: Info) -> list[MemberNode]:
        ctx = info.context
        members = await ctx.loaders.group_members.load(str(self.id))
        users = await ctx.loaders.users.load_many([m.user_id for m in members])
        return [
            MemberNode(user=UserNode.of(u) if u else None, source=m.source.value)
            for m, u in zip(members, users, strict=True)
        ]


@strawberry.type(name="Grant", description="A role given to a user or a group on a scope.")
class GrantNode:
    id: strawberry.ID
    role: str
    subject_kind: SubjectKindEnum
    subject_id: strawberry.ID
    scope_kind: ScopeKindEnum
    scope_id: strawberry.ID | None
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def of(cls, g: GrantRecord) -> GrantNode:
        return cls(
            id=strawberry.ID(g.id),
            role=g.role,
            subject_kind=SubjectKindEnum(g.subject_kind.value),
            subject_id=strawberry.ID(g.subject_id),
            scope_kind=ScopeKindEnum(g.scope_kind.value),
            scope_id=strawberry.ID(g.scope_id) if g.scope_id else None,
            valid_from=g.valid_from,
            valid_until=g.valid_until,
            created_at=g.created_at,
        )


@strawberry.input(description="One directory group and the Dossier group that mirrors it.")
class DirectoryMappingInput:
    directory_dn: str
    group_key: str


@strawberry.type(description="What a directory import did (or, as a dry run, would do).")
class DirectoryImport:
    dry_run: bool
    created_groups: list[str] = strawberry.field(description="Keys of the groups created.")
    added: int = strawberry.field(description="Directory memberships added.")
    removed: int = strawberry.field(description="Directory memberships removed.")
    unknown_emails: list[str] = strawberry.field(
        description="Members' addresses no user of the tenant has (not imported)."
    )
    members_without_email: list[str]
    unresolved_members: list[str]

    @classmethod
    def of(cls, plan: SyncPlan, dry_run: bool) -> DirectoryImport:
        return cls(
            dry_run=dry_run,
            created_groups=[g.key for g in plan.create_groups],
            added=len(plan.add_members),
            removed=len(plan.remove_members),
            unknown_emails=list(plan.unknown_emails),
            members_without_email=list(plan.members_without_email),
            unresolved_members=list(plan.unresolved_members),
        )


@strawberry.type(name="UserAccount", description="A user as administrators see it.")
class UserAccountNode:
    id: strawberry.ID
    email: str
    display_name: str
    role: str = strawberry.field(description="The home role, which applies tenant-wide.")
    active: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, u: User) -> UserAccountNode:
        return cls(
            id=strawberry.ID(u.id),
            email=u.email,
            display_name=u.display_name,
            role=u.role.value,
            active=u.active,
            created_at=u.created_at,
        )


@strawberry.type(description="The answer of a change that may have had nothing to do.")
class MembershipChange:
    changed: bool


@strawberry.type(description="What was removed.")
class Removed:
    id: strawberry.ID


@strawberry.input
class GrantInput:
    role: str
    subject_kind: SubjectKindEnum
    subject_id: strawberry.ID
    scope_kind: ScopeKindEnum
    scope_id: strawberry.ID | None = strawberry.field(
        default=None, description="Left out for the tenant scope."
    )
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None

    def to_domain(self) -> GrantDraft:
        return GrantDraft(
            role=self.role.strip(),
            subject_kind=SubjectKind(self.subject_kind.value),
            subject_id=str(self.subject_id),
            scope_kind=ScopeKind(self.scope_kind.value),
            scope_id=None if self.scope_id is None else str(self.scope_id),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )


_Errors = ValidationError | NotFoundError | ConflictError | ForbiddenError
RoleResult = Annotated[RoleNode | _Errors, strawberry.union("AccessRoleResult")]
GroupResult = Annotated[GroupNode | _Errors, strawberry.union("GroupResult")]
GrantResult = Annotated[GrantNode | _Errors, strawberry.union("GrantResult")]
MembershipResult = Annotated[MembershipChange | _Errors, strawberry.union("MembershipResult")]
RemovedResult = Annotated[Removed | _Errors, strawberry.union("RemovedResult")]
UserAccountResult = Annotated[UserAccountNode | _Errors, strawberry.union("UserAccountResult")]
ImportResult = Annotated[
    DirectoryImport | _Errors | UnavailableError, strawberry.union("DirectoryImportResult")
]


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Built-in and own roles (administrators).")
    async def access_roles(self, info: Info) -> list[RoleNode]:
        ctx = info.context
        return [RoleNode.of(r) for r in await ctx.services.access.roles(ctx.principal)]

    @strawberry.field(description="The tenant's users (administrators).")
    async def user_accounts(self, info: Info) -> list[UserAccountNode]:
        ctx = info.context
        return [
            UserAccountNode.of(u) for u in await ctx.services.accounts.list_users(ctx.principal)
        ]

    @strawberry.field(description="The tenant's groups (administrators).")
    async def groups(self, info: Info) -> list[GroupNode]:
        ctx = info.context
        return [GroupNode.of(g) for g in await ctx.services.access.groups(ctx.principal)]

    @strawberry.field(description="Grants, of one user or one group or all (administrators).")
    async def grants(
        self,
        info: Info,
        user_id: strawberry.ID | None = None,
        group_id: strawberry.ID | None = None,
    ) -> list[GrantNode]:
        ctx = info.context
        found = await ctx.services.access.grants(
            ctx.principal,
            user_id=None if user_id is None else str(user_id),
            group_id=None if group_id is None else str(group_id),
        )
        return [GrantNode.of(g) for g in found]


async def _answer(work: Awaitable[T], node: Callable[[T], R]) -> R | _Errors:
    """``node`` of the result, or the expected error as its GraphQL type."""
    try:
        return node(await work)
    except DossierError as exc:
        return as_error(exc)  # type: ignore[return-value]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Change a user's home role (administrators, not their own).")
    async def set_user_role(
        self, info: Info, user_id: strawberry.ID, role: str
    ) -> UserAccountResult:
        ctx = info.context
        return await _answer(
            ctx.services.accounts.set_home_role(ctx.principal, str(user_id), role.strip()),
            UserAccountNode.of,
        )

    @strawberry.mutation(description="A role of the tenant's own: a key, a name and actions.")
    async def create_access_role(
        self, info: Info, key: str, name: str, actions: list[str]
    ) -> RoleResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.create_role(ctx.principal, key, name, actions), RoleNode.of
        )

    @strawberry.mutation(description="Rename a role or change its actions; null leaves as is.")
    async def update_access_role(
        self, info: Info, key: str, name: str | None = None, actions: list[str] | None = None
    ) -> RoleResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.update_role(ctx.principal, key, name, actions), RoleNode.of
        )

    @strawberry.mutation(description="Delete an own role that no grant gives any more.")
    async def delete_access_role(self, info: Info, key: str) -> RemovedResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.delete_role(ctx.principal, key),
            lambda _: Removed(id=strawberry.ID(key)),
        )

    @strawberry.mutation
    async def create_group(self, info: Info, key: str, name: str) -> GroupResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.create_group(ctx.principal, key, name), GroupNode.of
        )

    @strawberry.mutation(description="Delete a group with its memberships and grants.")
    async def delete_group(self, info: Info, id: strawberry.ID) -> RemovedResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.delete_group(ctx.principal, str(id)), lambda _: Removed(id=id)
        )

    @strawberry.mutation
    async def add_group_member(
        self, info: Info, group_id: strawberry.ID, user_id: strawberry.ID
    ) -> MembershipResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.add_member(ctx.principal, str(group_id), str(user_id)),
            lambda changed: MembershipChange(changed=changed),
        )

    @strawberry.mutation
    async def remove_group_member(
        self, info: Info, group_id: strawberry.ID, user_id: strawberry.ID
    ) -> MembershipResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.remove_member(ctx.principal, str(group_id), str(user_id)),
            lambda changed: MembershipChange(changed=changed),
        )

    @strawberry.mutation(
        description="Mirror directory groups in Dossier groups (docs/adr/0010); administrators."
    )
    async def import_directory_groups(
        self, info: Info, mappings: list[DirectoryMappingInput], dry_run: bool = False
    ) -> ImportResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.import_directory_groups(
                ctx.principal,
                [GroupMapping(m.directory_dn.strip(), m.group_key.strip()) for m in mappings],
                directory_reader(ctx.settings.ldap),
                dry_run=dry_run,
            ),
            lambda plan: DirectoryImport.of(plan, dry_run),
        )

    @strawberry.mutation(description="Give a role to a user or a group on a scope, for a time.")
    async def grant_access(self, info: Info, input: GrantInput) -> GrantResult:
        ctx = info.context
        return await _answer(
            ctx.services.access.grant(ctx.principal, input.to_domain()), GrantNode.of
        )

    @strawberry.mutation(description="Take a grant back; it stops counting with the next request.")
    async def revoke_access(self, info: Info, id: strawberry.ID) -> GrantResult:
        ctx = info.context
        return await _answer(ctx.services.access.revoke(ctx.principal, str(id)), GrantNode.of)
