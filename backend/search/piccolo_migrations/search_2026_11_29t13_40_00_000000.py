"""An FTS5 prefix index (two and three letters) on SQLite: a prefix query reads one index entry
instead of merging the doclists of every word that starts with it (docs/adr/0014). PostgreSQL:
nothing (GIN matches prefixes from its sorted keys)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "FTS5 prefix index of search entries"

# The letters unicode61 cannot fold, as the triggers of the first full-text migration fold them:
# the entries are indexed again with exactly the values the delete trigger will name.
_FOLDS = (
    ("ł", "l"), ("Ł", "L"), ("ß", "ss"), ("ẞ", "SS"), ("ø", "o"), ("Ø", "O"),
    ("đ", "d"), ("Đ", "D"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"),
)


def _fold(expression: str) -> str:
    for letter, plain in _FOLDS:
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


SQLITE = [
    "DROP TABLE search_entry_fts",
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(title, keys, body, "
    "content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "INSERT INTO search_entry_fts (rowid, title, keys, body) SELECT id, "
    + ", ".join(_fold(c) for c in ("title", "keys", "body"))
    + " FROM search_entry",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="search", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        if engine.engine_type != "postgres":
            for statement in SQLITE:
                await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
