"""Health checks shared by ``dossier check`` and ``GET /health``: configuration, database,
migrations, blob storage."""

from __future__ import annotations

from dataclasses import dataclass

from backend.runtime import Runtime
from backend.settings import Environment

__all__ = ["Check", "run_checks"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


async def run_checks(runtime: Runtime) -> list[Check]:
    settings = runtime.settings
    checks = [
        Check(
            "settings",
            True,
            f"environment {settings.environment.value}, "
            f"{'PostgreSQL' if settings.database.is_postgres else 'SQLite'}",
        )
    ]
    try:
        await runtime.database.fetch("SELECT 1 AS ok")
        checks.append(Check("database", True, "reachable"))
    except Exception as exc:
        checks.append(Check("database", False, f"{type(exc).__name__}: {exc}"))
        return checks
    pending = await runtime.database.pending_migrations()
    checks.append(
        Check(
            "migrations",
            not pending,
            "all applied" if not pending else f"{len(pending)} pending; run dossier migrate",
        )
    )
    if settings.database.is_postgres:
        checks.append(await _walls(runtime))
        checks.append(await _full_text(runtime))
    try:
        await runtime.blobs.probe()
        checks.append(Check("blob storage", True, f"writable: {settings.blobs.root}"))
    except Exception as exc:
        checks.append(Check("blob storage", False, f"{type(exc).__name__}: {exc}"))
    return checks


async def _walls(runtime: Runtime) -> Check:
    """Row-level security: on for every tenant table, and the connected role held by it."""
    from backend.persistence.walls import app_role_report, unwalled_tables

    engine = runtime.database.engine
    missing = await unwalled_tables(engine)
    if missing:
        return Check("tenant walls", False, f"no row-level security on {', '.join(missing)}")
    escape = await app_role_report(engine)
    if escape is None:
        return Check("tenant walls", True, "row-level security holds the application's role")
    production = runtime.settings.environment is Environment.PRODUCTION
    return Check("tenant walls", not production, escape)


async def _full_text(runtime: Runtime) -> Check:
    """Whether row-level security lets search use its GIN index (docs/adr/0014): only when
    ``ts_match_vq`` (the ``@@`` of a vector and a query) is marked leakproof."""
    rows = await runtime.database.fetch(
        "SELECT bool_and(proleakproof) AS leakproof FROM pg_proc WHERE proname = 'ts_match_vq'"
    )
    if rows and rows[0]["leakproof"]:
        return Check("full-text index", True, "used under row-level security")
    production = runtime.settings.environment is Environment.PRODUCTION
    return Check(
        "full-text index",
        not production,
        "searches scan every entry of a tenant: a superuser must run "
        "ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF",
    )
