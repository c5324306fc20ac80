"""Writing and reading the audit trail.

:meth:`AuditTrail.record` appends one event to the tenant's hash chain *inside the caller's write
transaction*: the change and its audit line commit together or not at all. Reads of documents
(views, downloads) are recorded in a transaction of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.access.policy import Action, Principal, can
from backend.audit.checkpoints import Checkpoint, SigningKey, sign_checkpoint
from backend.audit.events import GENESIS_HASH, AuditEvent, EventDraft, plain_details
from backend.audit.merkle import MerkleAccumulator
from backend.audit.ports import AuditRepository
from backend.errors import Forbidden
from backend.ports import Clock, Transactions

__all__ = ["Actor", "AuditBuffer", "AuditTrail", "details_json"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event: a user (or nobody, for the system) of a tenant, on a device."""

    tenant_id: str
    user_id: str | None
    device: str

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(principal.tenant_id, principal.user_id, principal.device)


def details_json(details: Mapping[str, Any]) -> str:
    """The stored text of ``details``: canonical JSON (the text that is hashed), the same bytes
    on every engine."""
    return plain_details(details)[1]


class AuditTrail:
    def __init__(self, repo: AuditRepository, tx: Transactions, clock: Clock) -> None:
        self._repo = repo
        self._tx = tx
        self._clock = clock

    async def record(
        self,
        actor: Actor | Principal,
        action: str,
        target_type: str,
        target_id: str,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        """Append an event; joins the caller's write transaction (or opens one for reads)."""
        draft, text = self.draft(actor, action, target_type, target_id, details)
        async with self._tx.write():
            return await self._repo.append(draft, text)

    def draft(
        self,
        actor: Actor | Principal,
        action: str,
        target_type: str,
        target_id: str,
        details: Mapping[str, Any] | None = None,
        *,
        occurred_at: dt.datetime | None = None,
    ) -> tuple[EventDraft, str]:
        """The event :meth:`record` would append now (or at ``occurred_at``), and its details'
        stored text."""
        who = actor if isinstance(actor, Actor) else Actor.of(actor)
        plain, text = plain_details(details or {})
        draft = EventDraft(
            tenant_id=who.tenant_id,
            occurred_at=self._clock() if occurred_at is None else occurred_at,
            actor_id=who.user_id,
            device=who.device,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=plain,
            details_text=text,
        )
        return draft, text

    def buffer(self) -> AuditBuffer:
        """Lines to append together later, in the order they were added (see
        :class:`AuditBuffer`)."""
        return AuditBuffer(self, self._repo, self._tx, self._clock)

    async def checkpoint(self, tenant_id: str, key: SigningKey) -> Checkpoint:
        """Sign the chain as it stands (length, head hash, Merkle root) and keep the checkpoint;
        the file made from it is what an auditor keeps elsewhere."""
        accumulator = MerkleAccumulator()
        last_seq, head_hash = 0, GENESIS_HASH
        async for batch in self._repo.chain(tenant_id):
            for event in batch:
                accumulator.add(event.hash)
                last_seq, head_hash = event.seq, event.hash
        checkpoint = sign_checkpoint(
            key,
            tenant_id=tenant_id,
            seq=last_seq,
            head_hash=head_hash,
            merkle_root=accumulator.root(),
            signed_at=self._clock(),
        )
        async with self._tx.write():
            await self._repo.add_checkpoint(checkpoint)
        return checkpoint

    async def checkpoint_if_grown(self, tenant_id: str, key: SigningKey) -> Checkpoint | None:
        """Sign the chain if it has events no kept checkpoint covers yet."""
        seq, _ = await self._repo.head(tenant_id)
        kept = await self._repo.checkpoints(tenant_id, 1)
        if seq == 0 or (kept and kept[0].seq >= seq):
            return None
        return await self.checkpoint(tenant_id, key)

    async def checkpoints(self, principal: Principal, limit: int = 20) -> list[Checkpoint]:
        """The tenant's kept checkpoints, newest first; only for the audit right."""
        if not can(principal, Action.AUDIT):
            raise Forbidden("audit checkpoints need the audit right")
        return await self._repo.checkpoints(principal.tenant_id, max(1, min(limit, 500)))

    async def trail(
        self,
        principal: Principal,
        *,
        target: tuple[str, str] | None = None,
        actor_id: str | None = None,
        before_seq: int | None = None,
        limit: int = 50,
    ) -> list[AuditEvent]:
        """Events of the principal's tenant, newest first; only for the audit right."""
        if not can(principal, Action.AUDIT):
            raise Forbidden("reading the audit trail needs the audit right")
        return await self._repo.events(
            principal.tenant_id,
            target=target,
            actor_id=actor_id,
            before_seq=before_seq,
            limit=max(1, min(limit, 1000)),
        )


@dataclass(slots=True)
class _Line:
    """A buffered line, drafted when the buffer flushes (so that it can still be annotated)."""

    actor: Actor | Principal
    occurred_at: dt.datetime
    action: str
    target_type: str
    target_id: str
    details: Mapping[str, Any]


class AuditBuffer:
    """Audit lines of one write transaction, kept in order and appended together by
    :meth:`flush` (a few statements instead of one or two per line). Each line is dated when it
    is added. Whoever fills a buffer flushes it inside the same write transaction, before any
    line is recorded past it, so the chain keeps the order in which things happened."""

    def __init__(
        self, trail: AuditTrail, repo: AuditRepository, tx: Transactions, clock: Clock
    ) -> None:
        self._trail = trail
        self._repo = repo
        self._tx = tx
        self._clock = clock
        self._lines: list[_Line] = []

    def __len__(self) -> int:
        return len(self._lines)

    def add(
        self,
        actor: Actor | Principal,
        action: str,
        target_type: str,
        target_id: str,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self._lines.append(
            _Line(actor, self._clock(), action, target_type, target_id, details or {})
        )

    def annotate(
        self, since: int, target_type: str, target_id: str, extra: Mapping[str, Any]
    ) -> bool:
        """Add ``extra`` to the details of the last line about the target added after ``since``
        (a ``len()`` taken before); False if there is none."""
        for line in reversed(self._lines[since:]):
            if line.target_id == target_id and line.target_type == target_type:
                line.details = {**line.details, **extra}
                return True
        return False

    def forget_since(self, mark: int) -> None:
        """Drop the lines added after ``mark`` (a ``len()`` taken before; a rolled-back step)."""
        del self._lines[mark:]

    async def flush(self) -> None:
        if not self._lines:
            return
        lines, self._lines = self._lines, []
        draft = self._trail.draft
        items = [
            draft(
                line.actor,
                line.action,
                line.target_type,
                line.target_id,
                line.details,
                occurred_at=line.occurred_at,
            )
            for line in lines
        ]
        async with self._tx.write():
            await self._repo.append_many(items)
