from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from backend.access.policy import Visibility
from backend.visits.models import Visit


class VisitRepository(Protocol):
    async def customer_visible(self, tenant_id: str, customer_id: str, visible: Visibility) -> bool:
        """Whether the customer exists in the tenant and is in ``visible``."""
        ...

    async def add(self, visit: Visit) -> None: ...

    async def last_visits(
        self, tenant_id: str, customer_ids: Sequence[str]
    ) -> dict[str, dt.datetime]:
        """The latest ``visited_at`` per customer, for those with a visit: one statement, one
        index probe per customer."""
        ...

    async def of_customer(
        self,
        tenant_id: str,
        customer_id: str,
        after: tuple[dt.datetime, str] | None,
        limit: int,
    ) -> list[Visit]:
        """The customer's visits, latest first (ties by id, descending), after the cursor."""
        ...
