"""PostgreSQL: an update of search entries counts only the words it adds and removes
(docs/adr/0036). Before, every word of every old and every new vector was unnested and the
counts netted out in a ``GROUP BY``: a title edit unnested all the words of the entry's keys and
body twice to count the two words of its title. Now each new vector is paired with its old one
(same entry, same tenant) and ``ts_delete`` leaves the words one has and the other has not; an
entry without a partner (none today) still counts all its words. SQLite: nothing (FTS5 keeps
its own counts)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "word counts of updated search entries from the words that changed"


# Each updated entry's old and new vector side by side, paired by grouping (a join of the two
# transition tables is planned as a nested loop: PL/pgSQL plans them as one row each, and 500
# entries cost 250,000 comparisons).
_PAIRS = (
    "SELECT tenant, id, (array_agg(tsv) FILTER (WHERE side = 1))[1] AS new_tsv, "
    "(array_agg(tsv) FILTER (WHERE side = 0))[1] AS old_tsv FROM ("
    "SELECT 1 AS side, tenant, id, coalesce(tsv, ''::tsvector) AS tsv FROM new_entries "
    "UNION ALL SELECT 0, tenant, id, coalesce(tsv, ''::tsvector) FROM old_entries) AS s "
    "GROUP BY tenant, id"
)


def _words_only_in(one: str, other: str, sign: str) -> str:
    """(tenant, word, ±1) for the words of each entry's ``one`` vector that its ``other`` has
    not (all of them if it has no other)."""
    return (
        f"SELECT p.tenant, w.word, {sign}1 AS entries FROM pairs p "
        f"CROSS JOIN unnest(tsvector_to_array(ts_delete(coalesce(p.{one}, ''::tsvector), "
        f"tsvector_to_array(coalesce(p.{other}, ''::tsvector))))) AS w(word) "
        "WHERE p.new_tsv IS DISTINCT FROM p.old_tsv"
    )


def _all_words(rows: str, sign: str) -> str:
    return (
        f"SELECT r.tenant, w.lexeme AS word, {sign}1 AS entries "
        f"FROM {rows} r CROSS JOIN unnest(r.tsv) AS w"
    )


_GROUPED = (
    "SELECT array_agg(tenant), array_agg(word), array_agg(entries) "
    "INTO tenants, words, counts FROM (SELECT tenant, word, sum(entries)::integer AS entries "
    "FROM ({changes}) AS c GROUP BY tenant, word HAVING sum(entries) <> 0 "
    "ORDER BY tenant, word) AS g"
)

_UPDATED = (
    _words_only_in("new_tsv", "old_tsv", "+")
    + " UNION ALL "
    + _words_only_in("old_tsv", "new_tsv", "-")
)

_MINE = "FROM unnest(tenants, words, counts) AS c(tenant, word, entries) WHERE c.tenant = t"

POSTGRES = [
    # The statement's counts go straight into search_word when the tenant's fold lock is had
    # at once (after the changes other writers left are folded), and to search_word_change
    # otherwise, as before: the same counts, without writing and deleting each change once.
    f"""CREATE OR REPLACE FUNCTION search_word_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t uuid;
  tenants uuid[];
  words text[];
  counts integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_GROUPED.format(changes=_all_words("new_entries", "+"))};
  ELSIF TG_OP = 'DELETE' THEN
    {_GROUPED.format(changes=_all_words("old_entries", "-"))};
  ELSE
    WITH pairs AS ({_PAIRS}) {_GROUPED.format(changes=_UPDATED)};
  END IF;
  IF tenants IS NOT NULL THEN
    FOR t IN SELECT DISTINCT u FROM unnest(tenants) AS u LOOP
      IF pg_try_advisory_xact_lock(hashtextextended('search_word ' || t::text, 0)) THEN
        PERFORM search_word_fold(t);
        INSERT INTO search_word AS w (tenant, word, entries)
        SELECT t, c.word, c.entries {_MINE}
        ON CONFLICT (tenant, word) DO UPDATE SET entries = w.entries + excluded.entries;
        DELETE FROM search_word WHERE tenant = t AND entries <= 0;
      ELSE
        INSERT INTO search_word_change (tenant, word, entries)
        SELECT t, c.word, c.entries {_MINE};
      END IF;
    END LOOP;
  END IF;
  FOR t IN SELECT DISTINCT tenant FROM search_word_change LOOP
    IF pg_try_advisory_xact_lock(hashtextextended('search_word ' || t::text, 0)) THEN
      PERFORM search_word_fold(t);
    END IF;
  END LOOP;
  RETURN NULL;
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
