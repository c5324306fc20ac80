"""A fresh, migrated database per engine for one benchmark (and for the test session), removed
afterwards.

SQLite: a file in a temporary folder. PostgreSQL: a database ``dossier_bench_<hex>`` created on the
server named by ``DOSSIER_BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``)
and dropped at the end; as in production, it is migrated by its owner and used through the
application role :data:`APP_ROLE`, which row-level security holds. Only one runtime may be open at
a time: a :class:`~backend.persistence.database.Database` binds every table to its engine.
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from backend.runtime import Runtime
from backend.settings import load_settings

__all__ = [
    "APP_ROLE",
    "DEFAULT_POSTGRES_URL",
    "ENGINES",
    "DatabaseUnavailable",
    "bench_runtime",
    "postgres_admin_url",
    "scratch_postgres",
]

ENGINES = ("sqlite", "postgres")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: The role the application connects as: no superuser, no BYPASSRLS, owns nothing.
APP_ROLE = "dossier_app"


class DatabaseUnavailable(RuntimeError):
    """The PostgreSQL server cannot be reached, or refuses to make the benchmark database."""


def postgres_admin_url(env: Mapping[str, str]) -> str:
    return env.get("DOSSIER_BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def _with_database(url: str, name: str, user: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}@{parts.hostname}:{parts.port or 5432}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{name}"))


async def _ensure_app_role(admin: asyncpg.Connection) -> None:
    exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", APP_ROLE)
    if not exists:
        with contextlib.suppress(asyncpg.DuplicateObjectError):  # made meanwhile elsewhere
            await admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")


@contextlib.asynccontextmanager
async def scratch_postgres(admin_url: str, prefix: str) -> AsyncIterator[tuple[str, str]]:
    """A new database ``<prefix>_<hex>``: yields (owner URL, application role URL); dropped
    after. The server must trust local connections for :data:`APP_ROLE` (as the test and CI
    servers do) or the URL must carry its password."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        admin = await asyncpg.connect(admin_url)
        try:
            await _ensure_app_role(admin)
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
    except (OSError, asyncpg.PostgresError) as exc:
        server = urlsplit(admin_url)
        where = f"{server.hostname}:{server.port or 5432}"  # never the password
        raise DatabaseUnavailable(f"cannot create {name} on {where}: {exc}") from exc
    try:
        yield _with_database(admin_url, name), _with_database(admin_url, name, APP_ROLE)
    finally:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await admin.close()


@contextlib.asynccontextmanager
async def bench_runtime(engine: str, postgres_url: str) -> AsyncIterator[Runtime]:
    """A started runtime over a fresh, migrated database of ``engine``; closed and removed after."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as folder:
        async with contextlib.AsyncExitStack() as stack:
            env: dict[str, str] = {}
            if engine == "sqlite":
                env["DOSSIER_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
            else:
                owner_url, app_url = await stack.enter_async_context(
                    scratch_postgres(postgres_url, "dossier_bench")
                )
                env |= {"DOSSIER_DATABASE_URL": app_url, "DOSSIER_DATABASE_OWNER_URL": owner_url}
            runtime = Runtime.from_settings(
                load_settings(
                    env
                    | {
                        "DOSSIER_ENV": "test",
                        "DOSSIER_BLOB_ROOT": str(Path(folder) / "blobs"),
                        "DOSSIER_SECRET_KEY": secrets.token_urlsafe(32),
                    }
                )
            )
            await runtime.start()
            stack.push_async_callback(runtime.close)
            await runtime.database.migrate()
            yield runtime
