"""Piccolo implementation of :class:`backend.accounts.devices.DeviceRepository`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.accounts.devices import Device
from backend.accounts.tables import DeviceTable
from backend.persistence.rows import as_datetime, opt_datetime
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import select

__all__ = ["PiccoloDeviceRepository"]


def _device(row: dict[str, Any]) -> Device:
    return Device(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        user_id=str(row["user"]),
        key=row["key"],
        name=row["name"],
        first_seen_at=as_datetime(row["first_seen_at"]),
        last_seen_at=as_datetime(row["last_seen_at"]),
        revoked_at=opt_datetime(row["revoked_at"]),
    )


@tenant_scoped
class PiccoloDeviceRepository:
    async def find_device(self, tenant_id: str, device_id: str) -> Device | None:
        rows = await select(
            DeviceTable,
            "SELECT * FROM user_device WHERE id = {} AND tenant = {}",
            device_id,
            tenant_id,
        )
        return _device(rows[0]) if rows else None

    async def add_device(self, device: Device) -> bool:
        rows = await DeviceTable.raw(
            'INSERT INTO user_device (id, tenant, "user", key, name, first_seen_at, last_seen_at) '
            "VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT DO NOTHING RETURNING id",
            device.id,
            device.tenant_id,
            device.user_id,
            device.key,
            device.name,
            device.first_seen_at,
            device.last_seen_at,
        )
        return bool(rows)

    async def touch_device(self, tenant_id: str, device_id: str, at: dt.datetime) -> None:
        await DeviceTable.update({DeviceTable.last_seen_at: at}).where(
            (DeviceTable.id == device_id) & (DeviceTable.tenant == tenant_id)
        )

    async def devices_of(self, tenant_id: str, user_id: str) -> list[Device]:
        rows = await select(
            DeviceTable,
            'SELECT * FROM user_device WHERE tenant = {} AND "user" = {} '
            "ORDER BY last_seen_at DESC, id",
            tenant_id,
            user_id,
        )
        return [_device(r) for r in rows]

    async def revoke_device(self, tenant_id: str, device_id: str, at: dt.datetime) -> None:
        await DeviceTable.update({DeviceTable.revoked_at: at}).where(
            (DeviceTable.id == device_id) & (DeviceTable.tenant == tenant_id)
        )
