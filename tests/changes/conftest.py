"""Helpers for the change feed tests: what a dossier's feed holds."""

from __future__ import annotations

import pytest

from backend.changes.repository import PiccoloChangeFeed
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context

Seen = list[tuple[str, str, str]]


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


async def feed(ctx: TenantContext, customer_id: str, after: int = 0) -> Seen:
    """The dossier's changes after ``after`` as (entity, entity id, op), oldest first."""
    changes = await PiccoloChangeFeed().since(ctx.tenant.id, customer_id, after, 10_000)
    return [(c.entity.value, c.entity_id, c.op.value) for c in changes]


async def head(ctx: TenantContext) -> int:
    return await PiccoloChangeFeed().head(ctx.tenant.id)
