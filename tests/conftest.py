"""The test harness: one database per session, chosen by ``DOSSIER_TEST_DB``.

``DOSSIER_TEST_DB=sqlite`` (default) runs the suite against a fresh SQLite file in a temporary
folder; ``DOSSIER_TEST_DB=postgres`` creates a fresh database ``dossier_test_<hex>`` on the server
named by ``DOSSIER_TEST_POSTGRES_URL`` and drops it when the session ends. Migrations run once.

Isolation: every test makes its own tenant through :mod:`tests.factories`, and every service filters
by tenant, so tests never see each other's rows and nothing needs cleaning up between them.

Markers: ``postgres_only`` and ``sqlite_only`` skip a test on the other engine (the only skips the
suite allows); ``slow`` marks tests that take more than a few seconds.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from backend.audit.checkpoints import SigningKey
from backend.runtime import Runtime, Services
from backend.settings import Settings, load_settings
from bench.databases import scratch_postgres
from tests.factories import TenantContext, make_tenant_context

ENGINES = ("sqlite", "postgres")
ENGINE = os.environ.get("DOSSIER_TEST_DB", "sqlite").strip().lower() or "sqlite"
POSTGRES_ADMIN_URL = os.environ.get(
    "DOSSIER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
#: Long enough to pass the production check, so tests never depend on a generated key.
TEST_SECRET_KEY = "dossier-test-secret-key-0123456789abcdef"
TEST_AUDIT_KEY = SigningKey.generate().seed_b64()


def pytest_configure(config: pytest.Config) -> None:
    if ENGINE not in ENGINES:
        raise pytest.UsageError(f"DOSSIER_TEST_DB must be one of {ENGINES}, got {ENGINE!r}")


def pytest_report_header(config: pytest.Config) -> str:
    where = f" ({POSTGRES_ADMIN_URL})" if ENGINE == "postgres" else ""
    return f"dossier test database: {ENGINE}{where}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if ENGINE != "postgres" and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="runs only with DOSSIER_TEST_DB=postgres"))
        if ENGINE != "sqlite" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="runs only with DOSSIER_TEST_DB=sqlite"))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_urls(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, str]]:
    """A fresh, empty database for this session (dropped at the end on PostgreSQL), as settings:
    on PostgreSQL the suite connects as the application role, which row-level security holds, and
    migrates as the owner, as production does."""
    if ENGINE == "sqlite":
        yield {"DOSSIER_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'dossier.db'}"}
        return
    async with scratch_postgres(POSTGRES_ADMIN_URL, "dossier_test") as (owner_url, app_url):
        yield {"DOSSIER_DATABASE_URL": app_url, "DOSSIER_DATABASE_OWNER_URL": owner_url}


@pytest.fixture(scope="session")
def blob_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("blobs")


@pytest.fixture(scope="session")
def settings_env(database_urls: dict[str, str], blob_root: Path) -> dict[str, str]:
    """The environment the test settings are parsed from; copy and extend it for variants."""
    return {
        **database_urls,
        "DOSSIER_ENV": "test",
        "DOSSIER_BLOB_ROOT": str(blob_root),
        "DOSSIER_SECRET_KEY": TEST_SECRET_KEY,
        "DOSSIER_DB_POOL_SIZE": "10",
        # A key of the session's own, so no development key file is ever written by tests.
        "DOSSIER_AUDIT_SIGNING_KEY": TEST_AUDIT_KEY,
    }


@pytest.fixture(scope="session")
def settings(settings_env: dict[str, str]) -> Settings:
    return load_settings(settings_env)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """The session's runtime: started and migrated once, closed at the end."""
    rt = Runtime.from_settings(settings)
    await rt.start()
    try:
        await rt.database.migrate()
        yield rt
    finally:
        await rt.close()


@pytest.fixture
def services(runtime: Runtime) -> Services:
    """Fresh per-request services (their caches live as long as the test)."""
    return runtime.services()


@pytest_asyncio.fixture(loop_scope="session")
async def tenant_ctx(runtime: Runtime) -> TenantContext:
    """A new tenant of this test alone, with registers, document types and an admin."""
    return await make_tenant_context(runtime)
