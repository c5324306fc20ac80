"""SQLite: the full-text triggers fold only text that holds a letter to fold, and an update of a
search entry touches the FTS5 index only when its indexed text changed (docs/adr/0036).

The letters unicode61 cannot fold (``ł``, ``ß``, ``ø``, …) were folded by twelve nested
``replace`` calls on every column of every entry written, twice per update (the delete and the
insert). Now text in ASCII skips the chain at once, and other text runs it only if a ``GLOB``
finds one of the letters: a text without them is indexed as it is, which is what the chain made
of it, so the index stays exactly as it was and nothing is rebuilt. PostgreSQL: nothing (its
vectors are made by ``search_entry_vector``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "full-text triggers fold only what needs folding"

# As in the earlier full-text migrations (kept here as written then).
_FOLDS = (
    ("ł", "l"),
    ("Ł", "L"),
    ("ß", "ss"),
    ("ẞ", "SS"),
    ("ø", "o"),
    ("Ø", "O"),
    ("đ", "d"),
    ("Đ", "D"),
    ("æ", "ae"),
    ("Æ", "AE"),
    ("œ", "oe"),
    ("Œ", "OE"),
)
_TEXT_COLUMNS = ("title", "keys", "body")


def _fold(expression: str) -> str:
    """``expression`` with the letters folded: text in ASCII (as many bytes as characters) as it
    is, at once; other text as it is unless a ``GLOB`` finds one of the letters."""
    chain = expression
    for letter, plain in _FOLDS:
        chain = f"replace({chain}, '{letter}', '{plain}')"
    letters = "".join(letter for letter, _ in _FOLDS)
    return (
        f"CASE WHEN length(CAST({expression} AS BLOB)) = length({expression}) THEN {expression} "
        f"WHEN {expression} GLOB '*[{letters}]*' THEN {chain} ELSE {expression} END"
    )


def _values(row: str) -> str:
    return ", ".join([*(_fold(f"{row}.{c}") for c in _TEXT_COLUMNS), f"{row}.tags"])


_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in (*_TEXT_COLUMNS, "tags"))

SQLITE = [
    "DROP TRIGGER search_entry_ai",
    "DROP TRIGGER search_entry_ad",
    "DROP TRIGGER search_entry_au",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (rowid, title, keys, body, tags) "
    f"VALUES (new.id, {_values('new')}); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, keys, body, tags) "
    f"VALUES ('delete', old.id, {_values('old')}); END",
    # The id never changes (it is the rowid); an update that leaves the indexed text as it was
    # (a change of the filter columns alone moves the tags) leaves the index alone.
    f"CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry WHEN {_CHANGED} BEGIN "
    "INSERT INTO search_entry_fts (search_entry_fts, rowid, title, keys, body, tags) "
    f"VALUES ('delete', old.id, {_values('old')}); "
    "INSERT INTO search_entry_fts (rowid, title, keys, body, tags) "
    f"VALUES (new.id, {_values('new')}); END",
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
