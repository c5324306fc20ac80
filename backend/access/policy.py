"""The one access decision: :func:`can`. Every entry point asks it; nothing else decides.

Today a user's role applies tenant-wide. Scoped, time-limited grants extend this function, not its
callers: their signature already carries the resource and the moment of the decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ROLES", "Action", "Principal", "Role", "can"]


class Action(StrEnum):
    READ = "read"
    DOWNLOAD = "download"
    WRITE = "write"
    FILE = "file"
    DELETE = "delete"
    ADMIN = "admin"
    AUDIT = "audit"


class Role(StrEnum):
    ADMIN = "admin"
    CLERK = "clerk"
    SALES = "sales"
    AUDITOR = "auditor"
    VIEWER = "viewer"


ROLES: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CLERK: frozenset({Action.READ, Action.DOWNLOAD, Action.WRITE, Action.FILE}),
    Role.SALES: frozenset({Action.READ, Action.DOWNLOAD, Action.WRITE}),
    Role.AUDITOR: frozenset({Action.READ, Action.DOWNLOAD, Action.AUDIT}),
    Role.VIEWER: frozenset({Action.READ}),
}


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


def can(
    principal: Principal, action: Action, resource: object = None, at: dt.datetime | None = None
) -> bool:
    """Deny by default; allow what the principal's role contains for resources of its own tenant."""
    tenant_id = getattr(resource, "tenant_id", principal.tenant_id)
    if tenant_id != principal.tenant_id:
        return False
    return action in ROLES.get(principal.role, frozenset())
