"""Property: several clients and the server over a transport that drops, duplicates, delays and
reorders messages, with clients that crash before they see an answer and a server that crashes
before it commits. After quiescence every replica equals what the server shows that device, every
mutation was decided exactly once (one audit line each), and every outcome a client saw is the one
the server recorded.

Profiles: ``sync`` (default here: derandomized, a few seconds) and ``sync-deep`` (random, longer),
chosen with ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections import Counter
from typing import Any

import msgspec
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sync.entities import WHOLE_ENTITY, Entity, MutationKind, lease_id
from sync.leases import lease_ended
from sync.memory import MemoryAccess, MemoryStore
from sync.protocol import Choice, Resolution
from sync.store import Actor, Target
from tests.sync.simulation import Client, Envelope, Key, Server, deliver_to_client

settings.register_profile(
    "sync",
    max_examples=20,
    stateful_step_count=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "sync-deep",
    max_examples=300,
    stateful_step_count=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "sync")
if PROFILE not in ("sync", "sync-deep"):
    PROFILE = "sync"

START = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
CUSTOMERS = ("c-a", "c-b")
TITLES = ("a", "b", "c")
AMOUNTS = (1, 2, None)
REGISTERS = ("orders", "offers")


async def _seed(store: MemoryStore) -> None:
    async with store.transaction() as tx:
        for customer in CUSTOMERS:
            await tx.write(Target(Entity.CUSTOMER, customer, customer), {"name": customer})
            await tx.write(
                Target(Entity.DOCUMENT, f"d-{customer}", customer),
                {"title": "a", "status": "open", "index_values": {"amount": 1, "note": "x"}},
            )


class SyncWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        access = MemoryAccess(dossiers={"anna": None, "ben": set(CUSTOMERS)})
        self.store = MemoryStore(access)
        self.loop.run_until_complete(_seed(self.store))
        anna, ben = ("anna", "Anna"), ("ben", "Ben")
        self.clients = [
            Client("anna-tablet", Actor(*anna, device="tablet"), CUSTOMERS),
            Client("ben-phone", Actor(*ben, device="phone"), CUSTOMERS),
            Client("anna-phone", Actor(*anna, device="phone"), CUSTOMERS),
        ]
        self.server = Server(self.store, self.clients, START)
        self.network: list[Envelope] = []
        self.serial = 0
        for index, client in enumerate(self.clients):  # each device starts with its dossiers
            while self._exchange(client.pull_message(index)):
                pass

    def teardown(self) -> None:
        try:
            self.settle_and_check()
        finally:
            self.loop.close()

    # -- changes made on devices -----------------------------------------------------------------
    def _documents(self, client: Client) -> list[tuple[Key, str, dict[str, Any]]]:
        return sorted(
            (key, customer, fields)
            for key, (customer, fields) in client.view().items()
            if key[0] == Entity.DOCUMENT.value
        )

    @rule(data=st.data(), who=st.integers(0, 2), field=st.sampled_from(["title", "amount"]))
    def edit_document(self, data: st.DataObject, who: int, field: str) -> None:
        client = self.clients[who]
        documents = self._documents(client)
        if not documents:
            return
        key, _, fields = data.draw(st.sampled_from(documents))
        if field == "title":
            base, patch = (
                {"title": fields.get("title")},
                {"title": data.draw(st.sampled_from(TITLES))},
            )
        else:
            values = dict(fields.get("index_values") or {})
            base = {"index_values": dict(values)}
            amount = data.draw(st.sampled_from(AMOUNTS))
            values.pop("amount", None)
            if amount is not None:
                values["amount"] = amount
            patch = {"index_values": values}
        if "title" not in fields and field == "title":
            base = {}
        client.enqueue(
            kind=MutationKind.UPDATE,
            entity=Entity.DOCUMENT,
            entity_id=key[1],
            base=base,
            patch=patch,
        )

    @rule(data=st.data(), first=st.integers(0, 2), second=st.integers(0, 2))
    def colleagues_edit_one_title_both_online(
        self, data: st.DataObject, first: int, second: int
    ) -> None:
        """Two devices change the same field differently and sync: the second gets a conflict."""
        shared = sorted(
            {key for key, _, _ in self._documents(self.clients[first])}
            & {key for key, _, _ in self._documents(self.clients[second])}
        )
        if first == second or not shared:
            return
        key = data.draw(st.sampled_from(shared))
        for who, title in ((first, "mine"), (second, "theirs")):
            client = self.clients[who]
            fields = client.view()[key][1]
            base = {"title": fields["title"]} if "title" in fields else {}
            client.enqueue(
                kind=MutationKind.UPDATE,
                entity=Entity.DOCUMENT,
                entity_id=key[1],
                base=base,
                patch={"title": f"{title}-{self.serial}"},
            )
        self.serial += 1
        self.good_signal(first)
        self.good_signal(second)

    @rule(who=st.integers(0, 2), customer=st.sampled_from(CUSTOMERS))
    def create_document(self, who: int, customer: str) -> None:
        client = self.clients[who]
        self.serial += 1
        document_id = f"d-{client.client_id}-{self.serial}"
        client.enqueue(
            kind=MutationKind.CREATE,
            entity=Entity.DOCUMENT,
            entity_id=document_id,
            customer_id=customer,
            patch={"title": "new", "status": "open", "file_name": "scan.jpg"},
            blob_sha256=client.new_blob(document_id),
        )

    @rule(data=st.data(), who=st.integers(0, 2))
    def delete_document(self, data: st.DataObject, who: int) -> None:
        client = self.clients[who]
        documents = self._documents(client)
        if documents:
            key, _, fields = data.draw(st.sampled_from(documents))
            base = client.base_of(Entity.DOCUMENT, fields)
            client.enqueue(
                kind=MutationKind.DELETE, entity=Entity.DOCUMENT, entity_id=key[1], base=base
            )

    @rule(data=st.data(), who=st.integers(0, 2))
    def add_version(self, data: st.DataObject, who: int) -> None:
        client = self.clients[who]
        documents = self._documents(client)
        if documents:
            key, customer, _ = data.draw(st.sampled_from(documents))
            self.serial += 1
            version_id = f"v-{client.client_id}-{self.serial}"
            client.enqueue(
                kind=MutationKind.CREATE,
                entity=Entity.VERSION,
                entity_id=version_id,
                customer_id=customer,
                patch={"document_id": key[1], "file_name": "page.jpg"},
                blob_sha256=client.new_blob(version_id),
            )

    @rule(data=st.data(), who=st.integers(0, 2), register=st.sampled_from(REGISTERS))
    def toggle_register(self, data: st.DataObject, who: int, register: str) -> None:
        client = self.clients[who]
        documents = self._documents(client)
        if not documents:
            return
        key, customer, _ = data.draw(st.sampled_from(documents))
        assignment = f"{key[1]}/{register}"
        shown = client.view().get((Entity.REGISTER_ASSIGNMENT.value, assignment))
        if shown is None:
            patch = {"document_id": key[1], "register_id": register}
            client.enqueue(
                kind=MutationKind.CREATE,
                entity=Entity.REGISTER_ASSIGNMENT,
                entity_id=assignment,
                customer_id=customer,
                patch=patch,
            )
        else:
            base = client.base_of(Entity.REGISTER_ASSIGNMENT, shown[1])
            client.enqueue(
                kind=MutationKind.DELETE,
                entity=Entity.REGISTER_ASSIGNMENT,
                entity_id=assignment,
                base=base,
            )

    @rule(data=st.data(), who=st.integers(0, 2))
    def view_document(self, data: st.DataObject, who: int) -> None:
        client = self.clients[who]
        documents = self._documents(client)
        if documents:
            key, _, _ = data.draw(st.sampled_from(documents))
            client.enqueue(kind=MutationKind.VIEW, entity=Entity.DOCUMENT, entity_id=key[1])

    @rule(data=st.data(), who=st.integers(0, 2))
    def resolve_conflict(self, data: st.DataObject, who: int) -> None:
        client = self.clients[who]
        resolving = {m.entity_id for m in client.outbox if m.kind is MutationKind.RESOLVE}
        open_ = sorted(
            (key[1], fields)
            for key, (_, fields) in client.replica.items()
            if key[0] == Entity.CONFLICT.value
            and fields.get("resolution") is None
            and key[1] not in resolving
        )
        if not open_:
            return
        conflict_id, fields = data.draw(st.sampled_from(open_))
        choices = [Choice.KEEP_MINE, Choice.KEEP_THEIRS]
        if fields["field"] != WHOLE_ENTITY:
            choices.append(Choice.NEW_VALUE)
        choice = data.draw(st.sampled_from(choices))
        value = "z" if choice is Choice.NEW_VALUE else msgspec.UNSET
        client.enqueue(
            kind=MutationKind.RESOLVE,
            entity=Entity.CONFLICT,
            entity_id=conflict_id,
            resolution=Resolution(choice=choice, value=value),
        )

    @rule(who=st.integers(0, 2), customer=st.sampled_from(CUSTOMERS), pin=st.booleans())
    def pin_or_unpin(self, who: int, customer: str, pin: bool) -> None:
        kind = MutationKind.CHECKOUT if pin else MutationKind.CHECKIN
        lease = 600 if pin else None
        self.clients[who].enqueue(
            kind=kind, entity=Entity.CUSTOMER, entity_id=customer, lease_seconds=lease
        )

    # -- the world around them -------------------------------------------------------------------
    @rule(minutes=st.integers(0, 15))
    def time_passes(self, minutes: int) -> None:
        self.server.now += dt.timedelta(minutes=minutes)

    @rule(grant=st.booleans())
    def ben_loses_or_regains_a_dossier(self, grant: bool) -> None:
        dossiers = self.store.access.dossiers["ben"]
        assert dossiers is not None
        (dossiers.add if grant else dossiers.discard)("c-b")

    @rule(who=st.integers(0, 2))
    def upload_a_blob(self, who: int) -> None:
        client = self.clients[who]
        if client.pending_blobs:
            sha = min(client.pending_blobs)
            client.pending_blobs.discard(sha)
            self.store.blobs.add(sha)

    @rule()
    def server_will_crash_before_commit(self) -> None:
        self.store.fail_commits = 1

    @rule(who=st.integers(0, 2))
    def client_crashes(self, who: int) -> None:
        self.clients[who].epoch += 1

    # -- the transport ---------------------------------------------------------------------------
    @rule(who=st.integers(0, 2), pulling=st.booleans())
    def send(self, who: int, pulling: bool) -> None:
        client = self.clients[who]
        if pulling:
            self.network.append(client.pull_message(who))
        elif client.outbox:
            self.network.append(client.push_message(who))

    @rule(who=st.integers(0, 2))
    def good_signal(self, who: int) -> None:
        """A reliable push and pull for one device, as when it is back in signal."""
        client = self.clients[who]
        if client.outbox:
            self._exchange(client.push_message(who))
        for _ in range(20):
            if not self._exchange(client.pull_message(who)):
                break

    @precondition(lambda self: bool(self.network))
    @rule(data=st.data(), fate=st.sampled_from(["deliver", "deliver", "drop", "duplicate"]))
    def transport(self, data: st.DataObject, fate: str) -> None:
        index = data.draw(st.integers(0, len(self.network) - 1))  # any message: reordering
        message = self.network[index]
        if fate == "duplicate":
            self.network.append(message)
            return
        del self.network[index]
        if fate == "deliver":
            self._deliver(message)

    def _deliver(self, message: Envelope) -> bool:
        if message.to_server:
            answer = self.loop.run_until_complete(self.server.handle(message))
            if answer is not None:
                self.network.append(answer)
            return False
        return deliver_to_client(self.clients[message.client], message)

    def _exchange(self, message: Envelope) -> bool:
        """A reliable round trip (the server may still crash before commit: then no answer)."""
        answer = self.loop.run_until_complete(self.server.handle(message))
        return answer is not None and deliver_to_client(self.clients[message.client], answer)

    # -- quiescence --------------------------------------------------------------------------------
    @invariant()
    def ledgers_never_run_ahead(self) -> None:
        for client in self.clients:
            assert self.store.ledger(client.client_id) < client.next_id

    def settle_and_check(self) -> None:
        self.network.clear()
        self.store.fail_commits = 0
        for index, client in enumerate(self.clients):
            self.store.blobs.update(client.pending_blobs)
            client.pending_blobs.clear()
            for _ in range(100):
                if not client.outbox:
                    break
                self._exchange(client.push_message(index))
            assert not client.outbox, f"{client.client_id} could not push {client.outbox}"
        for index, client in enumerate(self.clients):
            for _ in range(200):
                if not self._exchange(client.pull_message(index)):
                    break
        for client in self.clients:
            assert client.replica == self._server_view(client), client.client_id
        self._check_decided_once()

    def _server_view(self, client: Client) -> dict[Key, tuple[str, dict[str, Any]]]:
        user, device = client.actor.user_id, client.actor.device
        entities = self.store.entities()
        view: dict[Key, tuple[str, dict[str, Any]]] = {}
        for customer in client.wanted:
            if not self.store.access.allows(
                user, Target(Entity.CUSTOMER, customer, customer), None
            ):
                continue
            lease = entities.get((Entity.LEASE, lease_id(customer, user, device)))
            if lease is not None and lease_ended(lease.fields, self.server.now):
                continue
            for (entity, entity_id), state in entities.items():
                if state.target.customer_id == customer and not state.deleted:
                    view[(entity.value, entity_id)] = (customer, dict(state.fields))
            for record in self.store.conflicts().values():
                if record.customer_id == customer and record.by == user:
                    fields = msgspec.to_builtins(record)
                    view[(Entity.CONFLICT.value, record.id)] = (customer, fields)
        return view

    def _check_decided_once(self) -> None:
        lines = [line.entry.details for line in self.store.audit_lines()]
        decided = Counter((d["client_id"], d["mutation_id"]) for d in lines)
        outcomes = {(d["client_id"], d["mutation_id"]): d["outcome"] for d in lines}
        assert not [d for d in lines if d.get("code") == "invalid"], (
            "the simulation sends valid data"
        )
        for client in self.clients:
            assert self.store.ledger(client.client_id) == client.next_id - 1
            for mutation_id in range(1, client.next_id):
                assert decided[(client.client_id, mutation_id)] == 1, (
                    client.client_id,
                    mutation_id,
                )
            for mutation_id, outcome in client.answered.items():
                assert outcomes[(client.client_id, mutation_id)] == outcome.value
        numbers: dict[str, list[int]] = {}
        for (entity, _), state in self.store.entities().items():
            if entity is Entity.VERSION:
                numbers.setdefault(str(state.fields["document_id"]), []).append(
                    int(state.fields["number"])
                )
        for found in numbers.values():
            assert sorted(found) == list(range(1, len(found) + 1))


SyncWorld.TestCase.settings = settings.get_profile(PROFILE)
TestSyncConvergence = SyncWorld.TestCase
