"""The second wall on PostgreSQL: row-level security holds the application's role, whatever SQL
it runs. These tests run the application's own engine (the suite connects as its role) with SQL
that forgets the tenant, and check the walls are on every tenant table."""

from __future__ import annotations

import uuid

import asyncpg  # type: ignore[import-untyped]
import pytest

from backend.health import run_checks
from backend.persistence.scope import (
    TenantScopeViolation,
    current_tenant,
    system_scope,
    tenant_scope,
)
from backend.persistence.walls import app_role_report, tenant_tables, unwalled_tables
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context

pytestmark = pytest.mark.postgres_only

UNSCOPED = "SELECT count(*) AS n, count(DISTINCT tenant) AS tenants FROM document"


async def _two_tenants(runtime: Runtime) -> tuple[TenantContext, TenantContext]:
    a, b = await make_tenant_context(runtime), await make_tenant_context(runtime)
    for ctx in (a, b):
        await ctx.document(await ctx.customer())
    return a, b


async def test_the_application_role_is_held_by_the_walls(runtime: Runtime) -> None:
    engine = runtime.database.engine
    assert await app_role_report(engine) is None, "the suite must connect as a held role"
    tables = await tenant_tables(engine)
    assert {"tenant", "document", "audit_event", "access_grant", "group_member"} <= set(tables)
    assert await unwalled_tables(engine) == []
    checks = {c.name: c for c in await run_checks(runtime)}
    assert checks["tenant walls"].ok, checks["tenant walls"].detail


async def test_sql_that_forgets_the_tenant_sees_only_its_scope(runtime: Runtime) -> None:
    a, b = await _two_tenants(runtime)
    database = runtime.database
    assert current_tenant() == ""
    [nothing] = await database.fetch(UNSCOPED)
    assert nothing["n"] == 0, "outside any scope a statement sees no row"
    with tenant_scope(a.tenant.id):
        [only_a] = await database.fetch(UNSCOPED)
        rows = await database.fetch("SELECT DISTINCT tenant FROM document")
    assert (only_a["n"], only_a["tenants"]) == (1, 1)
    assert [str(r["tenant"]) for r in rows] == [a.tenant.id]
    with tenant_scope(b.tenant.id):
        assert (await database.fetch("SELECT count(*) AS n FROM tenant"))[0]["n"] == 1
    with system_scope():
        [everyone] = await database.fetch(UNSCOPED)
    assert everyone["tenants"] >= 2


async def test_rows_of_another_tenant_cannot_be_written_or_changed(runtime: Runtime) -> None:
    a, b = await _two_tenants(runtime)
    database = runtime.database
    with system_scope():
        [row] = await database.fetch("SELECT id, name FROM customer WHERE tenant = {}", b.tenant.id)
    customer_b = str(row["id"])
    with tenant_scope(a.tenant.id):
        # An update aimed at B's row finds nothing to update ...
        changed = await database.fetch(
            "UPDATE customer SET name = 'taken over' WHERE id = {} RETURNING id", customer_b
        )
        assert changed == []
        # ... and a row claiming B's tenant is refused.
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            async with database.write():
                await database.fetch(
                    "INSERT INTO register (id, tenant, key, name, position, parent) "
                    "VALUES ({}, {}, 'smuggled', 'Smuggled', 99, NULL)",
                    str(uuid.uuid4()),
                    b.tenant.id,
                )
    with system_scope():
        [after] = await database.fetch("SELECT name FROM customer WHERE id = {}", customer_b)
        smuggled = await database.fetch("SELECT id FROM register WHERE key = 'smuggled'")
    assert after["name"] == row["name"]
    assert smuggled == []


async def test_a_scope_inside_another_tenants_scope_is_a_bug_caught(runtime: Runtime) -> None:
    a, b = await _two_tenants(runtime)
    services = runtime.services()
    with tenant_scope(a.tenant.id):
        await services.catalog.registers(a.tenant.id)  # its own: fine
        with pytest.raises(TenantScopeViolation):
            await services.catalog.registers(b.tenant.id)


async def test_scopes_follow_transactions_and_pooled_connections(runtime: Runtime) -> None:
    """Many statements for alternating tenants over few pooled connections, in and out of
    transactions: each sees exactly its own tenant."""
    a, b = await _two_tenants(runtime)
    database = runtime.database
    for _ in range(3):
        for ctx in (a, b, a):
            with tenant_scope(ctx.tenant.id):
                rows = await database.fetch("SELECT DISTINCT tenant FROM document")
                assert [str(r["tenant"]) for r in rows] == [ctx.tenant.id]
                async with database.write():
                    rows = await database.fetch("SELECT DISTINCT tenant FROM customer")
                    assert [str(r["tenant"]) for r in rows] == [ctx.tenant.id]
            [none] = await database.fetch(UNSCOPED)
            assert none["n"] == 0


async def test_migrate_as_owner_creates_and_grants_a_held_application_role(
    settings_env: dict[str, str],
) -> None:
    """A new installation: ``dossier migrate`` with an owner URL makes the application's role,
    which can then work with rows but is held by the walls and cannot change the schema."""
    from bench.databases import scratch_postgres
    from tests.conftest import POSTGRES_ADMIN_URL
    from tests.test_cli import run

    role = f"dossier_app_{uuid.uuid4().hex[:8]}"
    async with scratch_postgres(POSTGRES_ADMIN_URL, "dossier_roles") as (owner_url, _):
        app_url = owner_url.replace("postgres@", f"{role}:pw-{role}@", 1)
        env = settings_env | {
            "DOSSIER_DATABASE_URL": app_url,
            "DOSSIER_DATABASE_OWNER_URL": owner_url,
        }
        try:
            migrated = await run(env, "migrate")
            assert migrated.returncode == 0, migrated.stdout + migrated.stderr
            check = await run(env, "check")
            assert "ok   tenant walls" in check.stdout, check.stdout + check.stderr
            connection = await asyncpg.connect(app_url)
            try:
                flags = await connection.fetchrow(
                    "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
                )
                assert tuple(flags) == (False, False)
                assert await connection.fetchval("SELECT count(*) FROM tenant") == 0
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await connection.execute("ALTER TABLE document DISABLE ROW LEVEL SECURITY")
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await connection.execute("DELETE FROM audit_event")
            finally:
                await connection.close()
        finally:
            admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
            try:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
                    role,
                )
            finally:
                await admin.close()
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
    finally:
        await admin.close()
