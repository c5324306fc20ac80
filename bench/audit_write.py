"""Measure: an audited write against the same write without its audit event.

The audit event is written in the same transaction as the change (three statements: claim the
next sequence number, insert the event, move the chain head). Both sides run through the real
services on the same engine; the unaudited side swaps the request's ``AuditTrail.record`` for a
no-op, so everything else (validation, SQL, history, blob store) is identical. Two writes are
measured: a metadata change of a document, and the upload of a one-page PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.access.policy import Principal
from backend.documents.models import DocumentDraft, MetadataPatch, NewContent
from backend.runtime import Runtime, Services
from bench.catalog import BenchCatalog, make_catalog, make_customer
from bench.timing import Side, Timing, interleaved

__all__ = ["AuditWriteResult", "run_audit_write_benchmark"]

BUDGET = 1.3


@dataclass(frozen=True, slots=True)
class AuditWriteResult:
    engine: str
    write: str
    audited: Timing
    unaudited: Timing

    @property
    def ratio_p50(self) -> float:
        return self.audited.p50 / self.unaudited.p50

    @property
    def ratio_p95(self) -> float:
        return self.audited.p95 / self.unaudited.p95


def _services(runtime: Runtime, *, audited: bool) -> Services:
    services = runtime.services()
    if not audited:

        async def record(*_args: Any, **_kwargs: Any) -> None:
            return None

        services.audit.record = record  # type: ignore[method-assign,assignment]
    return services


def _pdf(n: int) -> bytes:
    body = f"1 0 obj\n<< /Type /Catalog /Note (bench {n}) >>\nendobj\n"
    return f"%PDF-1.4\n{body}trailer\n<< /Root 1 0 R >>\n%%EOF\n".encode()


class _Writes:
    def __init__(
        self, runtime: Runtime, catalog: BenchCatalog, principal: Principal, customer_id: str
    ) -> None:
        self.runtime, self.catalog, self.principal = runtime, catalog, principal
        self.customer_id = customer_id
        self.type_id = catalog.types["order"].id  # no required index fields
        self.counter = 0

    async def upload(self, *, audited: bool) -> str:
        self.counter += 1
        services = _services(self.runtime, audited=audited)
        document = await services.documents.upload(
            self.principal,
            DocumentDraft(
                customer_id=self.customer_id,
                document_type_id=self.type_id,
                title=f"Brief {self.counter}",
                document_date=dt.date(2026, 1, 1),
                index_values={},
                register_ids=None,
                content=NewContent(filename=f"brief-{self.counter}.pdf", data=_pdf(self.counter)),
            ),
        )
        return document.id

    async def retitle(self, document_id: str, *, audited: bool) -> None:
        self.counter += 1
        services = _services(self.runtime, audited=audited)
        await services.documents.update_metadata(
            self.principal, document_id, MetadataPatch(title=f"Brief, korrigiert {self.counter}")
        )


async def run_audit_write_benchmark(
    runtime: Runtime, *, engine: str, runs: int, warmup: int
) -> list[AuditWriteResult]:
    catalog = await make_catalog(runtime)
    customer_id = await make_customer(runtime, catalog, 1)
    writes = _Writes(runtime, catalog, catalog.principal, customer_id)
    target = await writes.upload(audited=True)

    def check(_: object) -> None:
        return None

    results = []
    for name, audited_run, plain_run in (
        (
            "metadata change",
            lambda: writes.retitle(target, audited=True),
            lambda: writes.retitle(target, audited=False),
        ),
        ("upload", lambda: writes.upload(audited=True), lambda: writes.upload(audited=False)),
    ):
        audited, plain = await interleaved(
            Side(audited_run, check), Side(plain_run, check), runs=runs, warmup=warmup
        )
        results.append(AuditWriteResult(engine, name, audited, plain))
    return results


def format_audit_table(results: list[AuditWriteResult]) -> str:
    head = "engine    write            audited p50/p95 ms   plain p50/p95 ms   ratio p50  ratio p95"
    lines = [f"{head}  verdict", "-" * (len(head) + 9)]
    for r in results:
        verdict = "PASS" if max(r.ratio_p50, r.ratio_p95) <= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {r.write:<15}  {r.audited.p50:8.2f} / {r.audited.p95:7.2f}  "
            f"{r.unaudited.p50:7.2f} / {r.unaudited.p95:6.2f}  {r.ratio_p50:8.2f}×  "
            f"{r.ratio_p95:8.2f}×  {verdict} (≤ {BUDGET}×)"
        )
    return "\n".join(lines)
