"""The one access decision: :func:`can`, and its set form :func:`visibility` for listings.

A principal holds a *home role* (a built-in role that applies to the whole tenant, ``none`` for
people who see only what they are granted) and any number of *grants*: a role (a named set of
actions) on a scope — the tenant, one customer, one register, one document type or one document —
optionally valid only from/until a moment. Everything not allowed by one of them is denied.

:func:`can` answers for one resource; :func:`visibility` answers for all resources at once as
sets of scope ids, which the repositories turn into one SQL condition, so that a listing and its
counts show exactly what :func:`can` would allow, one query for a thousand documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "ROLES",
    "Action",
    "Grant",
    "Principal",
    "Resource",
    "Role",
    "ScopeKind",
    "Visibility",
    "can",
    "can_somewhere",
    "visibility",
]


class Action(StrEnum):
    READ = "read"
    DOWNLOAD = "download"
    WRITE = "write"
    FILE = "file"
    DELETE = "delete"
    ADMIN = "admin"
    AUDIT = "audit"


class Role(StrEnum):
    """Built-in roles. Tenants may define more (see :mod:`backend.access.service`)."""

    ADMIN = "admin"
    CLERK = "clerk"
    SALES = "sales"
    AUDITOR = "auditor"
    VIEWER = "viewer"
    NONE = "none"


ROLES: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CLERK: frozenset({Action.READ, Action.DOWNLOAD, Action.WRITE, Action.FILE}),
    Role.SALES: frozenset({Action.READ, Action.DOWNLOAD, Action.WRITE}),
    Role.AUDITOR: frozenset({Action.READ, Action.DOWNLOAD, Action.AUDIT}),
    Role.VIEWER: frozenset({Action.READ}),
    Role.NONE: frozenset(),
}


class ScopeKind(StrEnum):
    TENANT = "tenant"
    CUSTOMER = "customer"
    REGISTER = "register"
    DOCUMENT_TYPE = "document_type"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Grant:
    """A role's actions on one scope, for a time. ``scope_id`` is None for the tenant scope."""

    id: str
    role: str
    actions: frozenset[Action]
    scope_kind: ScopeKind
    scope_id: str | None
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None

    def active_at(self, at: dt.datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_until is None or at < self.valid_until
        )


@dataclass(frozen=True, slots=True)
class Resource:
    """What an action is about. Fields that do not apply stay empty.

    A customer is ``Resource(tenant_id, customer_id=…)``; a document carries its customer, type,
    registers and own id, so that any grant on one of them covers it."""

    tenant_id: str
    customer_id: str | None = None
    document_type_id: str | None = None
    register_ids: frozenset[str] = frozenset()
    document_id: str | None = None

    def covered_by(self, grant: Grant) -> bool:
        kind, scope = grant.scope_kind, grant.scope_id
        if kind is ScopeKind.TENANT:
            return True
        if kind is ScopeKind.CUSTOMER:
            return scope == self.customer_id
        if kind is ScopeKind.DOCUMENT_TYPE:
            return scope == self.document_type_id
        if kind is ScopeKind.REGISTER:
            return scope in self.register_ids
        return scope == self.document_id


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a signed-in user (browser session) or a machine client (API token)."""

    user_id: str
    tenant_id: str
    email: str
    display_name: str
    role: Role
    via: str  # "session" | "token"
    csrf_token: str | None = None
    device: str = "web"
    """Where the principal acts from, as recorded in the audit trail ("web", "api:<token>")."""
    device_id: str | None = None
    """The registered browser device the request came from (``X-Dossier-Device``), if any."""
    grants: tuple[Grant, ...] = ()
    """The user's grants, directly and through groups, that had not ended when it signed in."""
    as_of: dt.datetime | None = None
    """The moment the principal was resolved; decisions without an explicit time use it."""
    time_zone: str | None = None
    """The user's IANA time zone (their calendar day for relative dates); None: UTC."""

    def needs_registers(self) -> bool:
        """Whether deciding on a document can depend on the registers it is filed in."""
        return any(g.scope_kind is ScopeKind.REGISTER for g in self.grants)


def _now(principal: Principal, at: dt.datetime | None) -> dt.datetime:
    return at or principal.as_of or dt.datetime.now(dt.UTC)


def can(
    principal: Principal,
    action: Action,
    resource: Resource | None = None,
    at: dt.datetime | None = None,
) -> bool:
    """Deny by default. ``resource=None`` asks about the whole tenant (creating a customer, the
    audit trail, administration): only the home role or a tenant-wide grant answers yes."""
    if resource is not None and resource.tenant_id != principal.tenant_id:
        return False
    if action in ROLES.get(principal.role, frozenset()):
        return True
    moment = _now(principal, at)
    for grant in principal.grants:
        if action not in grant.actions or not grant.active_at(moment):
            continue
        if grant.scope_kind is ScopeKind.TENANT:
            return True
        if resource is not None and resource.covered_by(grant):
            return True
    return False


def can_somewhere(principal: Principal, action: Action, at: dt.datetime | None = None) -> bool:
    """Whether any resource at all allows ``action`` (to show or hide a part of the app)."""
    if action in ROLES.get(principal.role, frozenset()):
        return True
    moment = _now(principal, at)
    return any(action in g.actions and g.active_at(moment) for g in principal.grants)


@dataclass(frozen=True, slots=True)
class Visibility:
    """All resources that allow an action, as scope ids: a resource is visible when ``everything``
    or when its customer, its type, one of its registers or its own id is in the sets."""

    everything: bool = False
    customers: frozenset[str] = field(default_factory=frozenset)
    registers: frozenset[str] = field(default_factory=frozenset)
    document_types: frozenset[str] = field(default_factory=frozenset)
    documents: frozenset[str] = field(default_factory=frozenset)

    @property
    def nothing(self) -> bool:
        return not (
            self.everything
            or self.customers
            or self.registers
            or self.document_types
            or self.documents
        )


def visibility(principal: Principal, action: Action, at: dt.datetime | None = None) -> Visibility:
    if action in ROLES.get(principal.role, frozenset()):
        return Visibility(everything=True)
    moment = _now(principal, at)
    ids: dict[ScopeKind, set[str]] = {kind: set() for kind in ScopeKind}
    for grant in principal.grants:
        if action not in grant.actions or not grant.active_at(moment):
            continue
        if grant.scope_kind is ScopeKind.TENANT:
            return Visibility(everything=True)
        if grant.scope_id is not None:
            ids[grant.scope_kind].add(grant.scope_id)
    return Visibility(
        customers=frozenset(ids[ScopeKind.CUSTOMER]),
        registers=frozenset(ids[ScopeKind.REGISTER]),
        document_types=frozenset(ids[ScopeKind.DOCUMENT_TYPE]),
        documents=frozenset(ids[ScopeKind.DOCUMENT]),
    )
