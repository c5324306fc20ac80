"""Search entries repeat their document's filter columns (docs/adr/0014): filled here for the
entries that exist, with B-tree indexes on both engines, and on SQLite a fourth FTS5 column
``tags`` holding them as words (:mod:`backend.search.tags`), so a condition on customer, type,
status or document date is answered inside the full-text index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search entries filter by their document's columns"

# As in the earlier full-text migrations: the letters unicode61 cannot fold are folded by the
# triggers, the same in the insert and the delete (an external-content table must be told
# exactly what it indexed). Tags are ASCII words and are indexed as they are.
_FOLDS = (
    ("ł", "l"), ("Ł", "L"), ("ß", "ss"), ("ẞ", "SS"), ("ø", "o"), ("Ø", "O"),
    ("đ", "d"), ("Đ", "D"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"),
)
# Kept here as written when this migration was made (backend.search.tags.SQLITE_TAGS).
_TAGS = (
    "('zzc' || replace(lower({a}.customer), '-', '') || ' zzt' "
    "|| replace(lower({a}.document_type), '-', '') || ' zzs' || lower({a}.status) "
    "|| ' zzy' || substr({a}.document_date, 1, 4) "
    "|| ' zzm' || substr({a}.document_date, 1, 4) || substr({a}.document_date, 6, 2))"
)
_COPY = (
    "customer = d.customer, document_type = d.document_type, "
    "document_date = d.document_date, created_at = d.created_at, status = d.status"
)


def _fold(expression: str) -> str:
    for letter, plain in _FOLDS:
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _values(row: str) -> str:
    return ", ".join([*(_fold(f"{row}.{c}") for c in ("title", "keys", "body")), f"{row}.tags"])


_INDEXES = [
    "CREATE INDEX search_entry_type_date ON search_entry (tenant, document_type, document_date)",
    "CREATE INDEX search_entry_customer_date ON search_entry (tenant, customer, document_date)",
    "CREATE INDEX search_entry_date ON search_entry (tenant, document_date)",
]

SQLITE = [
    # The triggers go first: the fill below must not re-index every entry one by one.
    "DROP TRIGGER search_entry_ai",
    "DROP TRIGGER search_entry_ad",
    "DROP TRIGGER search_entry_au",
    "DROP TABLE search_entry_fts",
    f"UPDATE search_entry SET {_COPY} FROM document d WHERE d.id = search_entry.document",
    f"UPDATE search_entry SET tags = {_TAGS.format(a='search_entry')}",
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(title, keys, body, tags, "
    "content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"INSERT INTO search_entry_fts (rowid, title, keys, body, tags) "
    f"SELECT id, {_values('search_entry')} FROM search_entry",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (rowid, title, keys, body, tags) "
    f"VALUES (new.id, {_values('new')}); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, keys, body, tags) "
    f"VALUES ('delete', old.id, {_values('old')}); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, keys, body, tags) "
    f"VALUES ('delete', old.id, {_values('old')}); "
    "INSERT INTO search_entry_fts (rowid, title, keys, body, tags) "
    f"VALUES (new.id, {_values('new')}); END",
    *_INDEXES,
]

POSTGRES = [
    # The tsvector trigger fires on title, keys and body only: this fill leaves it alone.
    f"UPDATE search_entry SET {_COPY} FROM document d WHERE d.id = search_entry.document",
    *_INDEXES,
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
