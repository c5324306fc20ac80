"""Sign-in, sessions, API tokens and user creation.

Session tokens and API tokens are random 256-bit values; only their SHA-256 is stored, so a leaked
database does not leak usable credentials. A session slides: each use within its idle lifetime
extends it, but never past its absolute lifetime.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from backend.access.policy import Action, Grant, Principal, Role, can
from backend.accounts.devices import Device
from backend.accounts.models import ApiToken, Session, User
from backend.accounts.passwords import hash_password, verify_password
from backend.accounts.ports import AccountRepository
from backend.audit.service import Actor, AuditTrail
from backend.errors import (
    Conflict,
    DeviceRevoked,
    FieldIssue,
    Forbidden,
    InvalidCredentials,
    NotFound,
    SelfEscalation,
    SessionExpired,
    Unauthenticated,
    ValidationFailed,
)
from backend.ids import parse_id
from backend.ports import Clock, Transactions
from backend.time_zones import checked_time_zone

__all__ = ["AccountService", "ResolvedSession", "SignedIn", "principal_of", "token_hash"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
API_TOKEN_PREFIX = "dsr_"  # noqa: S105 (a public prefix that makes tokens recognisable)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The result of a sign-in: the cookie value (shown once) and the session it opens."""

    token: str
    session: Session
    user: User


@dataclass(frozen=True, slots=True)
class ResolvedSession:
    """Who a session cookie signs in, and the device the session is bound to (None: not yet)."""

    principal: Principal
    device: Device | None


GrantsOf = Callable[[str, str, dt.datetime], Awaitable[tuple[Grant, ...]]]
"""``(tenant_id, user_id, now)`` → the user's grants that have not ended (access service)."""


def principal_of(
    user: User,
    via: str = "session",
    csrf_token: str | None = None,
    device: str = "web",
    grants: tuple[Grant, ...] = (),
    as_of: dt.datetime | None = None,
) -> Principal:
    return Principal(
        user_id=user.id,
        tenant_id=user.tenant_id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        via=via,
        csrf_token=csrf_token,
        device=device,
        grants=grants,
        as_of=as_of,
        time_zone=user.time_zone,
    )


class AccountService:
    def __init__(
        self,
        repo: AccountRepository,
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
        grants_of: GrantsOf,
        *,
        session_ttl: dt.timedelta,
        session_max_age: dt.timedelta,
    ) -> None:
        self._repo = repo
        self._grants_of = grants_of
        self._audit = audit
        self._tx = tx
        self._clock = clock
        self._ttl = session_ttl
        self._max_age = session_max_age

    async def create_user(
        self,
        tenant_id: str,
        email: str,
        display_name: str,
        role: str,
        password: str | None,
        actor: Actor | None = None,
    ) -> User:
        email = email.strip().lower()
        issues = []
        if not _EMAIL.match(email):
            issues.append(("email", "invalid_email", "is not an e-mail address"))
        if not display_name.strip():
            issues.append(("displayName", "required", "is required"))
        if role not in Role.__members__.values():
            issues.append(("role", "invalid_role", f"must be one of {', '.join(Role)}"))
        if password is not None and len(password) < MIN_PASSWORD_LENGTH:
            issues.append(
                ("password", "too_short", f"must have at least {MIN_PASSWORD_LENGTH} characters")
            )
        if issues:
            raise ValidationFailed([FieldIssue(f, c, m) for f, c, m in issues])
        user = User(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            email=email,
            display_name=display_name.strip(),
            role=Role(role),
            active=True,
            created_at=self._clock(),
        )
        # Argon2 costs tens of milliseconds of CPU: keep it off the event loop.
        hashed = await asyncio.to_thread(hash_password, password) if password is not None else None
        async with self._tx.write():
            if await self._repo.email_taken(tenant_id, email):
                raise Conflict(f"a user with e-mail {email} already exists")
            await self._repo.add_user(user, hashed)  # a concurrent twin raises Conflict there
            await self._audit.record(
                actor or Actor(tenant_id, None, "system"),
                "user.create",
                "user",
                user.id,
                {"email": user.email, "role": user.role.value},
            )
        return user

    async def sign_in(
        self, tenant_slug: str | None, email: str, password: str, device: str = "web"
    ) -> SignedIn:
        candidates = await self._repo.find_login(tenant_slug, email.strip().lower())
        user, password_hash = candidates[0] if len(candidates) == 1 else (None, None)
        # Verify even for an unknown user, so the answer takes as long either way.
        if not await asyncio.to_thread(verify_password, password_hash, password) or user is None:
            if user is not None:  # a known account: its tenant's trail records the attempt
                await self._audit.record(
                    Actor(user.tenant_id, None, device), "auth.login_failed", "user", user.id
                )
            raise InvalidCredentials()
        now = self._clock()
        token = secrets.token_urlsafe(32)
        session = Session(
            token_hash=token_hash(token),
            tenant_id=user.tenant_id,
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + self._ttl,
            max_expires_at=now + self._max_age,
        )
        async with self._tx.write():
            await self._repo.add_session(session)
            await self._audit.record(
                Actor(user.tenant_id, user.id, device), "auth.login", "user", user.id
            )
        return SignedIn(token=token, session=session, user=user)

    async def principal_for_session(self, token: str) -> Principal:
        """Resolve a session cookie; extend the session if more than a minute has passed."""
        return (await self.resolve_session(token)).principal

    async def bind_session(self, token: str, device_id: str) -> None:
        """Bind the session of ``token`` to the device it is used from, unless it is bound."""
        async with self._tx.write():
            await self._repo.bind_session(token_hash(token), device_id)

    async def resolve_session(self, token: str) -> ResolvedSession:
        """:meth:`principal_for_session`, with the device the session is bound to."""
        session = await self._repo.find_session(token_hash(token))
        if session is None:
            raise Unauthenticated()
        now = self._clock()
        if now >= session.expires_at or now >= session.max_expires_at:
            raise SessionExpired()
        if session.device is not None and session.device.revoked_at is not None:
            # With or without the device's key (a copied cookie): docs/adr/0027.
            await self.sign_out(token, device="revoked device")
            raise DeviceRevoked()
        user = await self._repo.find_user(session.tenant_id, session.user_id)
        if user is None or not user.active:
            raise Unauthenticated()
        new_expiry = min(now + self._ttl, session.max_expires_at)
        if new_expiry - session.expires_at > dt.timedelta(minutes=1):
            await self._repo.extend_session(session.token_hash, new_expiry)
        grants = await self._grants_of(user.tenant_id, user.id, now)
        return ResolvedSession(
            principal_of(user, "session", session.csrf_token, grants=grants, as_of=now),
            session.device,
        )

    async def session_alive(self, token: str) -> bool:
        """Whether ``token`` still signs in (not ended, not expired, its device not revoked),
        without extending the session: a long-lived stream asks this per event."""
        session = await self._repo.find_session(token_hash(token))
        if session is None:
            return False
        now = self._clock()
        if now >= session.expires_at or now >= session.max_expires_at:
            return False
        return session.device is None or session.device.revoked_at is None

    async def sign_out(self, token: str, device: str = "web") -> None:
        """End the session of ``token`` and record it in its tenant's trail (a session that is
        already gone is not an error, and not recorded twice)."""
        session = await self._repo.find_session(token_hash(token))
        if session is None:
            return
        async with self._tx.write():
            await self._repo.delete_session(session.token_hash)
            await self._audit.record(
                Actor(session.tenant_id, session.user_id, device),
                "auth.logout",
                "user",
                session.user_id,
            )

    async def issue_api_token(
        self,
        tenant_id: str,
        user_id: str,
        name: str,
        expires_at: dt.datetime | None = None,
        actor: Actor | None = None,
    ) -> str:
        user = await self._repo.find_user(tenant_id, parse_id("user", user_id))
        if user is None:
            raise NotFound("user", user_id)
        token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = ApiToken(
            token_hash=token_hash(token),
            tenant_id=tenant_id,
            user_id=user_id,
            name=name,
            created_at=self._clock(),
            expires_at=expires_at,
            revoked_at=None,
        )
        async with self._tx.write():
            await self._repo.add_token(record)
            await self._audit.record(
                actor or Actor(tenant_id, None, "system"),
                "token.issue",
                "user",
                user_id,
                {"name": name, "expires_at": expires_at.isoformat() if expires_at else None},
            )
        return token

    async def principal_for_token(self, token: str) -> Principal:
        record = await self._repo.find_token(token_hash(token))
        now = self._clock()
        if record is None or record.revoked_at is not None:
            raise Unauthenticated("unknown or revoked API token")
        if record.expires_at is not None and now >= record.expires_at:
            raise Unauthenticated("the API token has expired")
        user = await self._repo.find_user(record.tenant_id, record.user_id)
        if user is None or not user.active:
            raise Unauthenticated("the API token's user is inactive")
        grants = await self._grants_of(user.tenant_id, user.id, now)
        return principal_of(user, "token", device=f"api:{record.name}", grants=grants, as_of=now)

    async def active_user(self, tenant_slug: str, email: str) -> User:
        candidates = await self._repo.find_login(tenant_slug, email.strip().lower())
        if not candidates:
            raise NotFound("user", email)
        return candidates[0][0]

    async def list_users(self, principal: Principal) -> list[User]:
        """Everyone of the tenant (administrators only)."""
        if not can(principal, Action.ADMIN):
            raise Forbidden("only administrators list the users")
        return await self._repo.list_users(principal.tenant_id)

    async def set_home_role(self, principal: Principal, user_id: str, role: str) -> User:
        """Change the role a user holds tenant-wide (administrators only, not their own)."""
        user_id = parse_id("user", user_id)
        if not can(principal, Action.ADMIN):
            if user_id == principal.user_id:
                raise SelfEscalation()
            raise Forbidden("only administrators change roles")
        if role not in Role.__members__.values():
            raise ValidationFailed.one("role", "invalid_role", f"one of {', '.join(Role)}")
        if user_id == principal.user_id:
            raise ValidationFailed.one(
                "userId", "own_role", "ask another administrator to change your own role"
            )
        user = await self._repo.find_user(principal.tenant_id, user_id)
        if user is None:
            raise NotFound("user", user_id)
        if user.role.value == role:
            return user
        async with self._tx.write():
            await self._repo.set_role(principal.tenant_id, user_id, Role(role))
            await self._audit.record(
                principal,
                "user.role_change",
                "user",
                user_id,
                {"old": user.role.value, "new": role},
            )
        return dataclasses.replace(user, role=Role(role))

    async def set_time_zone(self, principal: Principal, time_zone: str | None) -> User:
        """Set the caller's own IANA time zone (None: back to UTC); audited when it changes.
        Raises :class:`ValidationFailed` (``unknown_time_zone``) for a name zoneinfo does not
        know."""
        zone = None if time_zone is None or not time_zone.strip() else checked_time_zone(time_zone)
        user = await self._repo.find_user(principal.tenant_id, principal.user_id)
        if user is None:
            raise NotFound("user", principal.user_id)
        if user.time_zone == zone:
            return user
        async with self._tx.write():
            await self._repo.set_time_zone(principal.tenant_id, user.id, zone)
            await self._audit.record(
                principal,
                "user.time_zone_set",
                "user",
                user.id,
                {"old": user.time_zone, "new": zone},
            )
        return dataclasses.replace(user, time_zone=zone)

    async def users(self, tenant_id: str, ids: list[str]) -> list[User]:
        return await self._repo.users_by_ids(tenant_id, ids)
