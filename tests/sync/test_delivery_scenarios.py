"""Named delivery scenarios over the simulated transport: the orderings the state machine looks for,
pinned as plain tests so a regression shows by name."""

from __future__ import annotations

from sync.entities import Entity, MutationKind
from sync.memory import MemoryAccess, MemoryStore
from sync.protocol import Outcome
from sync.store import Target
from tests.sync.simulation import Client, Envelope, Server, deliver_to_client
from tests.sync.world import ANNA, BEN, NOW


async def _world() -> tuple[Server, Client, Client]:
    store = MemoryStore(MemoryAccess(dossiers={"anna": None, "ben": None}))
    async with store.transaction() as tx:
        await tx.write(Target(Entity.CUSTOMER, "c-a", "c-a"), {"name": "A"})
        await tx.write(Target(Entity.DOCUMENT, "d-1", "c-a"), {"title": "a", "status": "open"})
    anna, ben = Client("anna", ANNA, ("c-a",)), Client("ben", BEN, ("c-a",))
    server = Server(store, [anna, ben], NOW)
    for index, client in enumerate((anna, ben)):
        answer = await server.handle(client.pull_message(index))
        assert answer is not None
        deliver_to_client(client, answer)
    return server, anna, ben


def _title(client: Client, value: str) -> None:
    fields = client.view()[("document", "d-1")][1]
    client.enqueue(
        kind=MutationKind.UPDATE,
        entity=Entity.DOCUMENT,
        entity_id="d-1",
        base={"title": fields["title"]},
        patch={"title": value},
    )


async def _round_trip(server: Server, message: Envelope) -> Envelope:
    answer = await server.handle(message)
    assert answer is not None
    return answer


async def test_a_late_first_batch_after_the_second_is_applied_in_order() -> None:
    server, anna, _ = await _world()
    _title(anna, "b")
    first = anna.push_message(0)
    _title(anna, "c")
    # The first push is lost; the device retries with both, and the lost one turns up late.
    both = anna.push_message(0)
    deliver_to_client(anna, await _round_trip(server, both))
    late = await _round_trip(server, first)
    deliver_to_client(anna, late)
    assert anna.outbox == []
    assert anna.answered == {1: Outcome.APPLIED, 2: Outcome.APPLIED}
    fields = server.store.entities()[(Entity.DOCUMENT, "d-1")].fields
    assert fields["title"] == "c"


async def test_the_second_batch_first_is_out_of_order_and_waits() -> None:
    server, anna, _ = await _world()
    _title(anna, "b")
    _title(anna, "c")
    anna.outbox, held = anna.outbox[1:], anna.outbox[:1]
    second = anna.push_message(0)
    anna.outbox = held + anna.outbox
    deliver_to_client(anna, await _round_trip(server, second))
    assert [m.id for m in anna.outbox] == [1, 2]
    deliver_to_client(anna, await _round_trip(server, anna.push_message(0)))
    assert anna.outbox == []
    assert server.store.entities()[(Entity.DOCUMENT, "d-1")].fields["title"] == "c"


async def test_a_device_that_crashed_before_the_answer_hears_duplicate_and_converges() -> None:
    server, anna, _ = await _world()
    _title(anna, "b")
    lost = await _round_trip(server, anna.push_message(0))
    anna.epoch += 1
    deliver_to_client(anna, lost)  # ignored: sent before the crash
    assert len(anna.outbox) == 1
    deliver_to_client(anna, await _round_trip(server, anna.push_message(0)))
    assert anna.outbox == []
    assert anna.answered == {}  # it only heard "duplicate"
    assert len(server.store.audit_lines()) == 1
    deliver_to_client(anna, await _round_trip(server, anna.pull_message(0)))
    assert anna.replica[("document", "d-1")][1]["title"] == "b"


async def test_a_late_pull_answer_does_not_roll_a_dossier_back() -> None:
    server, anna, ben = await _world()
    stale = await _round_trip(server, anna.pull_message(0))  # nothing new, old cursor
    _title(ben, "b")
    deliver_to_client(ben, await _round_trip(server, ben.push_message(1)))
    deliver_to_client(anna, await _round_trip(server, anna.pull_message(0)))
    assert anna.replica[("document", "d-1")][1]["title"] == "b"
    cursor = anna.cursors["c-a"]
    deliver_to_client(anna, stale)
    assert anna.cursors["c-a"] == cursor
    assert anna.replica[("document", "d-1")][1]["title"] == "b"
