"""Row-level security on PostgreSQL, kept true after every migration.

Every table with a ``tenant`` column (and ``tenant`` itself, by its ``id``) gets row-level
security enabled *and forced* (so the table owner is held too) with one policy, ``tenant_wall_v2``:
a row is seen and written only when its tenant is the statement's scope (``dossier.tenant``) or
the scope is the system's (``dossier.system``; see :mod:`backend.persistence.scope`). Tables added
by later migrations get the same the next time ``migrate`` runs; a test checks that no tenant
table is without it.

When the application connects as a role of its own (not the owner), ``migrate`` (run as the owner)
grants that role what it needs: reading and writing rows, never DDL, and only reading the
migration log. Superusers and roles with BYPASSRLS are not held by policies: never run the
application as one (``dossier check`` says so).
"""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine
from piccolo.querystring import QueryString

__all__ = [
    "POLICY",
    "app_role_report",
    "ensure_app_role",
    "ensure_walls",
    "grant_app_role",
    "tenant_tables",
    "unwalled_tables",
]

POLICY = "tenant_wall_v2"
#: Earlier forms of the policy and what they called; ``ensure_walls`` replaces them.
_SUPERSEDED = ("tenant_wall",)
_SUPERSEDED_FUNCTIONS = ("dossier_scope()", "dossier_scope_is_system()")


def _condition(column: str) -> str:
    """The scope is read once per statement (``(SELECT …)`` becomes an InitPlan), so each row
    costs one uuid comparison, which an index can serve. An empty ``dossier.tenant`` is NULL and
    matches nothing; anything but a uuid there fails the statement."""
    return (
        f"({column} = (SELECT nullif(current_setting('dossier.tenant', true), '')::uuid) "
        "OR (SELECT current_setting('dossier.system', true) = 'on'))"
    )


def _ident(name: str) -> str:
    """A table name from the catalog, quoted (names are ours, but never trust interpolation)."""
    return '"' + name.replace('"', '""') + '"'


async def tenant_tables(engine: Engine[Any]) -> dict[str, str]:
    """Table name -> the column naming its tenant, for every tenant table of the schema."""
    rows = await engine.run_ddl(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND ("
        "column_name = 'tenant' OR (table_name = 'tenant' AND column_name = 'id'))"
    )
    return {str(r["table_name"]): str(r["column_name"]) for r in rows}


async def _state(engine: Engine[Any]) -> tuple[dict[str, tuple[bool, bool]], set[str]]:
    """Per table: (row-level security enabled, forced); and the tables with the policy."""
    state = {
        str(r["relname"]): (bool(r["relrowsecurity"]), bool(r["relforcerowsecurity"]))
        for r in await engine.run_ddl(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        )
    }
    policies = {
        str(r["tablename"])
        for r in await engine.run_ddl(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
            "AND policyname = 'tenant_wall_v2'"
        )
    }
    return state, policies


async def unwalled_tables(engine: Engine[Any]) -> list[str]:
    """Tenant tables without the policy, or with row-level security not enabled and forced."""
    state, policies = await _state(engine)
    return sorted(
        table
        for table in await tenant_tables(engine)
        if table not in policies or state.get(table) != (True, True)
    )


async def ensure_walls(engine: Engine[Any]) -> list[str]:
    """Enable and force row-level security with the tenant policy where missing; return the
    tables changed."""
    state, policies = await _state(engine)
    changed = []
    for r in await engine.run_ddl(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()"
    ):
        if r["policyname"] in _SUPERSEDED:
            await engine.run_ddl(
                f"DROP POLICY {_ident(str(r['policyname']))} ON {_ident(str(r['tablename']))}"
            )
    for function in _SUPERSEDED_FUNCTIONS:
        await engine.run_ddl(f"DROP FUNCTION IF EXISTS {function}")
    for table, column in sorted((await tenant_tables(engine)).items()):
        enabled, forced = state.get(table, (False, False))
        statements = []
        if table not in policies:
            condition = _condition(_ident(column))
            statements.append(
                f"CREATE POLICY {POLICY} ON {_ident(table)} "
                f"USING {condition} WITH CHECK {condition}"
            )
        if not enabled:
            statements.append(f"ALTER TABLE {_ident(table)} ENABLE ROW LEVEL SECURITY")
        if not forced:
            statements.append(f"ALTER TABLE {_ident(table)} FORCE ROW LEVEL SECURITY")
        for statement in statements:
            await engine.run_ddl(statement)
        if statements:
            changed.append(table)
    return changed


async def ensure_app_role(engine: Engine[Any], role: str, password: str | None) -> bool:
    """Create the application's login role if it does not exist (the owner needs CREATEROLE);
    True if it was created. It gets no superuser, no BYPASSRLS and owns nothing."""
    exists = await engine.run_querystring(
        QueryString("SELECT 1 AS one FROM pg_roles WHERE rolname = {}", role)
    )
    if exists:
        return False
    secret = "" if password is None else " PASSWORD '" + password.replace("'", "''") + "'"
    await engine.run_ddl(f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOBYPASSRLS{secret}")
    return True


async def grant_app_role(engine: Engine[Any], role: str) -> None:
    """Let ``role`` read and write rows of every table (the migration log: read only)."""
    who = _ident(role)
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
        f"REVOKE INSERT, UPDATE, DELETE ON migration FROM {who}",
        # Append-only by trigger already; the role is not even allowed to ask.
        f"REVOKE UPDATE, DELETE ON audit_event, document_version FROM {who}",
    ):
        await engine.run_ddl(statement)


async def app_role_report(engine: Engine[Any]) -> str | None:
    """Why the connected role is not held by the walls, or None when it is."""
    [row] = await engine.run_ddl(
        "SELECT r.rolname, r.rolsuper, r.rolbypassrls, "
        "EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = current_schema() "
        "AND t.tableowner = r.rolname) AS owns "
        "FROM pg_roles r WHERE r.rolname = current_user"
    )
    if row["rolsuper"]:
        return f"the application connects as superuser {row['rolname']}, which no policy holds"
    if row["rolbypassrls"]:
        return f"role {row['rolname']} has BYPASSRLS"
    if row["owns"]:
        return (
            f"role {row['rolname']} owns the tables; policies are forced, but an owner can lift "
            "them: connect as a role of its own and migrate with DOSSIER_DATABASE_OWNER_URL"
        )
    return None
