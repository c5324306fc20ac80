"""The feed itself: written only when the transaction commits, numbered without gaps or
repeats under concurrent writers, read per dossier in order (both engines)."""

from __future__ import annotations

import asyncio

import pytest

from backend.changes.models import Entity, Op
from backend.changes.recording import NotInWriteTransaction, record_change
from backend.changes.repository import PiccoloChangeFeed
from backend.customers.models import CustomerDraft
from backend.persistence.scope import tenant_scope
from tests.changes.conftest import feed, head
from tests.factories import TenantContext


class Boom(Exception):
    pass


async def test_a_change_recorded_in_a_transaction_that_fails_is_not_written(
    ctx: TenantContext,
) -> None:
    customer = await ctx.customer()
    seen = await head(ctx)

    async def failing_write() -> None:
        async with ctx.runtime.database.write():
            record_change(ctx.tenant.id, customer.id, Entity.CUSTOMER, customer.id)
            raise Boom

    with pytest.raises(Boom):
        await failing_write()
    assert await head(ctx) == seen
    async with ctx.runtime.database.write():
        record_change(ctx.tenant.id, customer.id, Entity.CUSTOMER, customer.id)
        async with ctx.runtime.database.write():  # a nested write joins the outer one
            record_change(ctx.tenant.id, customer.id, Entity.CONTACT, "c-1", Op.DELETE)
    assert await feed(ctx, customer.id, seen) == [
        ("customer", customer.id, "put"),
        ("contact", "c-1", "delete"),
    ]
    assert await head(ctx) == seen + 2


def test_recording_outside_a_write_transaction_is_a_bug() -> None:
    with pytest.raises(NotInWriteTransaction):
        record_change("t", "c", Entity.CUSTOMER, "c")


async def test_concurrent_writers_get_every_number_once_in_commit_order(
    ctx: TenantContext,
) -> None:
    customers = ctx.runtime.services().customers
    targets = [await ctx.customer() for _ in range(4)]
    seen = await head(ctx)

    async def rename(i: int) -> None:
        await customers.update(ctx.principal, targets[i % 4].id, CustomerDraft(name=f"Name {i}"))

    await asyncio.gather(*(rename(i) for i in range(24)))
    assert await head(ctx) == seen + 24
    with tenant_scope(ctx.tenant.id):
        rows = await ctx.runtime.database.fetch(
            "SELECT seq FROM change WHERE tenant = {} AND seq > {} ORDER BY seq",
            ctx.tenant.id,
            seen,
        )
    assert [r["seq"] for r in rows] == list(range(seen + 1, seen + 25))
    # Each dossier's changes come back in order, and a cursor resumes exactly where it stopped.
    for target in targets:
        changes = await PiccoloChangeFeed().since(ctx.tenant.id, target.id, seen, 100)
        assert len(changes) == 6
        first = await PiccoloChangeFeed().since(ctx.tenant.id, target.id, seen, 4)
        rest = await PiccoloChangeFeed().since(ctx.tenant.id, target.id, first[-1].seq, 100)
        assert [c.seq for c in first + rest] == [c.seq for c in changes]
        assert [c.seq for c in changes] == sorted(c.seq for c in changes)
