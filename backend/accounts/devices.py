"""The devices (browsers) a user works from, and their revocation: remote wipe (docs/adr/0027).

A browser names itself with a random key in ``X-Dossier-Device``. The first signed-in request with
a key registers the device for that user (its id derived from user and key, so two tabs racing to
register make one row) and binds the session to it; later requests find the device in the session
read and move ``last_seen_at`` forward (at most once a minute).
Revoking a device is done by its user or an administrator of the tenant and is audited; the
device's next request ends its session and answers ``device_revoked``, which tells the app to
delete everything it keeps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from backend.access.policy import Action, Principal, can
from backend.audit.service import AuditTrail
from backend.errors import DeviceRevoked, Forbidden, NotFound, ValidationFailed
from backend.ids import parse_id
from backend.ports import Clock, Transactions

__all__ = [
    "MAX_KEY_LENGTH",
    "Device",
    "DeviceRegistry",
    "DeviceRepository",
    "checked_key",
    "describe_user_agent",
    "device_id",
]

MAX_KEY_LENGTH = 128
_NAMESPACE = uuid.UUID("6f1d1c52-4d5e-4c1a-9f0e-27d0c8a1b6e3")
_TOUCH_EVERY = dt.timedelta(minutes=1)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    tenant_id: str
    user_id: str
    key: str
    name: str
    """What the browser is, from its user agent ("Chrome on Android")."""
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        """How the trail, conflicts and leases name it: its name and the start of its id
        ("Chrome on Android · 1a2b3c4d"), stable for as long as the device is registered."""
        return f"{self.name} · {self.id[:8]}"


class DeviceRepository(Protocol):
    async def find_device(self, tenant_id: str, device_id: str) -> Device | None: ...

    async def add_device(self, device: Device) -> bool:
        """Insert; False when the row already exists (another request registered it first)."""
        ...

    async def touch_device(self, tenant_id: str, device_id: str, at: dt.datetime) -> None: ...

    async def devices_of(self, tenant_id: str, user_id: str) -> list[Device]: ...

    async def revoke_device(self, tenant_id: str, device_id: str, at: dt.datetime) -> None: ...


def device_id(user_id: str, key: str) -> str:
    """The registry's id of one user's browser: the same user and key always give the same id."""
    return str(uuid.uuid5(_NAMESPACE, f"{user_id}/{key}"))


def checked_key(raw: str) -> str:
    """The device key of a header value; raises ``invalid_device`` for an unusable one."""
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or _CONTROL.search(key):
        raise ValidationFailed.one(
            "X-Dossier-Device",
            "invalid_device",
            f"a device key has 1 to {MAX_KEY_LENGTH} printable characters",
        )
    return key


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str) -> str:
    """ "Chrome on Android", "Safari on iOS"; what is not recognised says so plainly."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


EndSession = Callable[[], Awaitable[None]]


class DeviceRegistry:
    def __init__(
        self, repo: DeviceRepository, audit: AuditTrail, tx: Transactions, clock: Clock
    ) -> None:
        self._repo = repo
        self._audit = audit
        self._tx = tx
        self._clock = clock

    async def seen(
        self, principal: Principal, key: str, user_agent: str, end_session: EndSession
    ) -> Device:
        """Record that ``principal`` works from the device ``key``. A revoked device's session
        ends (``end_session``) and :class:`DeviceRevoked` is raised."""
        ident = device_id(principal.user_id, checked_key(key))
        now = self._clock()
        device = await self._repo.find_device(principal.tenant_id, ident)
        if device is None:
            device = Device(
                id=ident,
                tenant_id=principal.tenant_id,
                user_id=principal.user_id,
                key=key.strip(),
                name=describe_user_agent(user_agent),
                first_seen_at=now,
                last_seen_at=now,
            )
            async with self._tx.write():
                added = await self._repo.add_device(device)
            found = None if added else await self._repo.find_device(principal.tenant_id, ident)
            if found is None:  # new (or its twin request's row is this one's twin)
                return device
            device = found
        if device.revoked_at is not None:
            await end_session()
            raise DeviceRevoked()
        if now - device.last_seen_at >= _TOUCH_EVERY:
            async with self._tx.write():
                await self._repo.touch_device(principal.tenant_id, ident, now)
        return device

    async def still_seen(self, device: Device) -> Device:
        """The bound device of a session, read with it, used again: "last seen" moves forward
        at most once a minute, and nothing else is read."""
        now = self._clock()
        if now - device.last_seen_at < _TOUCH_EVERY:
            return device
        async with self._tx.write():
            await self._repo.touch_device(device.tenant_id, device.id, now)
        return dataclasses.replace(device, last_seen_at=now)

    async def devices(self, principal: Principal, user_id: str | None = None) -> list[Device]:
        """A user's devices, newest use first: one's own, or anyone's for an administrator."""
        owner = principal.user_id if user_id is None else parse_id("user", user_id)
        self._may_manage(principal, owner)
        return await self._repo.devices_of(principal.tenant_id, owner)

    async def revoke(self, principal: Principal, ident: str) -> Device:
        """Revoke a device (its user, or an administrator); revoking it again changes nothing.
        A session bound to it ends at its next use, with or without the device's key, so a
        cookie copied from it stops working too. A device of another tenant is not found,
        exactly like an unknown one."""
        ident = parse_id("device", ident)
        device = await self._repo.find_device(principal.tenant_id, ident)
        if device is None:
            raise NotFound("device", ident)
        self._may_manage(principal, device.user_id)
        if device.revoked_at is not None:
            return device
        now = self._clock()
        async with self._tx.write():
            await self._repo.revoke_device(principal.tenant_id, ident, now)
            await self._audit.record(
                principal,
                "device.revoke",
                "user",
                device.user_id,
                {"device_id": device.id, "name": device.name},
            )
        return dataclasses.replace(device, revoked_at=now)

    @staticmethod
    def _may_manage(principal: Principal, owner: str) -> None:
        if owner != principal.user_id and not can(principal, Action.ADMIN):
            raise Forbidden("only administrators manage other people's devices")
