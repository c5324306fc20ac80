"""``dossier verify``: re-hash the archive and the audit chain, and report every discrepancy.

What is checked, per tenant:
- the audit chain: every event re-hashed, every link, gaps, order, duplicates
  (:func:`backend.audit.events.verify_chain`), and the chain head row against the last event;
- with a checkpoint file: its signature, and that the chain still reaches its sequence number
  (a truncated tail), with the same head hash and Merkle root;
- every document version against the facts its creation event recorded (number, hash, size,
  type, name): a changed version row is found even though version rows carry no hash;
- every blob: present, and its bytes hash to its address. Content whose every version belongs to a
  document deleted after retention (with a tombstone) may be gone: its absence is no discrepancy.
An untouched archive, and one from which documents were deleted lawfully, reports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.audit.chain import verify_chain_async
from backend.audit.checkpoints import (
    Checkpoint,
    check_checkpoint,
)
from backend.audit.events import ChainProblem
from backend.audit.keys import signing_key
from backend.audit.merkle import MerkleAccumulator
from backend.audit.repository import PiccoloAuditRepository
from backend.blobs.store import sha256_hex
from backend.documents.tables import BlobTable, VersionTable
from backend.persistence.scope import system_scope
from backend.persistence.sql import select
from backend.runtime import Runtime
from backend.tenancy.tables import TenantTable

__all__ = ["Discrepancy", "VerifyReport", "verify_archive"]

_VERSION_FACTS = ("number", "sha256", "size", "mime_type", "filename")


class _BrokenAccumulator(MerkleAccumulator):
    """Stands in once a leaf could not be added: every root compares as a mismatch."""

    def add(self, leaf_hex: str) -> None:
        return None

    def root(self) -> str:
        return "unavailable"


@dataclass(frozen=True, slots=True)
class Discrepancy:
    tenant: str
    kind: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.tenant}] {self.kind} at {self.where}: {self.detail}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    tenants: int
    events: int
    versions: int
    blobs: int
    problems: list[Discrepancy]

    @property
    def clean(self) -> bool:
        return not self.problems


def _from_chain(tenant: str, problem: ChainProblem) -> Discrepancy:
    where = f"audit event {problem.seq}" if problem.seq is not None else "audit chain"
    return Discrepancy(tenant, problem.kind, where, problem.detail)


async def _verify_chain(
    tenant: str,
    checkpoint: tuple[Checkpoint, str] | None,
    created: dict[str, dict[str, Any]],
    deleted: set[str],
) -> tuple[int, list[Discrepancy]]:
    repo = PiccoloAuditRepository()
    accumulator = MerkleAccumulator()
    count = 0
    last_seq = 0
    last_hash: str | None = None
    at_checkpoint: tuple[str, str] | None = None
    want = checkpoint[0].seq if checkpoint else None

    async def events() -> Any:
        nonlocal accumulator, count, last_seq, last_hash, at_checkpoint
        async for batch in repo.chain(tenant):
            for event in batch:
                count += 1
                last_seq = max(last_seq, event.seq)
                last_hash = event.hash
                try:
                    accumulator.add(event.hash)
                except ValueError:  # a stored hash that is not even a hash: the chain says so
                    accumulator = _BrokenAccumulator()
                if want is not None and event.seq == want:
                    at_checkpoint = (event.hash, accumulator.root())
                if event.action in ("document.create", "document.version_add"):
                    facts = event.details.get("version")
                    if isinstance(facts, dict) and isinstance(facts.get("id"), str):
                        created[facts["id"]] = facts
                elif event.action == "document.delete" and event.target_type == "document":
                    deleted.add(event.target_id)
                yield event

    problems = [_from_chain(tenant, p) for p in await verify_chain_async(events())]
    head_seq, head_hash = await repo.head(tenant)
    if head_seq != count or (count and head_hash != last_hash):
        problems.append(
            Discrepancy(
                tenant,
                "head_mismatch",
                "audit head",
                f"the head records {head_seq} events ending in {head_hash[:12]}…, "
                f"the table holds {count}",
            )
        )
    if checkpoint is not None:
        cp, trusted_key = checkpoint
        problems += [
            _from_chain(tenant, p)
            for p in check_checkpoint(
                cp,
                trusted_key,
                tenant_id=tenant,
                chain_length=last_seq,
                head_hash_at_seq=at_checkpoint[0] if at_checkpoint else None,
                merkle_root_at_seq=at_checkpoint[1] if at_checkpoint else None,
            )
        ]
    return count, problems


async def _verify_versions(
    tenant: str, created: dict[str, dict[str, Any]]
) -> tuple[int, list[Discrepancy]]:
    rows = await select(VersionTable, "SELECT * FROM document_version WHERE tenant = {}", tenant)
    problems = []
    for row in rows:
        version_id = str(row["id"])
        facts = created.get(version_id)
        if facts is None:
            problems.append(
                Discrepancy(
                    tenant,
                    "unrecorded_version",
                    f"version {version_id}",
                    "no audit event records its creation",
                )
            )
            continue
        for name in _VERSION_FACTS:
            if facts.get(name) != row[name]:
                problems.append(
                    Discrepancy(
                        tenant,
                        "version_changed",
                        f"version {version_id}",
                        f"{name} is {row[name]!r}, the audit trail recorded {facts.get(name)!r}",
                    )
                )
    present = {str(row["id"]) for row in rows}
    problems += [
        Discrepancy(
            tenant,
            "version_missing",
            f"version {version_id}",
            f"the audit trail recorded version {facts.get('number')} of document "
            "creation, its row is gone",
        )
        for version_id, facts in created.items()
        if version_id not in present
    ]
    return len(rows), problems


async def _released_digests(
    tenant: str, deleted: set[str], problems: list[Discrepancy]
) -> set[str]:
    """Content referred to only by versions of lawfully deleted documents: a tombstone *and* a
    ``document.delete`` event in the verified chain. A tombstone the trail does not vouch for
    releases nothing and is reported (someone may have inserted it to hide removed content)."""
    tombstoned = {
        str(row["document"])
        for row in await select(
            VersionTable, "SELECT document FROM document_tombstone WHERE tenant = {}", tenant
        )
    }
    problems += [
        Discrepancy(
            tenant,
            "unrecorded_deletion",
            f"document {document_id}",
            "a tombstone without a document.delete event in the audit trail",
        )
        for document_id in sorted(tombstoned - deleted)
    ]
    rows = await select(
        VersionTable, "SELECT document, sha256 FROM document_version WHERE tenant = {}", tenant
    )
    gone: set[str] = set()
    live: set[str] = set()
    for row in rows:
        lawful = str(row["document"]) in tombstoned & deleted
        (gone if lawful else live).add(str(row["sha256"]))
    return gone - live


async def _verify_blobs(
    runtime: Runtime, tenant: str, created: dict[str, dict[str, Any]], deleted: set[str]
) -> tuple[int, list[Discrepancy]]:
    """Every content object the tenant should hold: those in the blob table, those the version
    rows point to, and those the audit trail recorded (so a deleted blob row hides nothing)."""
    expected: dict[str, int | None] = {}
    for row in await select(BlobTable, "SELECT sha256, size FROM blob WHERE tenant = {}", tenant):
        expected[str(row["sha256"])] = int(row["size"])
    for row in await select(
        VersionTable, "SELECT sha256, size FROM document_version WHERE tenant = {}", tenant
    ):
        expected.setdefault(str(row["sha256"]), int(row["size"]))
    for facts in created.values():
        digest, size = facts.get("sha256"), facts.get("size")
        if isinstance(digest, str):
            expected.setdefault(digest, size if isinstance(size, int) else None)
    problems: list[Discrepancy] = []
    released = await _released_digests(tenant, deleted, problems)
    for digest, size in sorted(expected.items()):
        try:
            data = await runtime.blobs.get(tenant, digest)
        except FileNotFoundError:
            if digest in released:
                continue
            problems.append(Discrepancy(tenant, "blob_missing", f"blob {digest}", "not in storage"))
            continue
        if sha256_hex(data) != digest:
            problems.append(
                Discrepancy(
                    tenant,
                    "blob_changed",
                    f"blob {digest}",
                    f"its bytes now hash to {sha256_hex(data)}",
                )
            )
        elif size is not None and len(data) != size:
            problems.append(
                Discrepancy(
                    tenant, "blob_changed", f"blob {digest}", f"{len(data)} bytes, recorded {size}"
                )
            )
    return len(expected), problems


async def verify_archive(
    runtime: Runtime,
    *,
    tenant_slug: str | None = None,
    checkpoint: tuple[Checkpoint, str] | None = None,
) -> VerifyReport:
    """Verify one tenant (by slug) or all. A checkpoint is checked against this installation's key,
    never against the key written in the file; it applies to its own tenant, or to the tenant
    named, which it must then be about. Verification is the operator's: it reads across tenants
    (the system scope)."""
    with system_scope():
        return await _verify_archive(runtime, tenant_slug, checkpoint)


async def _verify_archive(
    runtime: Runtime, tenant_slug: str | None, checkpoint: tuple[Checkpoint, str] | None
) -> VerifyReport:
    tenants = await select(TenantTable, "SELECT id, slug FROM tenant ORDER BY slug")
    if tenant_slug is not None:
        tenants = [t for t in tenants if t["slug"] == tenant_slug]
    totals = [0, 0, 0]
    problems: list[Discrepancy] = []
    trusted_key = signing_key(runtime.settings).public_key_b64() if checkpoint else ""
    if (
        checkpoint is not None
        and tenant_slug is None
        and not any(str(t["id"]) == checkpoint[0].tenant_id for t in tenants)
    ):
        problems.append(
            Discrepancy(
                checkpoint[0].tenant_id,
                "tenant_missing",
                "checkpoint",
                "the checkpoint is about a tenant this installation does not have",
            )
        )
    for tenant in tenants:
        tenant_id = str(tenant["id"])
        created: dict[str, dict[str, Any]] = {}
        # A named tenant is checked against the checkpoint whatever tenant it is about (so a
        # checkpoint of another tenant is reported, not trusted); otherwise it applies to its own.
        applies = checkpoint is not None and (
            tenant_slug is not None or checkpoint[0].tenant_id == tenant_id
        )
        trusted = (checkpoint[0], trusted_key) if checkpoint is not None and applies else None
        deleted: set[str] = set()
        events, chain_problems = await _verify_chain(tenant_id, trusted, created, deleted)
        versions, version_problems = await _verify_versions(tenant_id, created)
        blobs, blob_problems = await _verify_blobs(runtime, tenant_id, created, deleted)
        totals = [totals[0] + events, totals[1] + versions, totals[2] + blobs]
        problems += chain_problems + version_problems + blob_problems
    return VerifyReport(len(tenants), totals[0], totals[1], totals[2], problems)
