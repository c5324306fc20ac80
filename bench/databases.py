"""A fresh, migrated database per engine for one benchmark, removed afterwards.

SQLite: a file in a temporary folder. PostgreSQL: a database ``dossier_bench_<hex>`` created on the
server named by ``DOSSIER_BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``)
and dropped at the end. Only one runtime may be open at a time: a
:class:`~backend.persistence.database.Database` binds every table to its engine.
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
    "DEFAULT_POSTGRES_URL",
    "ENGINES",
    "DatabaseUnavailable",
    "bench_runtime",
    "postgres_admin_url",
]

ENGINES = ("sqlite", "postgres")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


class DatabaseUnavailable(RuntimeError):
    """The PostgreSQL server cannot be reached, or refuses to make the benchmark database."""


def postgres_admin_url(env: Mapping[str, str]) -> str:
    return env.get("DOSSIER_BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_URL


@contextlib.asynccontextmanager
async def _postgres_database(admin_url: str) -> AsyncIterator[str]:
    name = f"dossier_bench_{secrets.token_hex(6)}"
    try:
        admin = await asyncpg.connect(admin_url)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
    except (OSError, asyncpg.PostgresError) as exc:
        server = urlsplit(admin_url)
        where = f"{server.hostname}:{server.port or 5432}"  # never the password
        raise DatabaseUnavailable(f"cannot create {name} on {where}: {exc}") from exc
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
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
            if engine == "sqlite":
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
            else:
                url = await stack.enter_async_context(_postgres_database(postgres_url))
            runtime = Runtime.from_settings(
                load_settings(
                    {
                        "DOSSIER_ENV": "test",
                        "DOSSIER_DATABASE_URL": url,
                        "DOSSIER_BLOB_ROOT": str(Path(folder) / "blobs"),
                        "DOSSIER_SECRET_KEY": secrets.token_urlsafe(32),
                    }
                )
            )
            await runtime.start()
            stack.push_async_callback(runtime.close)
            await runtime.database.migrate()
            yield runtime
