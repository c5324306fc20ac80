"""Proving that one audit event is part of a signed checkpoint (RFC 6962 inclusion proof).

An auditor who keeps a checkpoint file can ask for the proof of one event: the event as stored,
and the sibling hashes that lead from its hash to the checkpoint's Merkle root. Anyone holding the
checkpoint can check it without the rest of the chain.
"""

from __future__ import annotations

from typing import Any

from backend.audit.checkpoints import Checkpoint
from backend.audit.events import format_utc
from backend.audit.merkle import inclusion_proof, verify_inclusion
from backend.audit.repository import PiccoloAuditRepository
from backend.errors import NotFound, ValidationFailed

__all__ = ["prove_event"]


async def prove_event(checkpoint: Checkpoint, seq: int) -> dict[str, Any]:
    """The inclusion proof of event ``seq`` in ``checkpoint``; raises if the stored chain no longer
    leads to the checkpoint's root (then ``dossier verify`` says why)."""
    if not 1 <= seq <= checkpoint.seq:
        raise ValidationFailed.one(
            "seq", "out_of_range", f"the checkpoint covers events 1 to {checkpoint.seq}"
        )
    leaves: list[str] = []
    target = None
    async for batch in PiccoloAuditRepository().chain(checkpoint.tenant_id):
        for event in batch:
            if event.seq <= checkpoint.seq:
                leaves.append(event.hash)
            if event.seq == seq:
                target = event
        if batch[-1].seq >= checkpoint.seq:
            break
    if target is None:
        raise NotFound("audit event", seq)
    proof = inclusion_proof(leaves, seq - 1)
    if len(leaves) != checkpoint.seq or not verify_inclusion(
        target.hash, seq - 1, checkpoint.seq, proof, checkpoint.merkle_root
    ):
        raise ValidationFailed.one(
            "checkpoint", "not_provable", "the stored chain does not lead to the checkpoint's root"
        )
    return {
        "tenant_id": checkpoint.tenant_id,
        "tree_size": checkpoint.seq,
        "merkle_root": checkpoint.merkle_root,
        "leaf_index": seq - 1,
        "event": {
            "seq": target.seq,
            "occurred_at": format_utc(target.occurred_at),
            "actor_id": target.actor_id,
            "device": target.device,
            "action": target.action,
            "target_type": target.target_type,
            "target_id": target.target_id,
            "details": dict(target.details),
            "prev_hash": target.prev_hash,
            "hash": target.hash,
        },
        "audit_path": proof,
    }
