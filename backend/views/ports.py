from __future__ import annotations

from typing import Protocol

from backend.views.models import Audience, Placement, SavedView


class ViewRepository(Protocol):
    async def visible(
        self, tenant_id: str, user_id: str, group_ids: list[str], placement: Placement | None
    ) -> list[SavedView]:
        """The user's personal views, the views of ``group_ids`` and the tenant's views, shelf by
        shelf (tenant, groups by name, personal), each shelf by position then name."""
        ...

    async def of_group(
        self, tenant_id: str, group_id: str, placement: Placement | None
    ) -> list[SavedView]:
        """The views shared with one group, by placement, position and name."""
        ...

    async def get(self, tenant_id: str, view_id: str) -> SavedView | None: ...

    async def shelf(
        self, tenant_id: str, placement: Placement, audience: Audience, owner_id: str
    ) -> list[SavedView]:
        """The views sharing a shelf with a view of this placement, audience and owner (the owner
        counts for personal views only), by position then name."""
        ...

    async def add(self, view: SavedView) -> None: ...

    async def update(self, view: SavedView) -> bool: ...

    async def set_positions(self, tenant_id: str, positions: dict[str, int]) -> None: ...

    async def delete(self, tenant_id: str, view_id: str) -> bool: ...
