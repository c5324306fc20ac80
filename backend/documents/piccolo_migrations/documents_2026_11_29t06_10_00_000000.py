"""Composite unique constraints and query indexes, in SQL that SQLite and PostgreSQL both accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T06:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique constraints and query indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX user_account_tenant_email ON user_account (tenant, email)",
    "CREATE UNIQUE INDEX customer_tenant_erp ON customer (tenant, erp_number)",
    "CREATE INDEX customer_tenant_name ON customer (tenant, name_folded, id)",
    "CREATE UNIQUE INDEX register_tenant_key ON register (tenant, key)",
    "CREATE UNIQUE INDEX document_type_tenant_key ON document_type (tenant, key)",
    "CREATE UNIQUE INDEX blob_tenant_sha ON blob (tenant, sha256)",
    "CREATE INDEX document_customer_date ON document (customer, document_date, id)",
    "CREATE INDEX document_customer_created ON document (customer, created_at, id)",
    "CREATE INDEX document_customer_title ON document (customer, title, id)",
    "CREATE UNIQUE INDEX document_register_unique ON document_register (document, register)",
    "CREATE INDEX document_register_dossier ON document_register (customer, register, document)",
    "CREATE INDEX index_value_text ON document_index_value (field, text_value, document)",
    "CREATE INDEX index_value_number ON document_index_value (field, number_value, document)",
    "CREATE INDEX index_value_date ON document_index_value (field, date_value, document)",
    "CREATE UNIQUE INDEX document_version_number ON document_version (document, number)",
    "CREATE INDEX document_history_order ON document_history (document, revision)",
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
