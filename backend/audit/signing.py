"""Making signed checkpoints of a tenant's audit chain and keeping them."""

from __future__ import annotations

from backend.audit.checkpoints import Checkpoint, SigningKey, sign_checkpoint
from backend.audit.merkle import MerkleAccumulator
from backend.audit.repository import PiccoloAuditRepository
from backend.audit.tables import AuditCheckpointTable
from backend.ids import new_id
from backend.runtime import Runtime

__all__ = ["make_checkpoint"]


async def make_checkpoint(runtime: Runtime, tenant_id: str, key: SigningKey) -> Checkpoint:
    """Sign the chain as it stands (head hash and Merkle root over every event) and store the
    checkpoint; the file made from it is what an auditor keeps elsewhere."""
    repo = PiccoloAuditRepository()
    accumulator = MerkleAccumulator()
    last_seq, head_hash = 0, ""
    async for batch in repo.chain(tenant_id):
        for event in batch:
            accumulator.add(event.hash)
            last_seq, head_hash = event.seq, event.hash
    checkpoint = sign_checkpoint(
        key,
        tenant_id=tenant_id,
        seq=last_seq,
        head_hash=head_hash or "0" * 64,
        merkle_root=accumulator.root(),
        signed_at=runtime.clock(),
    )
    async with runtime.database.write():
        await AuditCheckpointTable.insert(
            AuditCheckpointTable(
                id=new_id(),
                tenant=tenant_id,
                seq=checkpoint.seq,
                head_hash=checkpoint.head_hash,
                merkle_root=checkpoint.merkle_root,
                signed_at=checkpoint.signed_at,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
            )
        ).on_conflict(target=(AuditCheckpointTable.tenant, AuditCheckpointTable.seq))
    return checkpoint
