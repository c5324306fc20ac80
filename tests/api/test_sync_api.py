"""``POST /sync/push`` and ``POST /sync/pull`` against the Piccolo store: exactly once, merges
and conflicts, offline documents and their blobs, leases, evictions, concurrent pushes, and old
clients (both engines)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from typing import Any

import httpx

from backend.access.models import GrantDraft, SubjectKind
from backend.access.policy import ScopeKind
from backend.accounts.devices import device_id
from backend.customers.models import CustomerDraft
from backend.documents.models import MetadataPatch
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from sync.protocol import PROTOCOL_VERSION
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_tenant_context, pdf_bytes

DEVICE = {"X-Dossier-Device": "Anna's tablet"}
FEED_VERSION = 1
"""A client of protocol 1, whose pull from cursor 0 replays the dossier's whole feed."""


async def device_label(api: Api) -> str:
    """How the registry names the browser of DEVICE (docs/adr/0027)."""
    me = await api.data("{ me { id } }")
    return f"Unknown browser · {device_id(me['me']['id'], DEVICE['X-Dossier-Device'])[:8]}"


class Client:
    """One app install: its id and the next mutation id."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.id = uuid.uuid4().hex
        self.next = 1

    def mutation(self, kind: str, entity: str, entity_id: str, **values: Any) -> dict[str, Any]:
        m = {"id": self.next, "kind": kind, "entity": entity, "entity_id": entity_id, **values}
        self.next += 1
        return m

    async def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        response = await self.post("/sync/push", {"mutations": list(mutations)})
        assert response.status_code == 200, response.text
        return response.json()["results"]  # type: ignore[no-any-return]

    async def pull(
        self, cursors: dict[str, int], limit: int = 500, *, version: int = FEED_VERSION
    ) -> dict[str, Any]:
        """A protocol 1 pull by default: from cursor 0 it replays the feed, every change (the
        snapshot of a protocol 2 pull is tested in test_sync_snapshot.py)."""
        body = {"cursors": cursors, "limit": limit, "protocol_version": version}
        response = await self.post("/sync/pull", body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        payload = {"client_id": self.id, "protocol_version": PROTOCOL_VERSION, **body}
        headers = {"X-CSRF-Token": self.api.csrf, **DEVICE}
        return await self.api.client.post(path, json=payload, headers=headers)


async def audit_actions(api: Api, target_id: str) -> list[str]:
    with tenant_scope(api.ctx.tenant.id):
        rows = await api.ctx.runtime.database.fetch(
            "SELECT action FROM audit_event WHERE tenant = {} AND target_id = {} ORDER BY seq",
            api.ctx.tenant.id,
            target_id,
        )
    return [r["action"] for r in rows]


async def test_a_pull_brings_the_dossier_and_then_only_what_changed(api: Api) -> None:
    customer = await api.ctx.customer()
    document = await api.ctx.document(customer, "invoice")
    client = Client(api)
    first = await client.pull({customer.id: 0}, version=PROTOCOL_VERSION)
    changes = first["changes"][customer.id]
    entities = [(c["entity"], c["op"]) for c in changes]
    assert entities[:3] == [("customer", "put"), ("address", "put"), ("contact", "put")]
    assert ("document", "put") in entities
    assert ("register_assignment", "put") in entities
    doc = next(c for c in changes if c["entity"] == "document")
    assert doc["entity_id"] == document.id
    assert doc["fields"]["title"] == document.title
    assert doc["fields"]["index_values"] == document.index_values
    cursor = first["cursors"][customer.id]
    assert first["has_more"] is False
    assert (await client.pull({customer.id: cursor}))["changes"] == {}
    await api.ctx.runtime.services().customers.update(
        api.ctx.principal, customer.id, _draft(name="Renamed")
    )
    later = await client.pull({customer.id: cursor})
    [renamed] = later["changes"][customer.id]
    assert (renamed["entity"], renamed["fields"]["name"]) == ("customer", "Renamed")
    paged = await client.pull({customer.id: 0}, limit=2)
    assert (len(paged["changes"][customer.id]), paged["has_more"]) == (2, True)


def _draft(**values: Any) -> CustomerDraft:
    return CustomerDraft(**values)


async def test_a_retried_batch_is_applied_once(api: Api) -> None:
    customer = await api.ctx.customer(name="Before")
    client = Client(api)
    batch = [
        client.mutation(
            "update",
            "customer",
            customer.id,
            base={"name": "Before"},
            patch={"name": "After"},
        )
    ]
    [result] = await client.push(*batch)
    assert (result["outcome"], result["revision"]) == ("applied", 2)
    # The answer was lost: the device sends the same batch again.
    [again] = await client.push(*batch)
    assert again["outcome"] == "duplicate"
    current = await api.ctx.runtime.services().customers.get(api.ctx.principal, customer.id)
    assert (current.name, current.revision) == ("After", 2)
    assert (await audit_actions(api, customer.id)).count("sync.update") == 1


async def test_the_same_field_changed_on_both_sides_is_a_conflict_the_server_value_stays(
    api: Api, runtime: Runtime
) -> None:
    customer = await api.ctx.customer(name="Base")
    anna = Client(api)
    async with browser(runtime) as other:
        ben = Client(await sign_in(other, api.ctx))
        [first] = await ben.push(
            ben.mutation(
                "update", "customer", customer.id, base={"name": "Base"}, patch={"name": "Ben's"}
            )
        )
        assert first["outcome"] == "applied"
        [second] = await anna.push(
            anna.mutation(
                "update", "customer", customer.id, base={"name": "Base"}, patch={"name": "Anna's"}
            )
        )
    assert second["outcome"] == "conflict"
    [record] = second["conflicts"]
    assert (record["field"], record["base"], record["mine"], record["theirs"]) == (
        "name",
        "Base",
        "Anna's",
        "Ben's",
    )
    current = await api.ctx.runtime.services().customers.get(api.ctx.principal, customer.id)
    assert current.name == "Ben's"
    pulled = await anna.pull({customer.id: 0})
    conflicts = [c for c in pulled["changes"][customer.id] if c["entity"] == "conflict"]
    assert [c["fields"]["mine"] for c in conflicts] == ["Anna's"]
    [resolved] = await anna.push(
        anna.mutation("resolve", "conflict", record["id"], resolution={"choice": "keep_mine"})
    )
    assert resolved["outcome"] in ("applied", "merged"), resolved
    current = await api.ctx.runtime.services().customers.get(api.ctx.principal, customer.id)
    assert current.name == "Anna's"


async def test_a_document_made_offline_waits_for_its_blob_and_arrives_once(api: Api) -> None:
    customer = await api.ctx.customer()
    client = Client(api)
    data = pdf_bytes("made offline")
    digest = hashlib.sha256(data).hexdigest()
    document_id = str(uuid.uuid4())
    create = client.mutation(
        "create",
        "document",
        document_id,
        customer_id=customer.id,
        blob_sha256=digest,
        patch={
            "title": "Signed order",
            "document_type_id": api.ctx.types["letter"].id,
            "document_date": "2030-01-10",
            "file_name": "order.pdf",
            "media_type": "application/pdf",
            "index_values": {},
        },
    )
    [early] = await client.push(create)
    assert (early["outcome"], early["code"], early["retry"]) == ("rejected", "missing_blob", True)
    put = await api.client.put(
        f"/sync/blobs/{digest}", content=data, headers={"X-CSRF-Token": api.csrf}
    )
    assert put.status_code == 200
    [applied] = await client.push(create)
    assert applied["outcome"] == "applied", applied
    [again] = await client.push(create)
    assert again["outcome"] == "duplicate"
    services = api.ctx.runtime.services()
    document = await services.documents.get(api.ctx.principal, document_id)
    assert document.title == "Signed order"
    [[version]] = await services.documents.versions_of(api.ctx.principal, [document_id])
    _, content = await services.documents.content(api.ctx.principal, version.id)
    assert content == data
    assert await services.documents.document_count(api.ctx.principal, customer.id) == 1


async def test_a_view_made_offline_is_audited_with_the_device_time(api: Api) -> None:
    customer = await api.ctx.customer()
    document = await api.ctx.document(customer)
    client = Client(api)
    [viewed] = await client.push(
        client.mutation(
            "view",
            "document",
            document.id,
            customer_id=customer.id,
            device_time="2030-01-15T07:55:00+00:00",
        )
    )
    assert viewed["outcome"] == "applied"
    events = await api.ctx.runtime.services().audit.trail(
        api.ctx.principal, target=("document", document.id)
    )
    view = next(e for e in events if e.action == "document.view")
    assert view.details["device_time"] == "2030-01-15T07:55:00+00:00"
    assert view.details["device"] == await device_label(api)


async def test_a_check_out_is_a_lease_colleagues_see(api: Api) -> None:
    customer = await api.ctx.customer()
    client = Client(api)
    [checked_out] = await client.push(
        client.mutation("checkout", "customer", customer.id, lease_seconds=3600)
    )
    assert checked_out["outcome"] == "applied", checked_out
    pulled = await client.pull({customer.id: 0})
    [lease] = [c for c in pulled["changes"][customer.id] if c["entity"] == "lease"]
    assert lease["fields"]["device"] == await device_label(api)
    assert lease["fields"]["checked_in_at"] is None
    [checked_in] = await client.push(client.mutation("checkin", "customer", customer.id))
    assert checked_in["outcome"] == "applied", checked_in


async def test_a_revoked_grant_evicts_the_dossier_at_the_next_pull(
    api: Api, runtime: Runtime
) -> None:
    customer = await api.ctx.customer()
    async with browser(runtime) as other:
        seller = await sign_in(other, api.ctx, role="none")
        user_id = (
            await api.ctx.runtime.services().accounts.principal_for_session(
                other.cookies["dossier_session"]
            )
        ).user_id
        grant = await api.ctx.runtime.services().access.grant(
            api.ctx.principal,
            _grant_draft(user_id, customer.id),
        )
        client = Client(seller)
        pulled = await client.pull({customer.id: 0})
        assert pulled["changes"][customer.id][0]["entity"] == "customer"
        await api.ctx.runtime.services().access.revoke(api.ctx.principal, grant.id)
        evicted = await client.pull({customer.id: pulled["cursors"][customer.id]})
    assert evicted["changes"][customer.id] == [
        {
            "op": "evict",
            "entity": "customer",
            "entity_id": customer.id,
            "seq": 0,
            "revision": 0,
            "fields": None,
        }
    ]
    assert customer.id not in evicted["cursors"]


def _grant_draft(user_id: str, customer_id: str) -> GrantDraft:
    return GrantDraft("sales", SubjectKind.USER, user_id, ScopeKind.CUSTOMER, customer_id)


async def test_two_devices_pushing_to_one_dossier_at_once_both_arrive(
    api: Api, runtime: Runtime
) -> None:
    """Rounds of a customer rename and an edit of one of its documents at the same moment (both
    rebuild the document's search entry, both move the feed): every push applies, none fails."""
    customer = await api.ctx.customer(name="Name 0")
    document = await api.ctx.document(customer, "invoice")
    services = api.ctx.runtime.services()
    async with browser(runtime) as other:
        ben = Client(await sign_in(other, api.ctx))
        anna = Client(api)
        for n in range(1, 6):
            name = f"Name {n - 1}"
            title = (await services.documents.get(api.ctx.principal, document.id)).title
            results = await asyncio.gather(
                anna.push(
                    anna.mutation(
                        "update",
                        "customer",
                        customer.id,
                        base={"name": name},
                        patch={"name": f"Name {n}"},
                    )
                ),
                ben.push(
                    ben.mutation(
                        "update",
                        "document",
                        document.id,
                        base={"title": title},
                        patch={"title": f"Title {n}"},
                    )
                ),
            )
            assert [r[0]["outcome"] for r in results] == ["applied", "applied"], results
    assert (await services.customers.get(api.ctx.principal, customer.id)).name == "Name 5"
    assert (await services.documents.get(api.ctx.principal, document.id)).title == "Title 5"
    pulled = await anna.pull({customer.id: 0})
    seqs = [c["seq"] for c in pulled["changes"][customer.id]]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)


async def test_bad_requests_get_a_stable_code_and_old_clients_are_told_to_update(
    api: Api,
) -> None:
    client = Client(api)
    old = await api.client.post(
        "/sync/push",
        json={"client_id": client.id, "protocol_version": 0, "mutations": [{"odd": 1}]},
        headers={"X-CSRF-Token": api.csrf},
    )
    assert (old.status_code, old.json()["code"]) == (426, "update_required")
    unknown = await client.post("/sync/pull", {"cursors": {}, "surprise": 1})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "invalid")
    too_many = await client.post("/sync/pull", {"cursors": {}, "limit": 100_000})
    assert (too_many.status_code, too_many.json()["code"]) == (422, "invalid")
    async with browser(api.ctx.runtime) as nobody:
        anonymous = await nobody.post(
            "/sync/pull",
            json={"client_id": "x", "protocol_version": PROTOCOL_VERSION, "cursors": {}},
        )
        assert anonymous.status_code == 401


async def test_addresses_and_contacts_keep_their_ids_and_a_deleted_one_stays_deleted(
    api: Api,
) -> None:
    customer = await api.ctx.customer(addresses=[], contacts=[])
    client = Client(api)
    address_id, contact_id = str(uuid.uuid4()), str(uuid.uuid4())
    address = {
        "kind": "delivery",
        "street": "Hauptstraße 5",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
    }
    results = await client.push(
        client.mutation("create", "address", address_id, customer_id=customer.id, patch=address),
        client.mutation(
            "create", "contact", contact_id, customer_id=customer.id, patch={"name": "Jan"}
        ),
        client.mutation(
            "update", "contact", contact_id, base={"name": "Jan"}, patch={"name": "Jan Nowak"}
        ),
    )
    assert [r["outcome"] for r in results] == ["applied", "applied", "applied"], results
    services = api.ctx.runtime.services()
    [[stored]] = await services.customers.addresses(api.ctx.principal, [customer.id])
    [[contact]] = await services.customers.contacts(api.ctx.principal, [customer.id])
    assert (stored.id, stored.street) == (address_id, "Hauptstraße 5")
    assert (contact.id, contact.name) == (contact_id, "Jan Nowak")
    [deleted] = await client.push(
        client.mutation(
            "delete",
            "contact",
            contact_id,
            base={"name": "Jan Nowak", "role": "", "email": "", "phone": ""},
        )
    )
    assert deleted["outcome"] == "applied", deleted
    assert await services.customers.contacts(api.ctx.principal, [customer.id]) == [[]]
    # Another device edited it meanwhile: a conflict, not a resurrection.
    other = Client(api)
    [edited] = await other.push(
        other.mutation("update", "contact", contact_id, base={"name": "Jan"}, patch={"name": "J."})
    )
    assert edited["outcome"] == "conflict"
    assert edited["conflicts"][0]["field"] == "*"
    assert await services.customers.contacts(api.ctx.principal, [customer.id]) == [[]]
    [notes] = await client.push(
        client.mutation(
            "create",
            "contact",
            str(uuid.uuid4()),
            customer_id=customer.id,
            patch={"name": "Eva", "notes": "likes tea"},
        )
    )
    assert (notes["outcome"], notes["code"]) == ("rejected", "invalid")


async def test_a_refused_mutation_leaves_nothing_and_the_batch_goes_on(api: Api) -> None:
    customer = await api.ctx.customer(name="Before")
    document = await api.ctx.document(customer, "invoice")
    client = Client(api)
    results = await client.push(
        client.mutation(
            "update",
            "document",
            document.id,
            base={"index_values": document.index_values},
            patch={"index_values": {**document.index_values, "amount": "not money"}},
        ),
        client.mutation(
            "update", "customer", customer.id, base={"name": "Before"}, patch={"name": "After"}
        ),
    )
    assert [(r["outcome"], r["code"]) for r in results] == [
        ("rejected", "invalid"),
        ("applied", None),
    ]
    services = api.ctx.runtime.services()
    current = await services.documents.get(api.ctx.principal, document.id)
    assert (current.revision, current.index_values) == (document.revision, document.index_values)
    assert (await services.customers.get(api.ctx.principal, customer.id)).name == "After"
    pulled = await client.pull({customer.id: 0})
    documents = [c for c in pulled["changes"][customer.id] if c["entity_id"] == document.id]
    assert [c["op"] for c in documents] == ["put"], "the refused edit recorded no change"


async def test_deleting_a_document_edited_elsewhere_is_a_conflict(
    api: Api, runtime: Runtime
) -> None:
    customer = await api.ctx.customer()
    document = await api.ctx.document(customer)
    base = {
        "title": document.title,
        "document_date": document.document_date.isoformat(),
        "status": document.status,
        "document_type_id": document.document_type_id,
        "index_values": document.index_values,
        "file_name": "letter.pdf",
        "media_type": "application/pdf",
    }
    await api.ctx.runtime.services().documents.update_metadata(
        api.ctx.principal, document.id, _patch(title="Edited online")
    )
    client = Client(api)
    [result] = await client.push(client.mutation("delete", "document", document.id, base=base))
    assert result["outcome"] == "conflict"
    current = await api.ctx.runtime.services().documents.get(api.ctx.principal, document.id)
    assert (current.status, current.title) == ("active", "Edited online")


def _patch(**values: Any) -> MetadataPatch:
    return MetadataPatch(**values)


async def test_another_tenants_dossier_is_never_pulled_or_pushed_to(
    api: Api, runtime: Runtime
) -> None:
    customer = await api.ctx.customer(name="Ours")
    async with browser(runtime) as other:
        stranger = Client(await sign_in(other, await make_tenant_context(runtime)))
        pulled = await stranger.pull({customer.id: 0})
        assert [c["op"] for c in pulled["changes"][customer.id]] == ["evict"]
        [pushed] = await stranger.push(
            stranger.mutation(
                "update", "customer", customer.id, base={"name": "Ours"}, patch={"name": "Theirs"}
            )
        )
    assert pushed["outcome"] == "rejected"
    assert pushed["code"] in ("forbidden", "unknown_entity")
    assert (
        await api.ctx.runtime.services().customers.get(api.ctx.principal, customer.id)
    ).name == "Ours"


async def test_the_same_field_pushed_from_two_devices_at_once_is_one_edit_and_one_conflict(
    api: Api, runtime: Runtime
) -> None:
    customer = await api.ctx.customer()
    services = api.ctx.runtime.services()
    async with browser(runtime) as other:
        ben = Client(await sign_in(other, api.ctx))
        anna = Client(api)
        for n in range(3):
            document = await api.ctx.document(customer, "invoice")
            results = await asyncio.gather(
                *(
                    who.push(
                        who.mutation(
                            "update",
                            "document",
                            document.id,
                            base={"title": document.title},
                            patch={"title": f"{name} {n}"},
                        )
                    )
                    for who, name in ((anna, "Anna"), (ben, "Ben"))
                )
            )
            outcomes = sorted(r[0]["outcome"] for r in results)
            assert outcomes == ["applied", "conflict"], results
            [loser] = [r[0] for r in results if r[0]["outcome"] == "conflict"]
            stored = await services.documents.get(api.ctx.principal, document.id)
            assert loser["conflicts"][0]["theirs"] == stored.title
            assert loser["conflicts"][0]["mine"] != stored.title
