"""A pinned dossier as it is now, for a first pull (:meth:`sync.store.SyncTransaction.snapshot`,
docs/adr/0034).

Keys, compared as strings: ``0`` the customer, ``1:<id>`` addresses, ``2:<id>`` contacts,
``3:<lease id>`` check-outs, ``4:<id>`` open conflicts, then per document (in id order)
``5:<document>``, its register assignments ``5:<document>/a:<register>`` and versions
``5:<document>/v:<version>``. A page past the dossier's own entities reads only the documents it
sends: a few statements for the whole page.
"""

from __future__ import annotations

import msgspec

from backend.access.policy import Principal
from backend.offline.entities import EntityWrites
from backend.offline.fields import address_fields, contact_fields, customer_fields, lease_fields
from backend.offline.repository import PiccoloOfflineRepository
from backend.runtime import Services
from sync.entities import Entity, lease_id
from sync.protocol import Change, ChangeOp
from sync.store import EntityState, SnapshotItem, Target

__all__ = ["read_snapshot"]

_DOCUMENTS = "5:"


def _item(key: str, state: EntityState) -> SnapshotItem:
    change = Change(
        op=ChangeOp.PUT,
        entity=state.target.entity,
        entity_id=state.target.entity_id,
        seq=0,
        revision=state.revision,
        fields=dict(state.fields),
    )
    return SnapshotItem(key, change)


async def read_snapshot(
    entities: EntityWrites,
    services: Services,
    principal: Principal,
    customer_id: str,
    after: str,
    limit: int,
) -> list[SnapshotItem]:
    """The items with keys above ``after``, at most ``limit`` (none if the customer is gone)."""
    items: list[SnapshotItem] = []
    if after < _DOCUMENTS:
        dossier = await _dossier_items(services, principal, customer_id)
        if dossier is None:
            return []
        items = [item for item in dossier if item.key > after][:limit]
    if len(items) >= limit:
        return items
    from_id = after[len(_DOCUMENTS) :].partition("/")[0] if after.startswith(_DOCUMENTS) else ""
    # Each document gives at least one item; one more for the document the last page cut.
    page = await entities.documents_of(customer_id, from_id, limit - len(items) + 1)
    for document, assignments, versions in page:
        prefix = f"{_DOCUMENTS}{document.target.entity_id}"
        group = [_item(prefix, document)]
        group += [_item(f"{prefix}/a:{a.fields['register_id']}", a) for a in assignments]
        group += [_item(f"{prefix}/v:{v.target.entity_id}", v) for v in versions]
        items += [item for item in group if item.key > after]
        if len(items) >= limit:
            break
    return items[:limit]


async def _dossier_items(
    services: Services, principal: Principal, customer_id: str
) -> list[SnapshotItem] | None:
    [customer] = await services.customers.by_ids(principal, [customer_id])
    if customer is None:
        return None
    items = [
        _item(
            "0",
            EntityState(
                Target(Entity.CUSTOMER, customer_id, customer_id),
                customer_fields(customer),
                customer.revision,
            ),
        )
    ]
    [addresses] = await services.customers.addresses(principal, [customer_id])
    for a in addresses:
        state = EntityState(Target(Entity.ADDRESS, a.id, customer_id), address_fields(a), 1)
        items.append(_item(f"1:{a.id}", state))
    [contacts] = await services.customers.contacts(principal, [customer_id])
    for c in contacts:
        state = EntityState(Target(Entity.CONTACT, c.id, customer_id), contact_fields(c), 1)
        items.append(_item(f"2:{c.id}", state))
    offline = PiccoloOfflineRepository()
    tenant_id = principal.tenant_id
    for row in await offline.leases_of(tenant_id, customer_id):
        entity_id = lease_id(customer_id, row.user_id, row.device)
        target = Target(Entity.LEASE, entity_id, customer_id)
        items.append(_item(f"3:{entity_id}", EntityState(target, lease_fields(row), row.revision)))
    for record in await offline.open_conflicts(tenant_id, customer_id):
        change = Change(
            op=ChangeOp.PUT,
            entity=Entity.CONFLICT,
            entity_id=record.id,
            seq=0,
            fields=msgspec.to_builtins(record),
        )
        items.append(SnapshotItem(f"4:{record.id}", change))
    return sorted(items, key=lambda item: item.key)
