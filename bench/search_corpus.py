"""A generated corpus for the search benchmark: German and Polish business words with a Zipf
distribution (a few words in most documents, a long tail in few), bulk-inserted.

Documents and their search entries are written as rows (PostgreSQL ``COPY`` as the owner,
SQLite ``executemany``), not through the services: the entries have exactly the columns
:mod:`backend.search.index` writes (title; customer name and number, type name and an index
value; text), and the engines' triggers index them as they index the application's writes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg

from backend.runtime import Runtime
from backend.search.tags import entry_tags
from backend.text import fold
from bench.catalog import BenchCatalog, make_catalog

__all__ = ["VOCABULARY", "Corpus", "seed_corpus"]

GERMAN = """
Rechnung Angebot Auftrag Lieferschein Reklamation Vertrag Mahnung Gutschrift Bestellung
Lieferung Zahlung Kunde Wartung Montage Ersatzteil Pumpe Heizung Wärmepumpe Kältemittel
Größe Menge Preis Rabatt Skonto Frist Anlage Prüfung Bericht Störung Garantie
Gewährleistung Kündigung Verlängerung Änderung Übergabe Abnahme Inbetriebnahme Schaden
Austausch Dichtung Ventil Steuerung Schaltschrank Kessel Brenner Leitung Rohr Druck
Temperatur Fehler Meldung Termin Besuch Techniker Außendienst Bürogebäude Lager Werkstatt
Fahrzeug Straße Grundstück Eigentümer Mieter Verwaltung Hausmeister Gebühr Pauschale Stunde
Material Anfahrt Überprüfung Sicherheit Brandschutz Lüftung Klimaanlage Filter Reinigung
Wasser Öl Gas Strom Zähler Ablesung Abrechnung Nachtrag Rückfrage Bestätigung Freigabe
Unterschrift Vollmacht
""".split()  # noqa: SIM905 (a word list reads best as text)
POLISH = """
faktura oferta zamówienie dostawa reklamacja umowa wezwanie korekta płatność klient serwis
montaż część pompa ogrzewanie kocioł palnik zawór uszczelka sterowanie szafa przewód
ciśnienie temperatura usterka zgłoszenie termin wizyta technik budynek magazyn warsztat
pojazd ulica działka właściciel najemca zarząd opłata ryczałt godzina materiał dojazd
przegląd bezpieczeństwo wentylacja klimatyzacja filtr czyszczenie woda olej gaz prąd
licznik odczyt rozliczenie aneks pytanie potwierdzenie zgoda podpis pełnomocnictwo
gwarancja rękojmia wypowiedzenie przedłużenie zmiana przekazanie odbiór uruchomienie szkoda
wymiana łożysko żarówka źródło gęstość jaźń zażółć książka śruba młotek łącznik świadectwo
zaświadczenie
""".split()  # noqa: SIM905 (a word list reads best as text)
_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ten",
    "ber",
    "gus",
    "la",
    "wo",
    "ski",
    "cz",
    "sz",
    "ny",
    "dor",
    "fel",
    "han",
    "kow",
    "nik",
    "ma",
    "ło",
    "ża",
    "ge",
]
_ZIPF = 1.07


def _vocabulary(size: int = 5000) -> list[str]:
    rng = random.Random(7)
    words = [w for pair in itertools.zip_longest(GERMAN, POLISH) for w in pair if w]
    seen = {w.casefold() for w in words}
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word.capitalize() if rng.random() < 0.4 else word)
    # Real words are the frequent ones (lower ranks), made-up ones the long tail.
    return words


VOCABULARY = _vocabulary()
_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) ** _ZIPF for rank in range(len(VOCABULARY))))


@dataclass(frozen=True, slots=True)
class Corpus:
    catalog: BenchCatalog
    documents: int
    customer_ids: list[str]
    seconds: float


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=_WEIGHTS, k=n))


def _rows(
    rng: random.Random, catalog: BenchCatalog, customers: list[tuple[str, str, str]], count: int
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(document row, entry row) pairs."""
    tenant = catalog.tenant.id
    types = list(catalog.types.values())
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(count):
        customer_id, name, number = customers[i % len(customers)]
        doc_type = types[rng.randrange(len(types))]
        title = _words(rng, rng.randint(2, 5)).capitalize()
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2500))
        document_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        at = created - dt.timedelta(seconds=count - i)
        document = (
            document_id,
            tenant,
            customer_id,
            doc_type.id,
            title,
            day,
            "archived" if rng.random() < 0.1 else "active",
            "{}",
            1,
            1,
            at,
            at,
        )
        keys = f"{name} {number} {doc_type.name} {rng.randint(10_000, 99_999)}"
        status = document[6]
        entry = (
            tenant,
            document_id,
            title,
            keys,
            _words(rng, rng.randint(30, 120)),
            customer_id,
            doc_type.id,
            day,
            at,
            status,
            entry_tags(customer_id, doc_type.id, status, day),
        )
        yield document, entry


DOCUMENT_COLUMNS = (
    "id",
    "tenant",
    "customer",
    "document_type",
    "title",
    "document_date",
    "status",
    "index_values",
    "revision",
    "version_count",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = (
    "tenant",
    "document",
    "title",
    "keys",
    "body",
    "customer",
    "document_type",
    "document_date",
    "created_at",
    "status",
    "tags",
)


async def _customers(
    runtime: Runtime, catalog: BenchCatalog, count: int
) -> list[tuple[str, str, str]]:
    rng = random.Random(11)
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = []
    for i in range(count):
        form = rng.choice(["GmbH", "Sp. z o.o.", "AG", "KG", "S.A."])
        name = f"{rng.choice(GERMAN + POLISH).capitalize()} {form} {i}"
        rows.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                catalog.tenant.id,
                f"K{i:06d}",
                name,
                fold(name),
                "active",
                "{}",
                1,
                now,
                now,
            )
        )
    columns = (
        "id",
        "tenant",
        "erp_number",
        "name",
        "name_folded",
        "status",
        "key_data",
        "revision",
        "created_at",
        "updated_at",
    )
    await _insert(runtime, "customer", columns, rows)
    return [(r[0], r[3], r[2]) for r in rows]


async def _insert(
    runtime: Runtime, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    engine = runtime.database.engine
    if engine.engine_type == "sqlite":
        with sqlite3.connect(engine.path) as connection:  # type: ignore[attr-defined]
            connection.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})",
                [tuple(_sqlite(v) for v in r) for r in rows],
            )
        return
    connection = await asyncpg.connect(runtime.settings.database.migration_url)
    try:
        await connection.copy_records_to_table(
            table,
            records=[tuple(_postgres(c, v) for c, v in zip(columns, r, strict=True)) for r in rows],
            columns=columns,
        )
    finally:
        await connection.close()


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _sqlite(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _postgres(column: str, value: Any) -> Any:
    if column == "tags":
        return ""  # as backend.search.index writes them on PostgreSQL
    if column in ("id", "tenant", "customer", "document_type", "document"):
        return uuid.UUID(value)
    return value


async def seed_corpus(runtime: Runtime, documents: int, *, batch: int = 50_000) -> Corpus:
    """A tenant with ``documents`` documents over ``documents // 100`` customers (at least 10)."""
    started = time.perf_counter()
    catalog = await make_catalog(runtime, users=1)
    customers = await _customers(runtime, catalog, max(10, documents // 100))
    rng = random.Random(42)
    rows = _rows(rng, catalog, customers, documents)
    postgres = runtime.database.engine.engine_type == "postgres"
    if postgres:
        await _postgres_load(runtime, catalog.tenant.id, rows, batch)
    else:
        _sqlite_load(runtime, rows, batch)
    return Corpus(catalog, documents, [c[0] for c in customers], time.perf_counter() - started)


_ENTRY_INDEXES = {
    "search_entry_type_date": "tenant, document_type, document_date",
    "search_entry_customer_date": "tenant, customer, document_date",
    "search_entry_date": "tenant, document_date",
}
"""The B-tree indexes of the entries' filter columns (search migration of 2026-11-29T15:00)."""


_WORD_TRIGGERS = ("search_word_insert", "search_word_delete", "search_word_update")
"""The triggers that count the entries' words (search migration of 2026-11-29T17:30): off while
loading, and the words counted once after, as that migration counts the entries there are."""
_COUNT_WORDS = (
    "INSERT INTO search_word (tenant, word, entries) "
    "SELECT e.tenant, w.lexeme, count(*) FROM search_entry e CROSS JOIN unnest(e.tsv) AS w "
    "WHERE e.tenant = $1 GROUP BY e.tenant, w.lexeme"
)


async def _postgres_load(
    runtime: Runtime,
    tenant_id: str,
    rows: Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]],
    batch: int,
) -> None:
    # As the owner: building the GIN index once after the load is much faster than keeping it.
    connection = await asyncpg.connect(runtime.settings.database.migration_url)
    try:
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute("DROP INDEX search_entry_tsv")
        for trigger in _WORD_TRIGGERS:
            await connection.execute(f"ALTER TABLE search_entry DISABLE TRIGGER {trigger}")
        for name in _ENTRY_INDEXES:
            await connection.execute(f"DROP INDEX {name}")
        while chunk := list(itertools.islice(rows, batch)):
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "document",
                    records=[
                        tuple(_postgres(c, v) for c, v in zip(DOCUMENT_COLUMNS, d, strict=True))
                        for d, _ in chunk
                    ],
                    columns=DOCUMENT_COLUMNS,
                )
                await connection.copy_records_to_table(
                    "search_entry",
                    records=[
                        tuple(_postgres(c, v) for c, v in zip(ENTRY_COLUMNS, e, strict=True))
                        for _, e in chunk
                    ],
                    columns=ENTRY_COLUMNS,
                )
        await connection.execute("CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)")
        # The corpus's tenant only: the test suite's database holds other tenants' words.
        await connection.execute(_COUNT_WORDS, uuid.UUID(tenant_id))
        for trigger in _WORD_TRIGGERS:
            await connection.execute(f"ALTER TABLE search_entry ENABLE TRIGGER {trigger}")
        for name, columns in _ENTRY_INDEXES.items():
            await connection.execute(f"CREATE INDEX {name} ON search_entry ({columns})")
        await connection.execute("VACUUM ANALYZE document")
        await connection.execute("VACUUM ANALYZE search_entry")
        await connection.execute("VACUUM ANALYZE search_word")
    finally:
        await connection.close()


def _sqlite_load(
    runtime: Runtime, rows: Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]], batch: int
) -> None:
    engine = runtime.database.engine
    with sqlite3.connect(engine.path) as connection:  # type: ignore[attr-defined]
        connection.execute("PRAGMA synchronous = OFF")
        while chunk := list(itertools.islice(rows, batch)):
            connection.executemany(
                f"INSERT INTO document ({', '.join(DOCUMENT_COLUMNS)}) "
                f"VALUES ({_marks(len(DOCUMENT_COLUMNS))})",
                [tuple(_sqlite(v) for v in d) for d, _ in chunk],
            )
            connection.executemany(
                f"INSERT INTO search_entry ({', '.join(ENTRY_COLUMNS)}) "
                f"VALUES ({_marks(len(ENTRY_COLUMNS))})",
                [tuple(_sqlite(v) for v in e) for _, e in chunk],
            )
            connection.commit()
        connection.execute("INSERT INTO search_entry_fts (search_entry_fts) VALUES ('optimize')")
        connection.execute("ANALYZE")
        connection.commit()
