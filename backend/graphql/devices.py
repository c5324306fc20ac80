"""GraphQL for the devices a user works from, and revoking one (remote wipe, docs/adr/0027)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from backend.accounts.devices import Device
from backend.errors import DossierError
from backend.graphql.context import Info
from backend.graphql.errors import ForbiddenError, NotFoundError, ValidationError, as_error

__all__ = ["DeviceMutation", "DeviceNode", "DeviceQuery"]


@strawberry.type(name="Device", description="A browser a user works from.")
class DeviceNode:
    id: strawberry.ID
    user_id: strawberry.ID
    name: str = strawberry.field(description="What the browser is, from its user agent.")
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    revoked_at: dt.datetime | None = strawberry.field(
        description="When it was revoked: its next request ends its session and wipes it."
    )
    current: bool = strawberry.field(description="The device this request comes from.")

    @classmethod
    def of(cls, d: Device, current_id: str | None) -> DeviceNode:
        return cls(
            id=strawberry.ID(d.id),
            user_id=strawberry.ID(d.user_id),
            name=d.name,
            first_seen_at=d.first_seen_at,
            last_seen_at=d.last_seen_at,
            revoked_at=d.revoked_at,
            current=d.id == current_id,
        )


@strawberry.type
class DeviceQuery:
    @strawberry.field(
        description="A user's devices, most recently used first: your own (no userId), "
        "or anyone's of the tenant for an administrator."
    )
    async def devices(self, info: Info, user_id: strawberry.ID | None = None) -> list[DeviceNode]:
        ctx = info.context
        found = await ctx.services.devices.devices(ctx.principal, user_id)
        return [DeviceNode.of(d, ctx.principal.device_id) for d in found]


RevokeDeviceResult = Annotated[
    DeviceNode | NotFoundError | ForbiddenError | ValidationError,
    strawberry.union("RevokeDeviceResult"),
]


@strawberry.type
class DeviceMutation:
    @strawberry.mutation(
        description="Revoke a device (yours, or anyone's for an administrator): its next request "
        "ends its session with device_revoked and the app deletes its local data. Audited."
    )
    async def revoke_device(self, info: Info, device_id: strawberry.ID) -> RevokeDeviceResult:
        ctx = info.context
        try:
            device = await ctx.services.devices.revoke(ctx.principal, device_id)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return DeviceNode.of(device, ctx.principal.device_id)
