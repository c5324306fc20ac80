"""``verify_archive`` against a real, deliberately tampered archive (both engines).

Each test makes its own tenant with some activity and a signed checkpoint (serialised and parsed
back as a file would be), then plays an attacker with direct database or disk access and checks
what verification reports: exactly the expected discrepancies, and nothing for an untouched tenant.

Tampering touches only the test's own tenant. Rewriting append-only rows needs the triggers out of
the way: :func:`append_only_lifted` lifts them inside one write transaction, so the rest of the
session never sees them missing, and they come back on commit or rollback alike.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from backend.audit.chain import verify_chain
from backend.audit.checkpoints import (
    Checkpoint,
    SigningKey,
    checkpoint_from_json,
    checkpoint_to_json,
)
from backend.audit.events import AuditEvent, seal
from backend.audit.keys import DEVELOPMENT_KEY_FILE, signing_key
from backend.audit.repository import PiccoloAuditRepository
from backend.audit.service import details_json
from backend.audit.verification import verify_archive
from backend.customers.models import CustomerDraft
from backend.documents.models import NewContent, Version
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context, pdf_bytes, unique
from tests.owner import OwnerSql

#: The installation's key for this module; never written to disk.
KEY = SigningKey.generate()
CHAIN_KINDS = {"out_of_order", "hash_mismatch", "broken_link"}
#: What the drivers raise when a trigger refuses a change.
REFUSED = (sqlite3.IntegrityError, asyncpg.exceptions.RestrictViolationError)


def keyed(runtime: Runtime, key: SigningKey = KEY) -> Runtime:
    """The session's runtime with ``key`` as the configured audit signing key."""
    security = dataclasses.replace(runtime.settings.security, audit_signing_key=key.seed_b64())
    settings = dataclasses.replace(runtime.settings, security=security)
    return Runtime(
        settings=settings, database=runtime.database, blobs=runtime.blobs, clock=runtime.clock
    )


@asynccontextmanager
async def append_only_lifted(owner: OwnerSql, table: str) -> AsyncIterator[None]:
    """Lift the append-only triggers of ``table`` for the statements run in the block.

    Everything runs in one write transaction (statements in the block join it): DDL is
    transactional on both engines, so other connections never see the triggers missing, and a
    failing block rolls back to the triggers as they were. On success the triggers are restored
    exactly as the migration made them before the transaction commits."""
    if owner.is_postgres:
        lift = [f"ALTER TABLE {table} DISABLE TRIGGER USER"]
        restore = [f"ALTER TABLE {table} ENABLE TRIGGER USER"]
    else:
        lift = [f"DROP TRIGGER {table}_no_{event.lower()}" for event in ("UPDATE", "DELETE")]
        restore = [
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are append-only'); END"
            for event in ("UPDATE", "DELETE")
        ]
    async with owner.transaction():
        for statement in lift:
            await owner.fetch(statement)
        yield
        for statement in restore:
            await owner.fetch(statement)


@dataclass
class Scene:
    """A tenant with activity, its chain as made, and a checkpoint file of that chain."""

    runtime: Runtime
    ctx: TenantContext
    versions: list[Version]
    events: list[AuditEvent]
    checkpoint_file: str
    _owner: OwnerSql | None = None

    @property
    def tenant_id(self) -> str:
        return self.ctx.tenant.id

    def seq_of(self, action: str) -> int:
        return next(e.seq for e in self.events if e.action == action)

    @property
    def owner(self) -> OwnerSql:
        if self._owner is None:
            self._owner = OwnerSql(self.runtime)
        return self._owner

    async def sql(self, statement: str, *args: Any) -> list[dict[str, Any]]:
        """As someone with direct database access (the owner, behind no wall)."""
        return await self.owner.fetch(statement, *args)

    async def problems(
        self, *, checkpoint: bool = True, checkpoint_file: str | None = None
    ) -> list[tuple[str, str]]:
        """What ``verify_archive`` reports for this tenant, as ``(kind, where)``."""
        parsed = None
        if checkpoint:
            parsed = checkpoint_from_json(checkpoint_file or self.checkpoint_file)
        report = await verify_archive(
            self.runtime, tenant_slug=self.ctx.tenant.slug, checkpoint=parsed
        )
        assert {p.tenant for p in report.problems} <= {self.tenant_id}
        assert report.clean == (not report.problems)
        return [(p.kind, p.where) for p in report.problems]

    async def both(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Problems without, then with the checkpoint."""
        return await self.problems(checkpoint=False), await self.problems()


async def chain_of(tenant_id: str) -> list[AuditEvent]:
    return [e async for batch in PiccoloAuditRepository().chain(tenant_id) for e in batch]


async def sign(runtime: Runtime, tenant_id: str, key: SigningKey) -> Checkpoint:
    """Make and keep a checkpoint, as ``dossier checkpoint`` does."""
    return await runtime.services().audit.checkpoint(tenant_id, key)


async def checkpoint_file(runtime: Runtime, tenant_id: str, key: SigningKey | None = None) -> str:
    """The text of a checkpoint file of the tenant's chain as it stands."""
    key = key or signing_key(runtime.settings)
    made = await sign(runtime, tenant_id, key)
    return checkpoint_to_json(made, key.public_key_b64())


async def make_scene(runtime: Runtime) -> Scene:
    """Upload, new version, customer change, then a view and a download (the tail of the chain
    holds no version facts, so cutting it off leaves every version recorded)."""
    ctx = await make_tenant_context(runtime)
    services = runtime.services()
    customer = await ctx.customer()
    document = await ctx.document(customer)
    await services.documents.add_version(
        ctx.principal, document.id, NewContent("zwei.pdf", pdf_bytes(unique("v2")))
    )
    await services.customers.update(ctx.principal, customer.id, CustomerDraft(name="Neu GmbH"))
    await services.documents.view(ctx.principal, document.id)
    versions = (await services.documents.versions_of(ctx.principal, [document.id]))[0]
    await services.documents.content(ctx.principal, versions[1].id)
    text = await checkpoint_file(runtime, ctx.tenant.id)
    return Scene(runtime, ctx, versions, await chain_of(ctx.tenant.id), text)


@pytest.fixture(scope="module", autouse=True)
def no_development_key_file(runtime: Runtime) -> Iterator[None]:
    """These tests configure their key: none may fall back to making a key file."""
    path = Path(runtime.settings.data_dir) / DEVELOPMENT_KEY_FILE
    existed = path.exists()
    yield
    assert path.exists() == existed, f"{path} was created by a test"


@pytest.fixture
async def scene(runtime: Runtime) -> Scene:
    return await make_scene(keyed(runtime))


async def rewrite(scene: Scene, event: AuditEvent) -> None:
    """Store ``event`` (content and hashes) over the row with its seq."""
    await scene.sql(
        "UPDATE audit_event SET details = {}, prev_hash = {}, hash = {} "
        "WHERE tenant = {} AND seq = {}",
        details_json(event.details),
        event.prev_hash,
        event.hash,
        scene.tenant_id,
        event.seq,
    )


async def forge_from(scene: Scene, seq: int, details: dict[str, Any]) -> None:
    """Give event ``seq`` new details and re-seal it and every later event consistently, as an
    attacker without the signing key would; the head row follows."""
    prev = scene.events[seq - 2].hash
    for event in scene.events[seq - 1 :]:
        forged = seal(
            tenant_id=event.tenant_id,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            device=event.device,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            details=details if event.seq == seq else event.details,
            prev_hash=prev,
        )
        await rewrite(scene, forged)
        prev = forged.hash
    await scene.sql("UPDATE audit_head SET hash = {} WHERE tenant = {}", prev, scene.tenant_id)


# -- the helper itself ---------------------------------------------------------------------------


async def test_lifting_the_triggers_is_scoped_and_they_come_back(scene: Scene) -> None:
    change = "UPDATE document_version SET comment = {} WHERE tenant = {}"

    async def comments() -> set[str]:
        query = "SELECT comment FROM document_version WHERE tenant = {}"
        return {r["comment"] for r in await scene.sql(query, scene.tenant_id)}

    async def assert_append_only() -> None:
        for table in ("audit_event", "document_version"):
            with pytest.raises(REFUSED, match="append-only"):
                await scene.sql(f"DELETE FROM {table} WHERE tenant = {{}}", scene.tenant_id)  # noqa: S608

    class Boom(Exception):
        pass

    async def change_then_fail() -> None:
        async with append_only_lifted(scene.owner, "document_version"):
            await scene.sql(change, "changed", scene.tenant_id)
            assert await comments() == {"changed"}
            raise Boom

    with pytest.raises(Boom):
        await change_then_fail()
    assert await comments() == {""}  # rolled back, triggers included
    await assert_append_only()
    async with append_only_lifted(scene.owner, "document_version"):
        await scene.sql(change, "changed", scene.tenant_id)
    assert await comments() == {"changed"}
    await assert_append_only()


# -- no false alarms -----------------------------------------------------------------------------


async def test_an_untouched_tenant_is_clean_with_and_without_its_checkpoint(scene: Scene) -> None:
    assert await scene.both() == ([], [])
    # the chain grows past the checkpoint: the old checkpoint still holds
    services = scene.runtime.services()
    await services.documents.view(scene.ctx.principal, scene.versions[0].document_id)
    await scene.ctx.document(await scene.ctx.customer())
    assert await scene.both() == ([], [])
    fresh = await checkpoint_file(scene.runtime, scene.tenant_id)
    assert await scene.problems(checkpoint_file=fresh) == []


async def test_tampering_with_one_tenant_leaves_another_clean(
    runtime: Runtime, scene: Scene
) -> None:
    other = await make_scene(keyed(runtime))
    path = blob_path(other, other.versions[0].sha256)
    path.write_bytes(b"not the original")
    assert await scene.both() == ([], [])
    assert await other.problems() == [("blob_changed", f"blob {other.versions[0].sha256}")]


# -- content and version rows --------------------------------------------------------------------


def blob_path(scene: Scene, sha256: str) -> Path:
    root = scene.runtime.settings.blobs.root
    return root / scene.tenant_id / sha256[:2] / sha256[2:4] / sha256


async def test_a_flipped_byte_in_a_blob_file_is_blob_changed(scene: Scene) -> None:
    sha = scene.versions[0].sha256
    path = blob_path(scene, sha)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    expected = [("blob_changed", f"blob {sha}")]
    assert await scene.both() == (expected, expected)


async def test_a_missing_blob_file_is_blob_missing(scene: Scene) -> None:
    sha = scene.versions[1].sha256
    blob_path(scene, sha).unlink()
    expected = [("blob_missing", f"blob {sha}")]
    assert await scene.both() == (expected, expected)


async def test_a_changed_version_row_is_version_changed(scene: Scene) -> None:
    version = scene.versions[0]
    async with append_only_lifted(scene.owner, "document_version"):
        await scene.sql(
            "UPDATE document_version SET filename = {} WHERE id = {} AND tenant = {}",
            "harmless.pdf",
            uuid.UUID(version.id),
            scene.tenant_id,
        )
    expected = [("version_changed", f"version {version.id}")]
    assert await scene.both() == (expected, expected)
    report = await verify_archive(scene.runtime, tenant_slug=scene.ctx.tenant.slug)
    assert "filename is 'harmless.pdf'" in report.problems[0].detail


async def test_a_version_row_without_a_creation_event_is_unrecorded(scene: Scene) -> None:
    version = scene.versions[0]
    rogue = str(uuid.uuid4())
    await scene.sql(
        "INSERT INTO document_version (id, tenant, document, number, sha256, size, mime_type, "
        "filename, comment, created_at, created_by) "
        "SELECT {}, tenant, document, 9, sha256, size, mime_type, filename, comment, "
        "created_at, created_by FROM document_version WHERE id = {}",
        uuid.UUID(rogue),
        uuid.UUID(version.id),
    )
    expected = [("unrecorded_version", f"version {rogue}")]
    assert await scene.both() == (expected, expected)


async def test_a_deleted_version_row_is_reported(scene: Scene) -> None:
    """A version whose creation the trail records but whose row is gone must not pass."""
    version = scene.versions[1]
    async with append_only_lifted(scene.owner, "document_version"):
        # What hangs on the row goes first: its preview and its text.
        await scene.sql("DELETE FROM version_preview WHERE version = {}", uuid.UUID(version.id))
        await scene.sql("DELETE FROM version_text WHERE version = {}", uuid.UUID(version.id))
        await scene.sql(
            "DELETE FROM document_version WHERE id = {} AND tenant = {}",
            uuid.UUID(version.id),
            scene.tenant_id,
        )
    without, with_checkpoint = await scene.both()
    assert without, "a deleted document version went unnoticed"
    assert with_checkpoint


async def test_content_replaced_behind_a_deleted_blob_row_is_reported(scene: Scene) -> None:
    """The blob table is not append-only; the versions still name the content they hold."""
    sha = scene.versions[0].sha256
    await scene.sql("DELETE FROM blob WHERE tenant = {} AND sha256 = {}", scene.tenant_id, sha)
    blob_path(scene, sha).write_bytes(b"%PDF-1.4 forged")
    without, with_checkpoint = await scene.both()
    assert without, "content of a document version was replaced unnoticed"
    assert with_checkpoint


# -- the audit chain -----------------------------------------------------------------------------


async def test_changed_details_are_a_hash_mismatch(scene: Scene) -> None:
    k = scene.seq_of("customer.update")
    async with append_only_lifted(scene.owner, "audit_event"):
        await scene.sql(
            "UPDATE audit_event SET details = {} WHERE tenant = {} AND seq = {}",
            details_json({"revision": 2, "changes": []}),
            scene.tenant_id,
            k,
        )
    expected = [("hash_mismatch", f"audit event {k}")]
    assert await scene.both() == (expected, expected)


async def test_a_deleted_middle_row_is_missing_events_and_a_head_mismatch(scene: Scene) -> None:
    k = scene.seq_of("customer.update")
    async with append_only_lifted(scene.owner, "audit_event"):
        await scene.sql(
            "DELETE FROM audit_event WHERE tenant = {} AND seq = {}", scene.tenant_id, k
        )
    without, with_checkpoint = await scene.both()
    assert without == [("missing_events", f"audit event {k}"), ("head_mismatch", "audit head")]
    assert set(without) <= set(with_checkpoint)


async def test_swapped_sequence_numbers_are_reported_at_both_events(scene: Scene) -> None:
    j, k = scene.seq_of("customer.create"), scene.seq_of("customer.update")
    assert 1 < j < k < len(scene.events)
    move = "UPDATE audit_event SET seq = {} WHERE tenant = {} AND seq = {}"
    async with append_only_lifted(scene.owner, "audit_event"):
        # (tenant, seq) is unique: swap through a free number
        await scene.sql(move, -1, scene.tenant_id, j)
        await scene.sql(move, j, scene.tenant_id, k)
        await scene.sql(move, k, scene.tenant_id, -1)
    for problems in await scene.both():
        chain = [(kind, where) for kind, where in problems if kind in CHAIN_KINDS]
        assert {where for _, where in chain} >= {f"audit event {j}", f"audit event {k}"}
        assert {kind for kind, _ in problems} <= CHAIN_KINDS | {"checkpoint_root_mismatch"}


async def test_a_cut_off_tail_needs_the_checkpoint_to_be_seen(scene: Scene) -> None:
    n = len(scene.events)
    assert [e.action for e in scene.events[-2:]] == ["document.view", "document.download"]
    async with append_only_lifted(scene.owner, "audit_event"):
        await scene.sql(
            "DELETE FROM audit_event WHERE tenant = {} AND seq > {}", scene.tenant_id, n - 2
        )
        # a careful attacker moves the head back as well
        await scene.sql(
            "UPDATE audit_head SET seq = {}, hash = {} WHERE tenant = {}",
            n - 2,
            scene.events[n - 3].hash,
            scene.tenant_id,
        )
    without, with_checkpoint = await scene.both()
    assert without == []  # a shorter chain is still a valid chain
    assert with_checkpoint == [("truncated", f"audit event {n}")]


async def test_a_rehashed_forgery_passes_the_chain_but_not_the_checkpoint(scene: Scene) -> None:
    k = scene.seq_of("customer.update")
    n = len(scene.events)
    async with append_only_lifted(scene.owner, "audit_event"):
        await forge_from(scene, k, {"revision": 2, "changes": [], "note": "nothing happened"})
    forged = await chain_of(scene.tenant_id)
    assert forged[k - 1].details["note"] == "nothing happened"
    assert verify_chain(forged, tenant_id=scene.tenant_id) == []
    without, with_checkpoint = await scene.both()
    assert without == []
    assert with_checkpoint == [
        ("checkpoint_head_mismatch", f"audit event {n}"),
        ("checkpoint_root_mismatch", f"audit event {n}"),
    ]


async def test_a_swapped_version_with_a_forged_creation_event_is_caught_by_the_checkpoint(
    scene: Scene,
) -> None:
    """The full attack: change a version row and re-seal the chain to match it."""
    version = scene.versions[1]
    k = scene.seq_of("document.version_add")
    details = dict(scene.events[k - 1].details)
    details["version"] = {**details["version"], "filename": "forged.pdf"}
    async with append_only_lifted(scene.owner, "document_version"):
        await scene.sql(
            "UPDATE document_version SET filename = {} WHERE id = {}",
            "forged.pdf",
            uuid.UUID(version.id),
        )
    async with append_only_lifted(scene.owner, "audit_event"):
        await forge_from(scene, k, details)
    without, with_checkpoint = await scene.both()
    assert without == []
    assert {kind for kind, _ in with_checkpoint} == {
        "checkpoint_head_mismatch",
        "checkpoint_root_mismatch",
    }


# -- the checkpoint file -------------------------------------------------------------------------


async def test_a_checkpoint_signed_by_another_key_is_a_bad_signature(scene: Scene) -> None:
    impostor = SigningKey.generate()
    forged = await checkpoint_file(scene.runtime, scene.tenant_id, impostor)
    # the file names the impostor's key; trust comes from the installation's key only
    assert checkpoint_from_json(forged)[1] == impostor.public_key_b64()
    assert await scene.problems(checkpoint_file=forged) == [("bad_signature", "audit chain")]


async def test_an_edited_checkpoint_file_is_a_bad_signature(scene: Scene) -> None:
    edited = scene.checkpoint_file.replace(
        f'"seq": {len(scene.events)}', f'"seq": {len(scene.events) - 1}'
    )
    assert edited != scene.checkpoint_file
    problems = await scene.problems(checkpoint_file=edited)
    assert ("bad_signature", "audit chain") in problems


async def test_verifying_with_another_installations_key_is_a_bad_signature(
    runtime: Runtime, scene: Scene
) -> None:
    elsewhere = keyed(runtime, SigningKey.generate())
    report = await verify_archive(
        elsewhere,
        tenant_slug=scene.ctx.tenant.slug,
        checkpoint=checkpoint_from_json(scene.checkpoint_file),
    )
    assert [(p.kind, p.where) for p in report.problems] == [("bad_signature", "audit chain")]


async def test_a_checkpoint_of_another_tenant_does_not_vouch_for_this_one(
    runtime: Runtime, scene: Scene
) -> None:
    """Asked about tenant A with B's checkpoint, verification must not answer for B alone:
    either A is verified (and its tampering found) or the mismatch is reported."""
    other = await make_scene(keyed(runtime))
    sha = scene.versions[0].sha256
    blob_path(scene, sha).write_bytes(b"tampered")
    report = await verify_archive(
        scene.runtime,
        tenant_slug=scene.ctx.tenant.slug,
        checkpoint=checkpoint_from_json(other.checkpoint_file),
    )
    assert not report.clean, (
        f"tenant {scene.ctx.tenant.slug} (tampered) reported clean: verified "
        f"{report.tenants} tenant(s) with {report.events} events, those of the checkpoint's tenant"
    )
