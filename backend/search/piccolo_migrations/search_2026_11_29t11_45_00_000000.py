"""The full-text index of search entries: FTS5 on SQLite, a weighted tsvector with GIN on
PostgreSQL (docs/adr/0014)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T11:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "full-text index of search entries"

# unicode61 strips the accents Unicode can decompose (ą ę ó ś ż ä ö ü …); the letters it cannot
# (ł, ß, ø, đ, æ, œ) are folded here, the same in the insert and the delete trigger, since
# an external-content FTS5 table must be told exactly the values it indexed.
_FOLDS = (
    ("ł", "l"), ("Ł", "L"), ("ß", "ss"), ("ẞ", "SS"), ("ø", "o"), ("Ø", "O"),
    ("đ", "d"), ("Đ", "D"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"),
)


def _fold(expression: str) -> str:
    for letter, plain in _FOLDS:
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _values(row: str) -> str:
    return ", ".join(_fold(f"{row}.{c}") for c in ("title", "keys", "body"))


SQLITE = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(title, keys, body, "
    "content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (rowid, title, keys, body) "
    f"VALUES (new.id, {_values('new')}); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, keys, body) "
    f"VALUES ('delete', old.id, {_values('old')}); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, keys, body) "
    f"VALUES ('delete', old.id, {_values('old')}); "
    "INSERT INTO search_entry_fts (rowid, title, keys, body) "
    f"VALUES (new.id, {_values('new')}); END",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # simple: no stemming (German and Polish in one index, names and numbers as typed), with
    # unaccent before it for words with letters beyond ASCII (ą→a, ł→l, ö→o, ß→ss).
    "CREATE TEXT SEARCH CONFIGURATION dossier_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION dossier_search "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "ALTER TABLE search_entry ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
    # ASCII punctuation becomes space first, so words split where FTS5 and the query parser
    # split them: the default parser would keep "K-100" as "k" and "-100", an e-mail address or
    # a file name as one token, and "4711.50" as a number.
    """CREATE FUNCTION search_entry_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.tsv := setweight(to_tsvector('dossier_search',
                 regexp_replace(NEW.title, '[[:punct:]]+', ' ', 'g')), 'A')
          || setweight(to_tsvector('dossier_search',
                 regexp_replace(NEW.keys, '[[:punct:]]+', ' ', 'g')), 'B')
          || setweight(to_tsvector('dossier_search',
                 regexp_replace(NEW.body, '[[:punct:]]+', ' ', 'g')), 'C');
  RETURN NEW;
END $$""",
    "CREATE TRIGGER search_entry_vector BEFORE INSERT OR UPDATE OF title, keys, body "
    "ON search_entry FOR EACH ROW EXECUTE FUNCTION search_entry_vector()",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
    # Under row-level security PostgreSQL uses an index only for leakproof operators (it must not
    # evaluate anything on a row the policy hides); "@@" is not marked so, and without this the
    # GIN index is never used by the application role. ts_match_vq only compares a vector with a
    # query: no error or side effect depends on a row. Only a superuser may mark it; another
    # owner gets search that scans its tenant's entries (slow on large tenants).
    """DO $$ BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
  END IF;
END $$""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="search", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in POSTGRES if engine.engine_type == "postgres" else SQLITE:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
