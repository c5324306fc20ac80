"""A small world for the sync tests: an in-memory store with two dossiers and a document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sync.entities import Entity, MutationKind
from sync.memory import MemoryAccess, MemoryStore
from sync.protocol import PROTOCOL_VERSION, Mutation, PullRequest, PushRequest
from sync.store import Actor, Target

NOW = dt.datetime(2026, 11, 29, 8, 10, tzinfo=dt.UTC)
ANNA = Actor(user_id="anna", display_name="Anna", device="tablet")
BEN = Actor(user_id="ben", display_name="Ben", device="phone")
CUSTOMER = "c-1"
OTHER_CUSTOMER = "c-2"
DOCUMENT = "d-1"
SHA = "a" * 64

DOCUMENT_FIELDS: dict[str, Any] = {
    "title": "Offer 17",
    "status": "open",
    "document_date": "2026-11-01",
    "index_values": {"amount": 100, "project": "north"},
}


async def make_store() -> MemoryStore:
    store = MemoryStore(MemoryAccess(dossiers={"anna": None, "ben": {CUSTOMER}}))
    async with store.transaction() as tx:
        for customer in (CUSTOMER, OTHER_CUSTOMER):
            target = Target(Entity.CUSTOMER, customer, customer)
            await tx.write(target, {"name": f"Customer {customer}", "key_data": {"tier": "a"}})
        await tx.write(Target(Entity.DOCUMENT, DOCUMENT, CUSTOMER), DOCUMENT_FIELDS)
    return store


def mutation(
    id: int, kind: MutationKind, entity: Entity, entity_id: str, **values: Any
) -> Mutation:
    return Mutation(id=id, kind=kind, entity=entity, entity_id=entity_id, **values)


def update(id: int, base: dict[str, Any], patch: dict[str, Any], **values: Any) -> Mutation:
    return mutation(
        id, MutationKind.UPDATE, Entity.DOCUMENT, DOCUMENT, base=base, patch=patch, **values
    )


def push_request(client_id: str, *mutations: Mutation) -> PushRequest:
    return PushRequest(
        client_id=client_id, protocol_version=PROTOCOL_VERSION, mutations=list(mutations)
    )


def pull_request(
    client_id: str,
    cursors: dict[str, int],
    limit: int = 500,
    *,
    snapshots: dict[str, str] | None = None,
    version: int = PROTOCOL_VERSION,
) -> PullRequest:
    return PullRequest(
        client_id=client_id,
        protocol_version=version,
        cursors=cursors,
        limit=limit,
        snapshots=snapshots or {},
    )


FEED_VERSION = 1
"""A protocol 1 client: its pull from cursor 0 replays the whole feed (no snapshot)."""
