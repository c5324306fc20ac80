"""Access administration as plain data: roles, groups, memberships and grants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from backend.access.policy import Action, ScopeKind

__all__ = ["GrantDraft", "GrantRecord", "Group", "Member", "MemberSource", "RoleDef", "SubjectKind"]


@dataclass(frozen=True, slots=True)
class RoleDef:
    key: str
    name: str
    actions: frozenset[Action]
    built_in: bool


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    tenant_id: str
    key: str
    name: str
    source_dn: str | None
    created_at: dt.datetime


class MemberSource(StrEnum):
    MANUAL = "manual"
    DIRECTORY = "directory"


@dataclass(frozen=True, slots=True)
class Member:
    group_id: str
    user_id: str
    source: MemberSource


class SubjectKind(StrEnum):
    USER = "user"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class GrantDraft:
    """What an administrator asks for; checked by :class:`~backend.access.service.AccessService`."""

    role: str
    subject_kind: SubjectKind
    subject_id: str
    scope_kind: ScopeKind
    scope_id: str | None = None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class GrantRecord:
    id: str
    tenant_id: str
    role: str
    subject_kind: SubjectKind
    subject_id: str
    scope_kind: ScopeKind
    scope_id: str | None
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    created_at: dt.datetime
    created_by: str | None
