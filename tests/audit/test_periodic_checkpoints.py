"""Checkpoints made periodically by the server: only chains that grew are signed, a failed round
does not stop the next, and auditors fetch the kept checkpoint files through GraphQL."""

from __future__ import annotations

import asyncio
import contextlib

from backend.audit.checkpoints import checkpoint_from_json, verify_checkpoint_signature
from backend.audit.schedule import checkpoint_grown_chains, checkpoint_periodically
from backend.runtime import Runtime
from tests.api.conftest import browser, sign_in
from tests.factories import TenantContext, make_tenant_context

CHECKPOINTS = "{ auditCheckpoints(first: 5) { seq headHash keyId file } }"


async def _kept(ctx: TenantContext) -> list[int]:
    return [c.seq for c in await ctx.runtime.services().audit.checkpoints(ctx.principal, 50)]


async def test_only_grown_chains_are_signed(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    await ctx.customer()
    assert await checkpoint_grown_chains(runtime) >= 1
    [first] = await _kept(ctx)
    [newest] = await ctx.runtime.services().audit.trail(ctx.principal, limit=1)
    assert first == newest.seq
    await checkpoint_grown_chains(runtime)
    assert await _kept(ctx) == [first], "an unchanged chain is not signed again"
    await ctx.customer()
    await checkpoint_grown_chains(runtime)
    assert (await _kept(ctx))[1:] == [first]
    assert (await _kept(ctx))[0] > first


async def test_the_periodic_task_signs_until_cancelled(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    await ctx.customer()
    task = asyncio.create_task(checkpoint_periodically(runtime, 0.05))
    try:
        for _ in range(200):
            if await _kept(ctx):
                break
            await asyncio.sleep(0.05)
        assert await _kept(ctx), "no checkpoint within ten seconds"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert task.cancelled()


async def test_auditors_fetch_kept_checkpoint_files(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    await ctx.customer()
    await checkpoint_grown_chains(runtime)
    async with browser(runtime) as client, browser(runtime) as other:
        auditor = await sign_in(client, ctx, role="auditor")
        [kept] = (await auditor.data(CHECKPOINTS))["auditCheckpoints"]
        checkpoint, public_key = checkpoint_from_json(kept["file"])
        assert (checkpoint.tenant_id, checkpoint.seq) == (ctx.tenant.id, kept["seq"])
        assert verify_checkpoint_signature(checkpoint, public_key)
        clerk = await sign_in(other, ctx, role="clerk")
        refused = await clerk.gql(CHECKPOINTS)
        assert refused["errors"][0]["extensions"]["code"] == "forbidden"
