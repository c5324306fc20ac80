"""The storage port of search (implemented in :mod:`backend.search.repository`)."""

from __future__ import annotations

from typing import Any, Protocol

from backend.access.policy import Visibility
from backend.search.models import Found, SearchGroup, SearchPlan

__all__ = ["SearchRepository"]


class SearchRepository(Protocol):
    async def page(
        self,
        tenant_id: str,
        plan: SearchPlan,
        visible: Visibility,
        after: tuple[Any, str] | None,
        limit: int,
    ) -> list[Found]: ...

    async def count(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility, cap: int
    ) -> int: ...

    async def groups(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility
    ) -> list[SearchGroup]: ...

    async def refresh(self, tenant_id: str, document_ids: list[str]) -> None: ...

    async def reindex(self, tenant_id: str) -> int: ...

    async def tenant_ids(self) -> list[str]: ...
