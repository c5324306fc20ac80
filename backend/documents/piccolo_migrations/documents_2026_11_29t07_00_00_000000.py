"""Dossier indexes that cover tenant and customer, so counts per dossier come from the index alone.

Every dossier query filters on customer and tenant (isolation is never left to the customer id);
without the tenant in the index SQLite visited every row of a large dossier to count it. The
customer comes first: an index led by the tenant would tempt SQLite's planner (without statistics)
to scan a whole tenant for queries such as "registers of these 50 documents of this tenant".
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "dossier indexes covering customer and tenant"

STATEMENTS = [
    "DROP INDEX document_customer_date",
    "CREATE INDEX document_dossier_date ON document (customer, tenant, document_date, id)",
    "DROP INDEX document_register_dossier",
    "CREATE INDEX document_register_dossier ON document_register (customer, tenant, register)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="documents", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
