"""Customers: the subjects of dossiers. ERP numbers are unique per tenant; key data follows the
tenant's cover schema; addresses and contacts are replaced as a whole when sent."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from backend.access.policy import Action, Principal, Resource, can, visibility
from backend.audit.service import AuditTrail
from backend.changes.models import Entity, Op
from backend.changes.recording import record_change, record_changes
from backend.cursors import cursor_id, decode_cursor, encode_cursor
from backend.customers.models import (
    Address,
    AddressKind,
    Contact,
    Customer,
    CustomerDraft,
    CustomerPage,
)
from backend.customers.ports import CustomerRepository
from backend.errors import DuplicateErpNumber, FieldIssue, Forbidden, NotFound, ValidationFailed
from backend.fields import merge_values
from backend.geo.jobs import geocode_job
from backend.geo.positions import settle_positions
from backend.ids import new_id, parse_id, parse_ids
from backend.jobs.queue import JobQueue
from backend.ports import Clock, Transactions
from backend.tenancy.service import CatalogService
from backend.text import fold

__all__ = ["CUSTOMER_STATUSES", "CustomerService"]

CUSTOMER_STATUSES = ("active", "prospect", "inactive", "blocked")
_ERP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _check_addresses(addresses: list[Address], issues: list[FieldIssue]) -> list[Address]:
    out = []
    for i, a in enumerate(addresses):
        path = f"addresses.{i}"
        if a.kind not in AddressKind.__members__.values():
            issues.append(FieldIssue(f"{path}.kind", "invalid_value", "billing or delivery"))
        for name in ("street", "postal_code", "city"):
            if not str(getattr(a, name)).strip():
                issues.append(FieldIssue(f"{path}.{name}", "required", "is required"))
        if not _COUNTRY.match(a.country):
            issues.append(FieldIssue(f"{path}.country", "invalid_value", "ISO 3166 code like DE"))
        if (a.latitude is None) != (a.longitude is None):
            issues.append(FieldIssue(f"{path}.latitude", "invalid_value", "give both or neither"))
        if a.latitude is not None and not -90 <= a.latitude <= 90:
            issues.append(FieldIssue(f"{path}.latitude", "out_of_range", "between -90 and 90"))
        if a.longitude is not None and not -180 <= a.longitude <= 180:
            issues.append(FieldIssue(f"{path}.longitude", "out_of_range", "between -180 and 180"))
        out.append(
            dataclasses.replace(
                a, id=a.id or new_id(), street=a.street.strip(), city=a.city.strip()
            )
        )
    return out


def _check_contacts(contacts: list[Contact], issues: list[FieldIssue]) -> list[Contact]:
    out = []
    for i, c in enumerate(contacts):
        if not c.name.strip():
            issues.append(FieldIssue(f"contacts.{i}.name", "required", "is required"))
        if c.email and not _EMAIL.match(c.email):
            issues.append(FieldIssue(f"contacts.{i}.email", "invalid_email", "not an e-mail"))
        out.append(dataclasses.replace(c, id=c.id or new_id(), name=c.name.strip()))
    return out


def _customer_changes(old: Customer, new: Customer, draft: CustomerDraft) -> dict[str, Any]:
    changes: dict[str, Any] = {
        name: {"old": getattr(old, name), "new": getattr(new, name)}
        for name in ("erp_number", "name", "status", "key_data")
        if getattr(old, name) != getattr(new, name)
    }
    if draft.addresses is not None:
        changes["addresses"] = "replaced"
    if draft.contacts is not None:
        changes["contacts"] = "replaced"
    return changes


def _record(
    customer: Customer,
    addresses: tuple[list[Address], list[Address]] | None = None,
    contacts: tuple[list[Contact], list[Contact]] | None = None,
) -> None:
    """The change feed hears of the customer and of the addresses and contacts replaced (each
    ``(old, new)``): the old ones are deleted, the new ones put."""
    tenant_id, at = customer.tenant_id, customer.updated_at
    record_change(tenant_id, customer.id, Entity.CUSTOMER, customer.id, at=at)
    for entity, lists in ((Entity.ADDRESS, addresses), (Entity.CONTACT, contacts)):
        if lists is None:
            continue
        old, new = lists
        kept = {i.id for i in new}
        gone = [i.id for i in old if i.id not in kept]
        record_changes(tenant_id, customer.id, entity, gone, Op.DELETE, at)
        record_changes(tenant_id, customer.id, entity, [i.id for i in new], Op.PUT, at)


class CustomerService:
    def __init__(
        self,
        repo: CustomerRepository,
        catalog: CatalogService,
        audit: AuditTrail,
        tx: Transactions,
        clock: Clock,
        page_size_max: int = 200,
        jobs: JobQueue | None = None,
        geocoding: bool = False,
    ) -> None:
        """``jobs`` queues geocoding of new and changed addresses when ``geocoding`` is on (a
        geocoder is configured); without it addresses are stored with the state ``off``."""
        self._repo = repo
        self._jobs = jobs
        self._geocoding = geocoding and jobs is not None
        self._catalog = catalog
        self._audit = audit
        self._tx = tx
        self._clock = clock
        self._page_size_max = page_size_max

    @staticmethod
    def _require(principal: Principal, action: Action, customer_id: str | None = None) -> None:
        resource = None if customer_id is None else Resource(principal.tenant_id, customer_id)
        if not can(principal, action, resource):
            raise Forbidden(f"you may not {action.value} this customer")

    async def _validated(
        self, principal: Principal, draft: CustomerDraft, current: Customer | None
    ) -> tuple[dict[str, Any], list[Address] | None, list[Contact] | None]:
        issues: list[FieldIssue] = []
        if (current is None or draft.erp_number is not None) and not _ERP.match(
            draft.erp_number or ""
        ):
            issues.append(FieldIssue("erpNumber", "invalid_value", "1–64 letters, digits, . _ / -"))
        if current is None or draft.name is not None:
            if not (draft.name or "").strip():
                issues.append(FieldIssue("name", "required", "is required"))
            elif len((draft.name or "").strip()) > 255:
                issues.append(FieldIssue("name", "too_long", "at most 255 characters"))
        if draft.status is not None and draft.status not in CUSTOMER_STATUSES:
            issues.append(
                FieldIssue("status", "invalid_value", f"one of {', '.join(CUSTOMER_STATUSES)}")
            )
        tenant = await self._catalog.tenant(principal.tenant_id)
        key_data: dict[str, Any] = dict(current.key_data) if current else {}
        try:
            key_data = merge_values(tenant.cover_schema, key_data, draft.key_data, path="keyData")
        except ValidationFailed as exc:
            issues.extend(exc.issues)
        addresses = None if draft.addresses is None else _check_addresses(draft.addresses, issues)
        contacts = None if draft.contacts is None else _check_contacts(draft.contacts, issues)
        if issues:
            raise ValidationFailed(issues)
        return key_data, addresses, contacts

    async def create(self, principal: Principal, draft: CustomerDraft) -> Customer:
        self._require(principal, Action.WRITE)
        key_data, addresses, contacts = await self._validated(principal, draft, None)
        now = self._clock()
        assert draft.erp_number is not None
        assert draft.name is not None
        customer = Customer(
            id=new_id(),
            tenant_id=principal.tenant_id,
            erp_number=draft.erp_number,
            name=draft.name.strip(),
            status=draft.status or "active",
            key_data=key_data,
            revision=1,
            created_at=now,
            updated_at=now,
        )
        async with self._tx.write():
            if await self._repo.erp_number_taken(principal.tenant_id, customer.erp_number, None):
                raise DuplicateErpNumber(customer.erp_number)
            addresses, to_geocode = settle_positions(
                addresses or [], [], geocoding=self._geocoding, at=now
            )
            await self._repo.add(customer, addresses, contacts or [])
            await self._geocode(principal.tenant_id, to_geocode)
            _record(customer, ([], addresses), ([], contacts or []))
            await self._audit.record(
                principal,
                "customer.create",
                "customer",
                customer.id,
                {"erp_number": customer.erp_number, "name": customer.name},
            )
        return customer

    async def update(
        self, principal: Principal, customer_id: str, draft: CustomerDraft
    ) -> Customer:
        current = await self.get(principal, customer_id)
        self._require(principal, Action.WRITE, current.id)
        key_data, addresses, contacts = await self._validated(principal, draft, current)
        changed = dataclasses.replace(
            current,
            erp_number=draft.erp_number if draft.erp_number is not None else current.erp_number,
            name=draft.name.strip() if draft.name is not None else current.name,
            status=draft.status or current.status,
            key_data=key_data,
            revision=current.revision + 1,
            updated_at=self._clock(),
        )
        async with self._tx.write():
            if draft.erp_number is not None and await self._repo.erp_number_taken(
                principal.tenant_id, changed.erp_number, current.id
            ):
                raise DuplicateErpNumber(changed.erp_number)
            to_geocode: list[str] = []
            replaced_addresses = replaced_contacts = None
            if addresses is not None:
                old = (await self._repo.addresses(principal.tenant_id, [current.id])).get(
                    current.id, []
                )
                addresses, to_geocode = settle_positions(
                    addresses, old, geocoding=self._geocoding, at=changed.updated_at
                )
                replaced_addresses = (old, addresses)
            if contacts is not None:
                old_contacts = await self._repo.contacts(principal.tenant_id, [current.id])
                replaced_contacts = (old_contacts.get(current.id, []), contacts)
            await self._repo.update(changed, addresses, contacts)
            await self._geocode(principal.tenant_id, to_geocode)
            _record(changed, replaced_addresses, replaced_contacts)
            await self._audit.record(
                principal,
                "customer.update",
                "customer",
                changed.id,
                {
                    "revision": changed.revision,
                    "changes": _customer_changes(current, changed, draft),
                },
            )
        return changed

    async def _geocode(self, tenant_id: str, address_ids: list[str]) -> None:
        if self._jobs is not None:
            for address_id in address_ids:
                await self._jobs.enqueue(geocode_job(tenant_id, address_id))

    async def get(self, principal: Principal, customer_id: str) -> Customer:
        """The customer, if ``principal`` may read it or one of its documents; else not found."""
        found = await self._repo.by_ids(
            principal.tenant_id,
            [parse_id("customer", customer_id)],
            visibility(principal, Action.READ),
        )
        if not found:
            raise NotFound("customer", customer_id)
        return found[0]

    async def by_ids(self, principal: Principal, ids: list[str]) -> list[Customer | None]:
        """Customers in the order of ``ids``; None where unknown or hidden (DataLoader shape)."""
        visible = visibility(principal, Action.READ)
        found = {
            c.id: c
            for c in await self._repo.by_ids(
                principal.tenant_id, parse_ids("customer", ids), visible
            )
        }
        return [found.get(i) for i in ids]

    async def search(
        self, principal: Principal, query: str, first: int, after: str | None
    ) -> CustomerPage:
        visible = visibility(principal, Action.READ)
        if visible.nothing:
            return CustomerPage(items=[], next_cursor=None)
        limit = max(1, min(first, self._page_size_max))
        position = None
        if after is not None:
            name_key, last_id = decode_cursor(after, 2)
            position = (str(name_key), cursor_id(last_id))
        rows = await self._repo.search(
            principal.tenant_id, fold(query), position, limit + 1, visible
        )
        items = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            next_cursor = encode_cursor(fold(items[-1].name), items[-1].id)
        return CustomerPage(items=items, next_cursor=next_cursor)

    async def addresses(self, principal: Principal, ids: list[str]) -> list[list[Address]]:
        """Addresses of customers the caller already holds (it got them through ``get``)."""
        found = await self._repo.addresses(principal.tenant_id, parse_ids("customer", ids))
        return [found.get(i, []) for i in ids]

    async def contacts(self, principal: Principal, ids: list[str]) -> list[list[Contact]]:
        """Contacts of customers the caller already holds (it got them through ``get``)."""
        found = await self._repo.contacts(principal.tenant_id, parse_ids("customer", ids))
        return [found.get(i, []) for i in ids]
