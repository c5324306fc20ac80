"""Tests of the pure audit core (no database), and the chain factory they share."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.audit.events import GENESIS_HASH, AuditEvent, seal

TENANT = "7d3c9a52-1f4e-4b8a-9c61-0a2b3c4d5e6f"
START = datetime(2024, 5, 17, 8, 0, tzinfo=UTC)
ACTIONS = ("document.create", "document.view", "document.download", "customer.update")


def event_fields(seq: int, *, tenant_id: str = TENANT) -> dict[str, Any]:
    """Plausible, deterministic content for event ``seq`` (everything but ``prev_hash``)."""
    return {
        "tenant_id": tenant_id,
        "seq": seq,
        "occurred_at": START + timedelta(seconds=seq, microseconds=seq),
        "actor_id": f"user-{seq % 3}" if seq % 5 else None,
        "device": "web" if seq % 2 else "cli",
        "action": ACTIONS[seq % len(ACTIONS)],
        "target_type": "document",
        "target_id": f"doc-{seq % 7}",
        "details": {"version": seq % 4 + 1, "filename": f"Vertrag {seq}.pdf", "size": seq * 17},
    }


def reseal(events: list[AuditEvent], *, first: int = 0) -> list[AuditEvent]:
    """``events`` with the hashes of ``events[first:]`` recomputed and relinked, as a forger
    without the signing key would do after editing a row: the result is a consistent chain."""
    result = events[:first]
    prev = result[-1].hash if result else GENESIS_HASH
    for event in events[first:]:
        event = seal(
            tenant_id=event.tenant_id,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            device=event.device,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            details=event.details,
            prev_hash=prev,
        )
        result.append(event)
        prev = event.hash
    return result


@functools.cache
def _chain(length: int, tenant_id: str) -> tuple[AuditEvent, ...]:
    events: list[AuditEvent] = []
    prev = GENESIS_HASH
    for seq in range(1, length + 1):
        event = seal(**event_fields(seq, tenant_id=tenant_id), prev_hash=prev)
        events.append(event)
        prev = event.hash
    return tuple(events)


def make_chain(length: int, *, tenant_id: str = TENANT) -> list[AuditEvent]:
    """An untouched chain of ``length`` events (a fresh list each call; events are immutable)."""
    return list(_chain(length, tenant_id))
