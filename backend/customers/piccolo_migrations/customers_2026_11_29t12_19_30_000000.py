"""Indexes for nearby search (a box on latitude and longitude) and for applying a geocoded key."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T12:19:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes on address positions and keys"

STATEMENTS = [
    # Covering for nearby search: the strips of the box, the latitude range within each, the
    # distance and the customer all come from the index.
    "CREATE INDEX customer_address_position "
    "ON customer_address (tenant, geo_cell, latitude, longitude, customer, id)",
    "CREATE INDEX customer_address_geo_key ON customer_address (tenant, geo_key)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="customers", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
