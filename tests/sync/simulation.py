"""Clients, a server and an in-memory transport whose delivery the test controls.

Messages travel as JSON bytes through :class:`Network`; the test delivers, drops, duplicates and
reorders them. A client's outbox, replica and cursors are durable (IndexedDB in the PWA); a crash
forgets only what was in flight: answers to requests sent before it are ignored (``epoch``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import msgspec

from sync.codec import decode_pull, decode_push, encode
from sync.entities import CLIENT_FIELDS, Entity, MutationKind
from sync.memory import MemoryStore, StoreCrash
from sync.protocol import (
    PROTOCOL_VERSION,
    ChangeOp,
    Mutation,
    Outcome,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)
from sync.pull import pull
from sync.push import push
from sync.store import Actor

Key = tuple[str, str]
"""(entity, entity id)"""

PUSH_BATCH = 4
PULL_LIMIT = 3


@dataclass
class Envelope:
    to_server: bool
    client: int
    epoch: int
    path: str  # "push" | "pull"
    body: bytes
    sent_cursors: dict[str, int] = field(default_factory=dict)
    sent_snapshots: dict[str, str] = field(default_factory=dict)


@dataclass
class Client:
    client_id: str
    actor: Actor
    wanted: tuple[str, ...]
    epoch: int = 0
    next_id: int = 1
    outbox: list[Mutation] = field(default_factory=list)
    replica: dict[Key, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)
    snapshots: dict[str, str] = field(default_factory=dict)
    """Per dossier whose snapshot is under way: the token for its next page."""
    pending_blobs: set[str] = field(default_factory=set)
    answered: dict[int, Outcome] = field(default_factory=dict)
    """The outcome the client saw for each of its mutations (not counting ``duplicate``)."""

    # -- making changes --------------------------------------------------------------------------
    def enqueue(self, **values: Any) -> Mutation:
        mutation = Mutation(id=self.next_id, device_time=None, **values)
        self.next_id += 1
        self.outbox.append(mutation)
        return mutation

    def view(self) -> dict[Key, tuple[str, dict[str, Any]]]:
        """What the screens show: the replica with the outbox applied on top (optimistic)."""
        shown = {key: (customer, dict(fields)) for key, (customer, fields) in self.replica.items()}
        for m in self.outbox:
            key = (m.entity.value, m.entity_id)
            if m.kind is MutationKind.CREATE and m.customer_id is not None:
                shown[key] = (m.customer_id, dict(m.patch))
            elif m.kind is MutationKind.UPDATE and key in shown:
                shown[key][1].update(m.patch)
            elif m.kind is MutationKind.DELETE:
                shown.pop(key, None)
        return shown

    def base_of(self, entity: Entity, fields: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if k in CLIENT_FIELDS[entity]}

    def new_blob(self, name: str) -> str:
        sha = hashlib.sha256(f"{self.client_id}/{name}".encode()).hexdigest()
        self.pending_blobs.add(sha)
        return sha

    # -- talking to the server -------------------------------------------------------------------
    def push_message(self, index: int) -> Envelope:
        request = PushRequest(
            client_id=self.client_id,
            protocol_version=PROTOCOL_VERSION,
            mutations=self.outbox[:PUSH_BATCH],
        )
        return Envelope(True, index, self.epoch, "push", encode(request))

    def pull_message(self, index: int) -> Envelope:
        cursors = {customer: self.cursors.get(customer, 0) for customer in self.wanted}
        snapshots = {c: t for c, t in self.snapshots.items() if cursors.get(c) == 0}
        request = PullRequest(
            client_id=self.client_id,
            protocol_version=PROTOCOL_VERSION,
            cursors=cursors,
            limit=PULL_LIMIT,
            snapshots=snapshots,
        )
        return Envelope(True, index, self.epoch, "pull", encode(request), cursors, snapshots)

    def on_push_answer(self, body: bytes) -> None:
        answer = msgspec.json.decode(body, type=PushResponse)
        for result in answer.results:
            if result.retry:
                continue
            self.outbox = [m for m in self.outbox if m.id != result.id]
            if result.outcome is not Outcome.DUPLICATE:
                self.answered[result.id] = result.outcome

    def on_pull_answer(self, body: bytes, sent: dict[str, int], tokens: dict[str, str]) -> bool:
        """Apply the answer's dossiers whose cursor (and snapshot token) is still the one sent;
        True if more waits. A snapshot that starts (cursor 0, no token) replaces the dossier."""
        answer = msgspec.json.decode(body, type=PullResponse)
        for customer, cursor in sent.items():
            token = tokens.get(customer)
            if self.cursors.get(customer, 0) != cursor or self.snapshots.get(customer) != token:
                continue  # a late answer to an older pull
            if cursor == 0 and token is None:
                self.replica = {k: v for k, v in self.replica.items() if v[0] != customer}
            for change in answer.changes.get(customer, []):
                key = (change.entity.value, change.entity_id)
                if change.op is ChangeOp.PUT:
                    self.replica[key] = (customer, dict(change.fields or {}))
                elif change.entity is Entity.CUSTOMER and change.op is ChangeOp.EVICT:
                    self.replica = {k: v for k, v in self.replica.items() if v[0] != customer}
                else:
                    self.replica.pop(key, None)
            if customer in answer.cursors:
                self.cursors[customer] = answer.cursors[customer]
            else:
                self.cursors.pop(customer, None)
            if customer in answer.snapshots:
                self.snapshots[customer] = answer.snapshots[customer]
            else:
                self.snapshots.pop(customer, None)
        return answer.has_more


@dataclass
class Server:
    store: MemoryStore
    clients: list[Client]
    now: dt.datetime

    async def handle(self, message: Envelope) -> Envelope | None:
        """The answer to a request, or None when the server crashed before committing."""
        actor = self.clients[message.client].actor
        try:
            if message.path == "push":
                body = encode(await push(self.store, actor, decode_push(message.body), self.now))
            else:
                body = encode(await pull(self.store, actor, decode_pull(message.body), self.now))
        except StoreCrash:
            return None
        return Envelope(
            False,
            message.client,
            message.epoch,
            message.path,
            body,
            message.sent_cursors,
            message.sent_snapshots,
        )


def deliver_to_client(client: Client, message: Envelope) -> bool:
    """Hand an answer to its client; True if it was a pull answer that says more is waiting."""
    if message.epoch != client.epoch:
        return False  # the client crashed after sending: it never sees this answer
    if message.path == "push":
        client.on_push_answer(message.body)
        return False
    return client.on_pull_answer(message.body, message.sent_cursors, message.sent_snapshots)
