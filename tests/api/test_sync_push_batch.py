"""A push batch over the Piccolo store is one unit of work: documents read once, their changes
written together at its end (docs/adr/0028), and still every guarantee of one mutation at a
time: order, merges, refusals that leave nothing, history, search, audit chain, feed, ledger
(both engines)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from backend.audit.chain import verify_chain
from backend.audit.repository import PiccoloAuditRepository
from backend.documents.models import Document
from backend.offline.store import PiccoloSyncStore
from backend.persistence.engines import count_statements
from backend.persistence.scope import tenant_scope
from sync.entities import Entity, MutationKind
from sync.protocol import PROTOCOL_VERSION, Mutation, Outcome, PushRequest
from sync.push import push
from sync.store import Actor
from tests.api.conftest import Api
from tests.api.test_sync_api import Client


async def _rows(api: Api, sql: str, *args: Any) -> list[dict[str, Any]]:
    with tenant_scope(api.ctx.tenant.id):
        return await api.ctx.runtime.database.fetch(sql, *args)


async def _history(api: Api, document_id: str) -> list[tuple[int, str]]:
    rows = await _rows(
        api,
        "SELECT revision, field FROM document_history WHERE tenant = {} AND document = {} "
        "ORDER BY revision, field",
        api.ctx.tenant.id,
        document_id,
    )
    return [(int(r["revision"]), str(r["field"])) for r in rows]


async def _searched_title(api: Api, document_id: str) -> str:
    [row] = await _rows(api, "SELECT title FROM search_entry WHERE document = {}", document_id)
    return str(row["title"])


async def _chain_is_clean(api: Api) -> None:
    tenant_id = api.ctx.tenant.id
    events = [e async for batch in PiccoloAuditRepository().chain(tenant_id) for e in batch]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert verify_chain(events, tenant_id=tenant_id) == []
    assert await PiccoloAuditRepository().head(tenant_id) == (len(events), events[-1].hash)


async def _audit_lines(api: Api, target_id: str) -> list[tuple[str, int | None, dict[str, Any]]]:
    """Each line's action, revision and push details (client and device left out)."""
    rows = await _rows(
        api,
        "SELECT action, details FROM audit_event WHERE tenant = {} AND target_id = {} ORDER BY seq",
        api.ctx.tenant.id,
        target_id,
    )
    lines = []
    for row in rows:
        details = json.loads(row["details"])
        sync = details.get("sync", details) if row["action"] != "document.create" else {}
        pushed = {k: v for k, v in sync.items() if k in ("mutation_id", "outcome", "code")}
        lines.append((str(row["action"]), details.get("revision"), pushed))
    return lines


def _title(client: Client, document: Document | str, old: str, new: str) -> dict[str, Any]:
    document_id = document if isinstance(document, str) else document.id
    return client.mutation(
        "update", "document", document_id, base={"title": old}, patch={"title": new}
    )


async def test_mutations_of_one_document_in_a_batch_apply_in_order(api: Api) -> None:
    customer = await api.ctx.customer()
    document = await api.ctx.document(customer)
    r = document.revision
    client = Client(api)
    results = await client.push(
        _title(client, document, document.title, "First"),
        client.mutation(
            "update",
            "document",
            document.id,
            base={"status": "active"},
            patch={"status": "archived"},
        ),
        _title(client, document, "First", "Second"),
        # Made on the state the device had before the batch: "Second" is what it finds.
        _title(client, document, document.title, "Mine"),
    )
    assert [(x["outcome"], x["revision"]) for x in results] == [
        ("applied", r + 1),
        ("applied", r + 2),
        ("applied", r + 3),
        ("conflict", r + 3),
    ]
    current = await api.ctx.runtime.services().documents.get(api.ctx.principal, document.id)
    assert (current.title, current.status, current.revision) == ("Second", "archived", r + 3)
    assert [h for h in await _history(api, document.id) if h[0] > r] == [
        (r + 1, "title"),
        (r + 2, "status"),
        (r + 3, "title"),
    ]
    assert await _searched_title(api, document.id) == "Second"
    # One line per mutation (docs/adr/0035): an applied edit's line carries the push's details,
    # the conflict, which changed nothing, has a line of its own.
    lines = await _audit_lines(api, document.id)
    assert [(action, sync) for action, _, sync in lines[-4:]] == [
        ("document.update", {"mutation_id": 1, "outcome": "applied"}),
        ("document.update", {"mutation_id": 2, "outcome": "applied"}),
        ("document.update", {"mutation_id": 3, "outcome": "applied"}),
        ("sync.update", {"mutation_id": 4, "outcome": "conflict"}),
    ]
    assert [revision for _, revision, _ in lines[-4:-1]] == [r + 1, r + 2, r + 3]
    await _chain_is_clean(api)
    pulled = await client.pull({customer.id: 0})
    changes = [c for c in pulled["changes"][customer.id] if c["entity"] == "document"]
    assert len(changes) == 4, "the create and one change per applied edit"
    assert changes[-1]["fields"]["title"] == "Second"
    assert [c["entity"] for c in pulled["changes"][customer.id]].count("conflict") == 1


async def test_a_refused_mutation_in_the_middle_stages_nothing_and_the_rest_applies(
    api: Api,
) -> None:
    customer = await api.ctx.customer()
    one = await api.ctx.document(customer, "invoice")
    two = await api.ctx.document(customer)
    client = Client(api)
    results = await client.push(
        _title(client, one, one.title, "One"),
        client.mutation(
            "update",
            "document",
            one.id,
            base={"index_values": one.index_values},
            patch={"index_values": {**one.index_values, "amount": "not money"}},
        ),
        _title(client, two, two.title, "   "),
        _title(client, two, two.title, "Two"),
        client.mutation(
            "update", "document", one.id, base={"status": "active"}, patch={"status": "draft"}
        ),
    )
    assert [(x["outcome"], x["code"]) for x in results] == [
        ("applied", None),
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("applied", None),
        ("applied", None),
    ]
    services = api.ctx.runtime.services()
    first = await services.documents.get(api.ctx.principal, one.id)
    second = await services.documents.get(api.ctx.principal, two.id)
    assert (first.title, first.status, first.index_values) == ("One", "draft", one.index_values)
    assert (first.revision, second.revision) == (one.revision + 2, two.revision + 1)
    assert second.title == "Two"
    assert [h for h in await _history(api, one.id) if h[0] > one.revision] == [
        (one.revision + 1, "title"),
        (one.revision + 2, "status"),
    ]
    # The refusal's line (its outcome in the details), then the edit's one.
    assert [(action, sync) for action, _, sync in (await _audit_lines(api, two.id))[-2:]] == [
        ("sync.update", {"mutation_id": 3, "outcome": "rejected", "code": "invalid"}),
        ("document.update", {"mutation_id": 4, "outcome": "applied"}),
    ]
    assert await _searched_title(api, two.id) == "Two"
    await _chain_is_clean(api)


async def test_a_retried_batch_answers_duplicate_and_writes_nothing_again(api: Api) -> None:
    customer = await api.ctx.customer()
    documents = [await api.ctx.document(customer) for _ in range(3)]
    client = Client(api)
    batch = [_title(client, d, d.title, f"New {n}") for n, d in enumerate(documents)]
    assert {x["outcome"] for x in await client.push(*batch)} == {"applied"}

    async def counts() -> list[int]:
        found = []
        for table in ("document_history", "audit_event", "change"):
            sql = f"SELECT count(*) AS n FROM {table} WHERE tenant = {{}}"  # noqa: S608
            [row] = await _rows(api, sql, api.ctx.tenant.id)
            found.append(int(row["n"]))
        return found

    before = await counts()
    again = await client.push(*batch)
    assert [x["outcome"] for x in again] == ["duplicate"] * 3
    assert await counts() == before
    await _chain_is_clean(api)


async def test_a_batch_costs_a_fixed_number_of_statements_not_some_per_mutation(
    api: Api,
) -> None:
    customer = await api.ctx.customer()
    documents = [await api.ctx.document(customer) for _ in range(6)]
    principal = api.ctx.principal
    runtime = api.ctx.runtime
    actor = Actor(principal.user_id, principal.display_name, "tablet")
    client_id = uuid.uuid4().hex
    titles = {d.id: d.title for d in documents}
    next_id = 1

    async def statements_of(rounds: int) -> int:
        nonlocal next_id
        mutations = []
        for n in range(rounds):
            for d in documents:
                mutations.append(
                    Mutation(
                        id=next_id,
                        kind=MutationKind.UPDATE,
                        entity=Entity.DOCUMENT,
                        entity_id=d.id,
                        base={"title": titles[d.id]},
                        patch={"title": f"Round {next_id} {n}"},
                    )
                )
                titles[d.id] = f"Round {next_id} {n}"
                next_id += 1
        store = PiccoloSyncStore(runtime.database, runtime.services(), principal, runtime.clock)
        request = PushRequest(
            client_id=client_id, protocol_version=PROTOCOL_VERSION, mutations=mutations
        )
        with count_statements() as count:
            response = await push(store, actor, request, runtime.clock())
        assert {r.outcome for r in response.results} == {Outcome.APPLIED}
        return count.value

    await statements_of(1)  # the client's first push claims its ledger row
    six = await statements_of(1)
    thirty = await statements_of(5)
    assert thirty == six <= 20
    await _chain_is_clean(api)
