"""Check-out, renew and check-in: a lease per dossier, user and device, kept as a ``lease`` entity
so that colleagues see it in the feed ("pinned by Anna on her tablet since 08:10").

Lease fields: ``customer_id``, ``user_id``, ``user_name``, ``device``, ``since``, ``until`` and
``checked_in_at`` (times as ISO 8601 strings). A lease is *open* until checked in; it *ended* when
it was not checked in and ``until`` has passed (pull then evicts the dossier from that device).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sync.effects import Effect, Step, require
from sync.entities import Entity, lease_id
from sync.errors import Code
from sync.protocol import MAX_LEASE_SECONDS, MIN_LEASE_SECONDS, Outcome
from sync.store import Action, EntityState, Target

__all__ = ["check_in", "check_out", "lease_ended", "lease_open", "renew"]


def lease_open(fields: Mapping[str, Any], now: dt.datetime) -> bool:
    return fields.get("checked_in_at") is None and _until(fields) > now


def lease_ended(fields: Mapping[str, Any], now: dt.datetime) -> bool:
    """Expired without a check-in."""
    return fields.get("checked_in_at") is None and _until(fields) <= now


def _until(fields: Mapping[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(fields["until"]))


async def _lease(step: Step) -> tuple[Target, EntityState | None]:
    m, actor = step.mutation, step.actor
    await step.allow(Action.READ, Target(Entity.CUSTOMER, m.entity_id, m.entity_id))
    customer = await step.tx.read(Entity.CUSTOMER, m.entity_id)
    require(customer is not None and not customer.deleted, "no such dossier", Code.UNKNOWN_ENTITY)
    target = Target(Entity.LEASE, lease_id(m.entity_id, actor.user_id, actor.device), m.entity_id)
    return target, await step.tx.read(Entity.LEASE, target.entity_id)


def _duration(step: Step) -> dt.timedelta:
    seconds = step.mutation.lease_seconds
    require(
        seconds is not None and MIN_LEASE_SECONDS <= seconds <= MAX_LEASE_SECONDS,
        f"lease_seconds must be {MIN_LEASE_SECONDS} to {MAX_LEASE_SECONDS}",
    )
    assert seconds is not None
    return dt.timedelta(seconds=seconds)


async def check_out(step: Step) -> Effect:
    """Pin a dossier; an open lease of the same user and device is renewed instead."""
    duration = _duration(step)
    target, lease = await _lease(step)
    until = (step.now + duration).isoformat()
    if lease is not None and lease_open(lease.fields, step.now):
        written = await step.tx.write(target, {"until": until})
        return Effect(Outcome.MERGED, target, written.revision)
    fields = {
        "customer_id": target.customer_id,
        "user_id": step.actor.user_id,
        "user_name": step.actor.display_name,
        "device": step.actor.device,
        "since": step.now.isoformat(),
        "until": until,
        "checked_in_at": None,
    }
    return Effect(Outcome.APPLIED, target, (await step.tx.write(target, fields)).revision)


async def renew(step: Step) -> Effect:
    duration = _duration(step)
    target, lease = await _lease(step)
    require(
        lease is not None and lease_open(lease.fields, step.now), "no open lease", Code.NO_LEASE
    )
    until = (step.now + duration).isoformat()
    written = await step.tx.write(target, {"until": until})
    return Effect(Outcome.APPLIED, target, written.revision)


async def check_in(step: Step) -> Effect:
    """End the lease (also one that already expired: the device gives the dossier back)."""
    target, lease = await _lease(step)
    require(
        lease is not None and lease.fields.get("checked_in_at") is None,
        "no lease to check in",
        Code.NO_LEASE,
    )
    written = await step.tx.write(target, {"checked_in_at": step.now.isoformat()})
    return Effect(Outcome.APPLIED, target, written.revision)
