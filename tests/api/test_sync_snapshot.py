"""``POST /sync/pull`` from cursor 0 answers the dossier as it is now (protocol 2, docs/adr/0034)
against the Piccolo store on both engines: each entity once, nothing deleted, pages that lose
nothing changed between them, evictions, and the feed for protocol 1 clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.customers.models import Customer
from backend.documents.models import Document, MetadataPatch
from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.api.test_sync_api import DEVICE, Client, _grant_draft

Replica = dict[tuple[str, str], dict[str, Any]]


class Device(Client):
    """A client that keeps a replica of one dossier as the protocol says."""

    def __init__(self, api: Api, customer_id: str) -> None:
        super().__init__(api)
        self.customer_id = customer_id
        self.cursor = 0
        self.token: str | None = None
        self.replica: Replica = {}
        self.evicted = False

    async def round(self, limit: int) -> dict[str, Any]:
        body: dict[str, Any] = {"cursors": {self.customer_id: self.cursor}, "limit": limit}
        if self.token is not None:
            body["snapshots"] = {self.customer_id: self.token}
        response = await self.post("/sync/pull", body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        if self.cursor == 0 and self.token is None:
            self.replica.clear()
        for change in answer["changes"].get(self.customer_id, []):
            key = (change["entity"], change["entity_id"])
            if change["op"] == "evict" and change["entity"] == "customer":
                self.replica.clear()
                self.evicted = True
            elif change["op"] == "put":
                self.replica[key] = change["fields"]
            else:
                self.replica.pop(key, None)
        self.cursor = answer["cursors"].get(self.customer_id, 0)
        self.token = answer.get("snapshots", {}).get(self.customer_id)
        return answer

    async def pull_all(self, limit: int = 500) -> None:
        for _ in range(100):
            if not (await self.round(limit))["has_more"]:
                return
        raise AssertionError("the pull never ended")


async def _old_document(api: Api, customer: Customer) -> Document:
    """A letter whose retention has ended, so it may be deleted."""
    return await api.ctx.document(customer, document_date=dt.date(2000, 1, 5))


async def _delete(api: Api, document: Document) -> None:
    await api.ctx.runtime.services().archive.delete(api.ctx.principal, document.id, "tidy up")


async def _retitle(api: Api, document: Document, title: str) -> None:
    await api.ctx.runtime.services().documents.update_metadata(
        api.ctx.principal, document.id, MetadataPatch(title=title)
    )


async def _registers(api: Api, document: Document) -> list[str]:
    [filed] = await api.ctx.runtime.services().documents.registers_of(
        api.ctx.principal, [document.id]
    )
    return list(filed)


async def test_a_first_pull_sends_each_entity_once_as_it_is_now(api: Api) -> None:
    customer = await api.ctx.customer()
    kept = await api.ctx.document(customer, "invoice")
    gone = await _old_document(api, customer)
    for n in range(3):
        await _retitle(api, kept, f"Title {n}")
    await _delete(api, gone)
    device = Device(api, customer.id)
    answer = await device.round(500)
    changes = answer["changes"][customer.id]
    keys = [(c["entity"], c["entity_id"]) for c in changes]
    assert len(keys) == len(set(keys)), "each entity once"
    assert keys[:3] == [
        ("customer", customer.id),
        ("address", keys[1][1]),
        ("contact", keys[2][1]),
    ]
    assert {c["op"] for c in changes} == {"put"}
    documents = [c for c in changes if c["entity"] == "document"]
    assert [(d["entity_id"], d["fields"]["title"]) for d in documents] == [(kept.id, "Title 2")]
    assert all(gone.id not in entity_id for _, entity_id in keys)
    versions = [c for c in changes if c["entity"] == "version"]
    assert [v["fields"]["document_id"] for v in versions] == [kept.id]
    assert [k for k in keys if k[0] == "register_assignment"] == [
        ("register_assignment", f"{kept.id}/{register_id}")
        for register_id in sorted(await _registers(api, kept))
    ]
    head = answer["cursors"][customer.id]
    assert {c["seq"] for c in changes} == {head}
    assert (answer["has_more"], answer["snapshots"]) == (False, {})
    assert (await device.round(500))["changes"] == {}
    await _retitle(api, kept, "After")
    later = await device.round(500)
    [retitled] = later["changes"][customer.id]
    assert (retitled["entity_id"], retitled["fields"]["title"]) == (kept.id, "After")


async def test_changes_made_between_pages_are_not_lost(api: Api) -> None:
    customer = await api.ctx.customer()
    documents = sorted([await _old_document(api, customer) for _ in range(4)], key=lambda d: d.id)
    device = Device(api, customer.id)
    first = await device.round(5)  # customer, address, contact, the first document and a part
    assert first["has_more"]
    assert first["cursors"] == {customer.id: 0}
    assert first["snapshots"][customer.id].split(":")[0].isdigit()
    await _retitle(api, documents[0], "Changed after it was sent")
    await _delete(api, documents[1])
    await _delete(api, documents[3])
    added = await api.ctx.document(customer)
    await device.pull_all(limit=3)
    assert device.token is None
    fresh = Device(api, customer.id)
    await fresh.pull_all()
    assert device.replica == fresh.replica
    titles = {k[1]: v["title"] for k, v in device.replica.items() if k[0] == "document"}
    assert titles[documents[0].id] == "Changed after it was sent"
    assert set(titles) == {documents[0].id, documents[2].id, added.id}


async def test_access_removed_between_pages_evicts_the_dossier(api: Api, runtime: Runtime) -> None:
    customer = await api.ctx.customer()
    await api.ctx.document(customer)
    async with browser(runtime) as other:
        seller = await sign_in(other, api.ctx, role="none")
        user_id = (
            await api.ctx.runtime.services().accounts.principal_for_session(
                other.cookies["dossier_session"]
            )
        ).user_id
        grant = await api.ctx.runtime.services().access.grant(
            api.ctx.principal, _grant_draft(user_id, customer.id)
        )
        device = Device(seller, customer.id)
        first = await device.round(1)
        assert first["has_more"]
        assert first["changes"][customer.id][0]["entity"] == "customer"
        await api.ctx.runtime.services().access.revoke(api.ctx.principal, grant.id)
        evicted = await device.round(1)
    assert [(c["op"], c["entity"]) for c in evicted["changes"][customer.id]] == [
        ("evict", "customer")
    ]
    assert (evicted["cursors"], evicted["snapshots"]) == ({}, {})
    assert device.evicted


async def test_a_protocol_1_client_still_gets_the_feed_and_bad_tokens_are_refused(
    api: Api,
) -> None:
    customer = await api.ctx.customer()
    document = await api.ctx.document(customer)
    await _retitle(api, document, "Again")
    client = Client(api)
    old = await client.api.client.post(
        "/sync/pull",
        json={"client_id": client.id, "protocol_version": 1, "cursors": {customer.id: 0}},
        # The same browser, an app of the old protocol (a session belongs to one device).
        headers={"X-CSRF-Token": api.csrf, **DEVICE},
    )
    assert old.status_code == 200, old.text
    puts = [c["entity_id"] for c in old.json()["changes"][customer.id] if c["entity"] == "document"]
    assert puts == [document.id, document.id], "the feed: the document's every change"
    for token in ("nonsense", "-3:0", "3:0"):
        cursor = 7 if token == "3:0" else 0
        refused = await client.post(
            "/sync/pull", {"cursors": {customer.id: cursor}, "snapshots": {customer.id: token}}
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "invalid")
