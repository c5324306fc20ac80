"""The database port: write transactions, statement counting and engine construction."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from backend.persistence.database import build_engine
from backend.persistence.engines import CountingPostgresEngine, count_statements
from backend.runtime import Runtime
from backend.settings import Settings
from tests.factories import TenantContext


class Boom(Exception):
    pass


async def test_write_rolls_back_when_the_block_raises(
    tenant_ctx: TenantContext, runtime: Runtime
) -> None:
    services = runtime.services()

    async def add_then_fail() -> None:
        async with runtime.database.write():
            await services.catalog.add_register(tenant_ctx.tenant.id, "temporary", "Temp")
            raise Boom

    with pytest.raises(Boom):
        await add_then_fail()
    registers = await runtime.services().catalog.registers(tenant_ctx.tenant.id)
    assert "temporary" not in {r.key for r in registers}


async def test_nested_writes_join_the_outer_transaction(
    tenant_ctx: TenantContext, runtime: Runtime
) -> None:
    services = runtime.services()

    async def add_inside_then_fail_outside() -> None:
        async with runtime.database.write():
            async with runtime.database.write():
                await services.catalog.add_register(tenant_ctx.tenant.id, "inner", "Inner")
            raise Boom

    with pytest.raises(Boom):
        await add_inside_then_fail_outside()
    registers = await runtime.services().catalog.registers(tenant_ctx.tenant.id)
    assert "inner" not in {r.key for r in registers}


async def test_count_statements_counts_this_task_only(runtime: Runtime) -> None:
    async def noise() -> None:
        for _ in range(5):
            await runtime.database.fetch("SELECT 1 AS one")

    with count_statements() as count:
        await runtime.database.fetch("SELECT 1 AS one")
        await runtime.database.fetch("SELECT 2 AS two")
    assert count.value == 2
    assert count.statements[0].startswith("SELECT 1")

    background = asyncio.get_running_loop().create_task(noise())
    with count_statements() as count:
        await runtime.database.fetch("SELECT 3 AS three")
        await background
    assert count.value == 1


async def test_fetch_binds_parameters(tenant_ctx: TenantContext, runtime: Runtime) -> None:
    rows = await runtime.database.fetch(
        "SELECT slug FROM tenant WHERE id = {} AND slug = {}",
        tenant_ctx.tenant.id,
        "x' OR '1'='1",
    )
    assert rows == []


@pytest.mark.postgres_only
def test_building_the_postgres_engine_warns_nothing(settings: Settings) -> None:
    """Piccolo checks the server version with ``asyncpg.connect(**config)`` on construction.

    The pool option ``max_size`` in that config makes the check (and every connection Piccolo
    opens outside the pool) fail; pool options belong in ``start_connection_pool``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_engine(settings.database)


@pytest.mark.postgres_only
async def test_postgres_engine_can_open_a_connection_outside_the_pool(runtime: Runtime) -> None:
    engine = runtime.database.engine
    assert isinstance(engine, CountingPostgresEngine)
    connection = await engine.get_new_connection()
    await connection.close()
