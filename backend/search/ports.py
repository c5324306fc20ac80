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
        count_cap: int,
    ) -> tuple[list[Found], int]:
        """Up to ``limit`` documents after ``after``, and all documents found counted up to
        ``count_cap + 1`` (more than ``count_cap`` means "more")."""
        ...

    async def count(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility, cap: int
    ) -> int: ...

    async def groups(
        self, tenant_id: str, plan: SearchPlan, visible: Visibility
    ) -> list[SearchGroup]: ...

    async def refresh(self, tenant_id: str, document_ids: list[str]) -> None: ...

    async def reindex(self, tenant_id: str) -> int: ...

    async def tenant_ids(self) -> list[str]: ...
