"""Measure: listing 1,000 documents of a dossier with permission checks against without.

A (with permissions) is a user whose home role gives nothing and whose access comes from grants of
every kind — document types, a register, a customer and fifty single documents of other customers
— that together cover the dossier; one run resolves the user's grants (as each request does) and
pages through all 1,000 documents, 200 at a time, with the visibility condition in each query.
B (without) is an administrator listing the same pages, where no condition is added. Both are
checked to return the same 1,000 documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.access.models import GrantDraft, SubjectKind
from backend.access.policy import ScopeKind
from backend.accounts.service import principal_of
from backend.documents.models import DocumentFilter, DocumentSort
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from bench.seed import seed_dossier
from bench.timing import Side, Timing, interleaved

__all__ = ["PermissionListingResult", "format_permission_table", "run_permission_benchmark"]

BUDGET = 1.5
DOCUMENTS = 1_000
PAGE = 200


@dataclass(frozen=True, slots=True)
class PermissionListingResult:
    engine: str
    grants: int
    checked: Timing
    unchecked: Timing

    @property
    def ratio_p50(self) -> float:
        return self.checked.p50 / self.unchecked.p50

    @property
    def ratio_p95(self) -> float:
        return self.checked.p95 / self.unchecked.p95


async def run_permission_benchmark(
    runtime: Runtime, *, engine: str, runs: int, warmup: int, documents: int = DOCUMENTS
) -> PermissionListingResult:
    dossier = await seed_dossier(runtime, documents=documents, other_customers=10)
    services = runtime.services()
    admin = dossier.principal
    tenant_id = dossier.tenant_id
    catalog_types = await services.catalog.document_types(tenant_id)
    registers = {r.key: r.id for r in await services.catalog.registers(tenant_id)}
    user = await services.accounts.create_user(
        tenant_id, "scoped@example.com", "Scoped reader", "none", None
    )
    scopes: list[tuple[ScopeKind, str]] = [
        (ScopeKind.DOCUMENT_TYPE, t.id) for t in catalog_types if t.key != "letter"
    ]
    scopes.append((ScopeKind.REGISTER, registers["correspondence"]))  # the letters
    others = [
        c.id
        for c in (await services.customers.search(admin, "", 50, None)).items
        if c.id != dossier.customer_id
    ]
    scopes.append((ScopeKind.CUSTOMER, others[0]))
    with tenant_scope(tenant_id):
        rows = await runtime.database.fetch(
            "SELECT id FROM document WHERE tenant = {} AND customer <> {} ORDER BY id LIMIT 50",
            tenant_id,
            dossier.customer_id,
        )
    scopes += [(ScopeKind.DOCUMENT, str(r["id"])) for r in rows]
    for kind, scope_id in scopes:
        await services.access.grant(
            admin, GrantDraft("viewer", SubjectKind.USER, user.id, kind, scope_id)
        )

    async def list_all(checked: bool) -> list[str]:
        request = runtime.services()
        principal = admin
        if checked:
            now = runtime.clock()
            grants = await request.access.effective_grants(tenant_id, user.id, now)
            principal = principal_of(user, grants=grants, as_of=now)
        ids: list[str] = []
        after = None
        while True:
            page = await request.documents.list(
                principal, dossier.customer_id, DocumentFilter(), DocumentSort(), PAGE, after
            )
            ids += [d.id for d in page.items]
            if page.next_cursor is None:
                return ids
            after = page.next_cursor

    expected = await list_all(False)
    if len(expected) != documents or await list_all(True) != expected:
        raise AssertionError("with and without permission checks, the listings differ")

    def check(ids: list[str]) -> None:
        if len(ids) != documents:
            raise AssertionError(f"expected {documents} documents, got {len(ids)}")

    checked, unchecked = await interleaved(
        Side(lambda: list_all(True), check),
        Side(lambda: list_all(False), check),
        runs=runs,
        warmup=warmup,
    )
    return PermissionListingResult(engine, len(scopes), checked, unchecked)


def format_permission_table(results: list[PermissionListingResult]) -> str:
    head = (
        "engine    listing 1,000 documents   checked p50/p95 ms   plain p50/p95 ms   "
        "ratio p50  ratio p95"
    )
    lines = [f"{head}  verdict", "-" * (len(head) + 9)]
    for r in results:
        verdict = "PASS" if max(r.ratio_p50, r.ratio_p95) <= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {f'{r.grants} grants, 5 pages':<24}  "
            f"{r.checked.p50:8.2f} / {r.checked.p95:7.2f}  "
            f"{r.unchecked.p50:7.2f} / {r.unchecked.p95:6.2f}  {r.ratio_p50:8.2f}×  "
            f"{r.ratio_p95:8.2f}×  {verdict} (≤ {BUDGET}×)"
        )
    return "\n".join(lines)
