"""PostgreSQL: the words of each tenant's search entries with the number of entries holding each
(``search_word``), so that a prefix can be expanded into its exact words, commonest first
(docs/adr/0023). SQLite needs none: FTS5 reads a prefix from its own prefix index.

Writers never wait for one another here. A statement on ``search_entry`` appends its change of
counts to ``search_word_change`` (no unique key, so an insert conflicts with nothing); the same
trigger then folds a tenant's committed changes into ``search_word`` only if it gets that
tenant's fold lock at once (``pg_try_advisory_xact_lock``), and leaves them for the next writer
otherwise. Readers add the changes not folded yet, so the counts are exact at every moment."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T17:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "words of the search entries with their entry counts (PostgreSQL)"


def _changes(rows: str, sign: str) -> str:
    """(tenant, word, ±1) for every word of every entry in the transition table ``rows``."""
    return (
        f"SELECT r.tenant, w.lexeme AS word, {sign}1 AS entries "
        f"FROM {rows} r CROSS JOIN unnest(r.tsv) AS w"
    )


_APPEND = (
    "INSERT INTO search_word_change (tenant, word, entries) "
    "SELECT tenant, word, sum(entries) FROM ({changes}) AS c "
    "GROUP BY tenant, word HAVING sum(entries) <> 0"
)

POSTGRES = [
    # COLLATE "C": a prefix (word LIKE 'rodor%') is a range of the B-tree.
    """CREATE TABLE search_word (
  tenant uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  word text COLLATE "C" NOT NULL,
  entries integer NOT NULL,
  PRIMARY KEY (tenant, word)
)""",
    # Words whose count fell to zero are deleted by the fold; this finds them without a scan.
    "CREATE INDEX search_word_gone ON search_word (tenant) WHERE entries <= 0",
    """CREATE TABLE search_word_change (
  tenant uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  word text COLLATE "C" NOT NULL,
  entries integer NOT NULL
)""",
    "CREATE INDEX search_word_change_word ON search_word_change (tenant, word)",
    # One fold moves a tenant's committed changes into search_word. Only the holder of the
    # tenant's fold lock writes search_word, so no writer ever waits for a row there.
    """CREATE FUNCTION search_word_fold(t uuid) RETURNS void LANGUAGE sql AS $$
  WITH moved AS (DELETE FROM search_word_change WHERE tenant = t RETURNING word, entries)
  INSERT INTO search_word AS w (tenant, word, entries)
  SELECT t, word, sum(entries) FROM moved GROUP BY word HAVING sum(entries) <> 0 ORDER BY word
  ON CONFLICT (tenant, word) DO UPDATE SET entries = w.entries + excluded.entries;
  DELETE FROM search_word WHERE tenant = t AND entries <= 0;
$$""",
    f"""CREATE FUNCTION search_word_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_APPEND.format(changes=_changes("new_entries", "+"))};
  ELSIF TG_OP = 'DELETE' THEN
    {_APPEND.format(changes=_changes("old_entries", "-"))};
  ELSE
    {_APPEND.format(
        changes=_changes("new_entries", "+") + " UNION ALL " + _changes("old_entries", "-")
    )};
  END IF;
  FOR t IN SELECT DISTINCT tenant FROM search_word_change LOOP
    IF pg_try_advisory_xact_lock(hashtextextended('search_word ' || t::text, 0)) THEN
      PERFORM search_word_fold(t);
    END IF;
  END LOOP;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER search_word_insert AFTER INSERT ON search_entry "
    "REFERENCING NEW TABLE AS new_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_count()",
    "CREATE TRIGGER search_word_delete AFTER DELETE ON search_entry "
    "REFERENCING OLD TABLE AS old_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_count()",
    "CREATE TRIGGER search_word_update AFTER UPDATE ON search_entry "
    "REFERENCING OLD TABLE AS old_entries NEW TABLE AS new_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_word_count()",
    # The entries there are: one pass over their vectors.
    "INSERT INTO search_word (tenant, word, entries) "
    "SELECT e.tenant, w.lexeme, count(*) FROM search_entry e CROSS JOIN unnest(e.tsv) AS w "
    "GROUP BY e.tenant, w.lexeme",
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
