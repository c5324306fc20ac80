"""Seed a dossier with many documents fast: catalog through the services, documents in bulk.

Uploading 10,000 documents through :class:`~backend.documents.service.DocumentService` takes
minutes, so documents are bulk-inserted here with the rows the repository writes for an upload
(``blob``, ``document``, ``document_version``, ``document_register``, ``document_index_value``),
built as Piccolo table instances so that both engines store dates, timestamps and JSON exactly as
the application does. Index values are validated and indexed by the domain's own functions.
Everything is deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from piccolo.table import Table

from backend.access.policy import Principal
from backend.documents.indexing import index_entries
from backend.documents.models import DocumentType
from backend.documents.tables import (
    BlobTable,
    DocumentRegisterTable,
    DocumentTable,
    IndexValueTable,
    VersionTable,
)
from backend.fields import validate_values
from backend.ids import new_id
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from bench.catalog import BenchCatalog, make_catalog, make_customer

__all__ = ["SeededDossier", "seed_dossier"]

BATCH = 500
_TODAY = dt.date(2030, 1, 15)


@dataclass(frozen=True, slots=True)
class SeededDossier:
    tenant_id: str
    customer_id: str
    principal: Principal
    documents: int
    """Documents of the target customer."""
    other_documents: int
    """Documents of the tenant's other customers."""
    seconds: float


@dataclass
class _Rows:
    blobs: list[Table] = field(default_factory=list)
    documents: list[Table] = field(default_factory=list)
    versions: list[Table] = field(default_factory=list)
    registers: list[Table] = field(default_factory=list)
    index_values: list[Table] = field(default_factory=list)

    def in_insert_order(self) -> list[tuple[type[Table], list[Table]]]:
        return [
            (BlobTable, self.blobs),
            (DocumentTable, self.documents),
            (VersionTable, self.versions),
            (DocumentRegisterTable, self.registers),
            (IndexValueTable, self.index_values),
        ]


def _index_values(rng: random.Random, key: str, n: int) -> dict[str, Any]:
    day = _TODAY + dt.timedelta(days=rng.randrange(-400, 400))
    amount = {"amount": f"{rng.randrange(100, 10_000_000) / 100:.2f}", "currency": "EUR"}
    if key == "invoice":
        return {"invoice_number": f"INV-{n:07d}", "amount": amount, "due_date": day.isoformat()}
    if key == "offer":
        return {"offer_number": f"OFF-{n:07d}", "amount": amount}
    if key == "order":
        return {"quantity": rng.randrange(1, 500), "delivery_date": day.isoformat()}
    if key == "complaint":
        return {"severity": rng.choice(["low", "medium", "high"])}
    if key == "contract":
        return {"valid_until": day.isoformat()}
    return {}


def _register_ids(rng: random.Random, catalog: BenchCatalog, doc_type: DocumentType) -> list[str]:
    """The type's default registers (one or two), and now and then a second one."""
    keys = list(doc_type.default_registers)
    if len(keys) == 1 and rng.random() < 0.25:
        keys.append(rng.choice([k for k in catalog.registers if k != keys[0]]))
    return [catalog.registers[k].id for k in keys]


def _add_document(
    rows: _Rows, rng: random.Random, catalog: BenchCatalog, customer_id: str, n: int
) -> None:
    tenant_id = catalog.tenant.id
    doc_type = rng.choice(list(catalog.types.values()))
    values = validate_values(
        doc_type.fields, _index_values(rng, doc_type.key, n), path="indexValues"
    )
    document_date = _TODAY - dt.timedelta(days=rng.randrange(3650))
    created_at = dt.datetime.combine(document_date, dt.time(8), dt.UTC) + dt.timedelta(
        minutes=rng.randrange(600)
    )
    version_count = 2 if rng.random() < 0.2 else 1
    document_id = new_id()
    updated_at = created_at
    for number in range(1, version_count + 1):
        updated_at = created_at + dt.timedelta(days=number - 1)
        sha256 = hashlib.sha256(f"{document_id}:{number}".encode()).hexdigest()
        size = rng.randrange(20_000, 2_000_000)
        rows.blobs.append(
            BlobTable(
                id=new_id(),
                tenant=tenant_id,
                sha256=sha256,
                size=size,
                mime_type="application/pdf",
                created_at=updated_at,
            )
        )
        rows.versions.append(
            VersionTable(
                id=new_id(),
                tenant=tenant_id,
                document=document_id,
                number=number,
                sha256=sha256,
                size=size,
                mime_type="application/pdf",
                filename=f"{doc_type.key}-{n:07d}-v{number}.pdf",
                comment="",
                created_at=updated_at,
                created_by=rng.choice(catalog.users).id,
            )
        )
    rows.documents.append(
        DocumentTable(
            id=document_id,
            tenant=tenant_id,
            customer=customer_id,
            document_type=doc_type.id,
            title=f"{doc_type.name} {n:07d}",
            document_date=document_date,
            status="active",
            index_values=values,
            revision=1,
            version_count=version_count,
            created_at=created_at,
            created_by=rng.choice(catalog.users).id,
            updated_at=updated_at,
        )
    )
    rows.registers.extend(
        DocumentRegisterTable(
            id=new_id(),
            tenant=tenant_id,
            customer=customer_id,
            document=document_id,
            register=register_id,
        )
        for register_id in _register_ids(rng, catalog, doc_type)
    )
    rows.index_values.extend(
        IndexValueTable(
            id=new_id(),
            tenant=tenant_id,
            document=document_id,
            field=e.field,
            text_value=e.text_value,
            number_value=e.number_value,
            date_value=e.date_value,
        )
        for e in index_entries(doc_type.fields, values)
    )


async def _insert(runtime: Runtime, tenant_id: str, rows: _Rows) -> None:
    with tenant_scope(tenant_id):
        async with runtime.database.write():
            for table, instances in rows.in_insert_order():
                for start in range(0, len(instances), BATCH):
                    await table.insert(*instances[start : start + BATCH])


async def seed_dossier(
    runtime: Runtime,
    *,
    documents: int,
    other_customers: int = 10,
    other_documents: int | None = None,
    seed: int = 20301115,
) -> SeededDossier:
    """A new tenant whose target customer has ``documents`` documents; ``other_customers`` more
    customers share ``other_documents`` (default: half as many) between them."""
    started = time.perf_counter()
    rng = random.Random(seed)
    catalog = await make_catalog(runtime)
    target = await make_customer(runtime, catalog, 0)
    others = [await make_customer(runtime, catalog, i + 1) for i in range(other_customers)]
    if other_documents is None:
        other_documents = documents // 2 if others else 0
    owners: Sequence[str] = [target] * documents + [
        others[i % len(others)] for i in range(other_documents if others else 0)
    ]
    rows = _Rows()
    for n, customer_id in enumerate(owners):
        _add_document(rows, rng, catalog, customer_id, n)
        if len(rows.documents) >= 5 * BATCH:
            await _insert(runtime, catalog.tenant.id, rows)
            rows = _Rows()
    await _insert(runtime, catalog.tenant.id, rows)
    if runtime.database.is_postgres:
        # The state autovacuum soon reaches after a bulk load (statistics, visibility map); SQLite
        # has no statistics unless asked (the application never runs ANALYZE), so it stays as is.
        # As the owner: the application role may not vacuum tables it does not own.
        owner = await asyncpg.connect(runtime.settings.database.migration_url)
        try:
            await owner.execute("VACUUM ANALYZE")
        finally:
            await owner.close()
    return SeededDossier(
        tenant_id=catalog.tenant.id,
        customer_id=target,
        principal=catalog.principal,
        documents=documents,
        other_documents=len(owners) - documents,
        seconds=time.perf_counter() - started,
    )
