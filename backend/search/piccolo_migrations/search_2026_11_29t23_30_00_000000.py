"""PostgreSQL: an update of a search entry whose title, keys and body are unchanged keeps its
vector (docs/adr/0028). Entries are brought up to date in place (``backend.search.index``), and
a change of only the status, the date or the filter columns then costs no new tokenising.
SQLite: nothing (FTS5 is kept by its triggers)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T23:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search entry vectors are kept when their text is unchanged"

POSTGRES = [
    """CREATE OR REPLACE FUNCTION search_entry_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title
     AND NEW.keys IS NOT DISTINCT FROM OLD.keys AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
    NEW.tsv := OLD.tsv;
    RETURN NEW;
  END IF;
  NEW.tsv := setweight(to_tsvector('dossier_search',
                 regexp_replace(NEW.title, '[[:punct:]]+', ' ', 'g')), 'A')
          || setweight(to_tsvector('dossier_search',
                 regexp_replace(NEW.keys, '[[:punct:]]+', ' ', 'g')), 'B')
          || setweight(to_tsvector('dossier_search',
                 regexp_replace(NEW.body, '[[:punct:]]+', ' ', 'g')), 'C');
  RETURN NEW;
END $$""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="search", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        if engine.engine_type == "postgres":
            for statement in POSTGRES:
                await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
