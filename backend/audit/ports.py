from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from backend.audit.checkpoints import Checkpoint
from backend.audit.events import AuditEvent, EventDraft


class AuditRepository(Protocol):
    async def append(self, draft: EventDraft, details_json: str) -> AuditEvent:
        """Number ``draft`` as the next event of its tenant's chain, seal and store it; the
        database moves the tenant's head with it. Serialises appends per tenant (a row lock on
        PostgreSQL, the writer on SQLite). Joins the caller's write transaction."""
        ...

    async def append_many(self, items: Sequence[tuple[EventDraft, str]]) -> list[AuditEvent]:
        """:meth:`append` for several drafts in their order, in a few statements per tenant
        (claim the numbers once, seal in order, insert together)."""
        ...

    async def events(
        self,
        tenant_id: str,
        *,
        target: tuple[str, str] | None,
        actor_id: str | None,
        before_seq: int | None,
        limit: int,
    ) -> list[AuditEvent]:
        """Newest first."""
        ...

    def chain(self, tenant_id: str, batch: int = 5000) -> AsyncIterator[list[AuditEvent]]:
        """All events of a tenant in the order stored, oldest first, in batches."""
        ...

    async def head(self, tenant_id: str) -> tuple[int, str]: ...

    async def checkpoints(self, tenant_id: str, limit: int) -> list[Checkpoint]:
        """The tenant's kept checkpoints, longest chain first."""
        ...

    async def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Keep a checkpoint; the same chain length signed twice is kept once."""
        ...
