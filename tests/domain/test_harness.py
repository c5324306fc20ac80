"""The harness itself: the engine in use is the one asked for, and tenants are isolated."""

from __future__ import annotations

import pytest

from backend.runtime import Runtime
from tests.conftest import ENGINE
from tests.factories import TenantContext


def test_the_engine_is_the_one_asked_for(runtime: Runtime) -> None:
    assert runtime.database.is_postgres == (ENGINE == "postgres")


@pytest.mark.postgres_only
async def test_postgres_database_is_a_fresh_test_database(runtime: Runtime) -> None:
    rows = await runtime.database.fetch("SELECT current_database() AS name")
    assert rows[0]["name"].startswith("dossier_test_")


@pytest.mark.sqlite_only
async def test_sqlite_runs_in_wal_mode(runtime: Runtime) -> None:
    rows = await runtime.database.fetch("PRAGMA journal_mode")
    assert next(iter(rows[0].values())).lower() == "wal"


async def test_each_test_gets_its_own_tenant(tenant_ctx: TenantContext, runtime: Runtime) -> None:
    other = await runtime.services().catalog.tenant(tenant_ctx.tenant.id)
    assert other.slug == tenant_ctx.tenant.slug
    assert set(tenant_ctx.registers) == {
        "correspondence",
        "offers",
        "orders",
        "invoices",
        "complaints",
        "contracts",
    }
    assert await tenant_ctx.count("customer") == 0
    assert await tenant_ctx.count("document") == 0
