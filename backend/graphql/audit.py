"""GraphQL for the audit trail: of a document, a customer's dossier, a user, or the tenant."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from backend.access.policy import Action, can
from backend.audit.checkpoints import Checkpoint, SigningKey, checkpoint_to_json
from backend.audit.events import AuditEvent
from backend.audit.keys import signing_key
from backend.errors import Forbidden, ValidationFailed
from backend.graphql.accounts import UserNode
from backend.graphql.context import Info
from backend.graphql.customers import PageInfo
from backend.ids import parse_id

__all__ = ["AuditCheckpointQuery", "AuditMutation", "AuditQuery"]


@strawberry.enum(name="AuditTarget")
class AuditTargetEnum(Enum):
    DOCUMENT = "document"
    DOSSIER = "dossier"
    CUSTOMER = "customer"
    USER = "user"
    TENANT = "tenant"


@strawberry.type(name="AuditEvent", description="One link of the tenant's hash chain.")
class AuditEventNode:
    seq: int
    occurred_at: dt.datetime
    actor: UserNode | None
    device: str
    action: str
    target_type: str
    target_id: str
    details: JSON
    prev_hash: str
    hash: str


@strawberry.type
class AuditConnection:
    items: list[AuditEventNode]
    page_info: PageInfo


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Newest first; needs the audit right.")
    async def audit_trail(
        self,
        info: Info,
        target: AuditTargetEnum | None = None,
        target_id: strawberry.ID | None = None,
        actor_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> AuditConnection:
        ctx = info.context
        if (target is None) != (target_id is None):
            raise ValidationFailed.one("targetId", "required", "give target and targetId together")
        before = None
        if after is not None:
            if not after.isdigit():
                raise ValidationFailed.one("after", "invalid_cursor", "not a cursor from this API")
            before = int(after)
        events = await ctx.services.audit.trail(
            ctx.principal,
            target=None if target is None else (target.value, parse_id(target.value, target_id)),
            actor_id=parse_id("user", actor_id) if actor_id else None,
            before_seq=before,
            limit=first + 1,
        )
        page = events[:first]
        users = await ctx.loaders.users.load_many(sorted({e.actor_id for e in page if e.actor_id}))
        by_id = {u.id: UserNode.of(u) for u in users if u is not None}
        return AuditConnection(
            items=[_node(e, by_id) for e in page],
            page_info=PageInfo(
                has_next_page=len(events) > first,
                end_cursor=str(page[-1].seq) if len(events) > first else None,
            ),
        )


def _node(event: AuditEvent, users: dict[str, UserNode]) -> AuditEventNode:
    return AuditEventNode(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=users.get(event.actor_id) if event.actor_id else None,
        device=event.device,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        details=JSON(dict(event.details)),
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


@strawberry.type(name="AuditCheckpoint", description="A signed statement of the chain's state.")
class AuditCheckpointNode:
    seq: int
    head_hash: str
    merkle_root: str
    signed_at: dt.datetime
    key_id: str
    file: str | None = strawberry.field(
        description="The checkpoint file to keep outside Dossier (null: signed with a key this "
        "installation no longer holds)."
    )


def _checkpoint_node(checkpoint: Checkpoint, key: SigningKey) -> AuditCheckpointNode:
    return AuditCheckpointNode(
        seq=checkpoint.seq,
        head_hash=checkpoint.head_hash,
        merkle_root=checkpoint.merkle_root,
        signed_at=checkpoint.signed_at,
        key_id=checkpoint.key_id,
        file=checkpoint_to_json(checkpoint, key.public_key_b64())
        if checkpoint.key_id == key.key_id
        else None,
    )


@strawberry.type
class AuditCheckpointQuery:
    @strawberry.field(description="Kept checkpoints of the tenant, newest first (audit right).")
    async def audit_checkpoints(self, info: Info, first: int = 20) -> list[AuditCheckpointNode]:
        ctx = info.context
        key = signing_key(ctx.settings)
        found = await ctx.services.audit.checkpoints(ctx.principal, first)
        return [_checkpoint_node(c, key) for c in found]


@strawberry.type
class AuditMutation:
    @strawberry.mutation(description="Sign the audit chain of the tenant now (audit right).")
    async def create_audit_checkpoint(self, info: Info) -> AuditCheckpointNode:
        ctx = info.context
        if not can(ctx.principal, Action.AUDIT):
            raise Forbidden("checkpoints need the audit right")
        key = signing_key(ctx.settings)
        checkpoint = await ctx.services.audit.checkpoint(ctx.principal.tenant_id, key)
        return _checkpoint_node(checkpoint, key)
