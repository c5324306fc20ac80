"""The one way to put something into the change feed: :func:`record_change`.

Write paths call it inside their write transaction (:meth:`backend.persistence.database.Database
.write`). It only notes the change; the transaction gives the changes their sequence numbers and
writes them just before it commits (:func:`collecting` is how it collects them), so a change that
rolls back leaves no trace in the feed, and the feed's per-tenant counter is the last lock a
transaction takes (docs/adr/0024).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from backend.changes.models import ChangeDraft, Entity, Op

__all__ = [
    "NotInWriteTransaction",
    "collecting",
    "forget_since",
    "record_change",
    "record_changes",
    "recorded_so_far",
]

_pending: ContextVar[list[ChangeDraft] | None] = ContextVar("dossier_changes", default=None)


class NotInWriteTransaction(RuntimeError):
    """A change was recorded outside a write transaction (a bug: it could never be written)."""


def record_change(
    tenant_id: str,
    customer_id: str,
    entity: Entity,
    entity_id: str,
    op: Op = Op.PUT,
    at: dt.datetime | None = None,
) -> None:
    """Note that ``entity`` ``entity_id`` of the dossier of ``customer_id`` changed; it is written
    to the feed if and when the current write transaction commits."""
    pending = _pending.get()
    if pending is None:
        raise NotInWriteTransaction(f"{entity.value} {entity_id} changed outside a transaction")
    when = at or dt.datetime.now(dt.UTC)
    pending.append(ChangeDraft(tenant_id, customer_id, entity, entity_id, op, when))


def record_changes(
    tenant_id: str,
    customer_id: str,
    entity: Entity,
    entity_ids: Iterable[str],
    op: Op = Op.PUT,
    at: dt.datetime | None = None,
) -> None:
    """:func:`record_change` for several entities of one kind."""
    for entity_id in entity_ids:
        record_change(tenant_id, customer_id, entity, entity_id, op, at)


@contextlib.contextmanager
def collecting() -> Iterator[list[ChangeDraft]]:
    """Collect the changes recorded in the block: the outermost write transaction opens it and
    writes what it collected before committing."""
    pending: list[ChangeDraft] = []
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)


def recorded_so_far() -> int:
    """How many changes the current write transaction has noted (a mark for a savepoint)."""
    pending = _pending.get()
    return 0 if pending is None else len(pending)


def forget_since(mark: int) -> None:
    """Forget the changes noted after ``mark``: their savepoint was rolled back."""
    pending = _pending.get()
    if pending is not None:
        del pending[mark:]
