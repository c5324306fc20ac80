"""Accounts: users, sessions and API tokens, as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from backend.access.policy import Role
from backend.accounts.devices import Device

__all__ = ["ApiToken", "Session", "User"]


@dataclass(frozen=True, slots=True)
class User:
    id: str
    tenant_id: str
    email: str
    display_name: str
    role: Role
    active: bool
    created_at: dt.datetime
    time_zone: str | None = None
    """The IANA zone the user's calendar days are in (relative search dates); None: UTC."""


@dataclass(frozen=True, slots=True)
class Session:
    """A browser session.

    ``token_hash`` identifies it; the token itself lives only in the cookie."""

    token_hash: str
    tenant_id: str
    user_id: str
    csrf_token: str
    created_at: dt.datetime
    expires_at: dt.datetime
    max_expires_at: dt.datetime
    device: Device | None = None
    """The browser device the session is bound to: the first one it was used from (read with
    the session, so a revoked one is known without another statement; docs/adr/0027)."""


@dataclass(frozen=True, slots=True)
class ApiToken:
    token_hash: str
    tenant_id: str
    user_id: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
