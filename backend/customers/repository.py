"""Piccolo implementation of :class:`backend.customers.ports.CustomerRepository`."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from backend.access.policy import Visibility
from backend.customers.models import Address, AddressKind, Contact, Customer
from backend.customers.tables import AddressTable, ContactTable, CustomerTable
from backend.errors import DuplicateErpNumber
from backend.geo.distance import cell_of
from backend.geo.models import GeoState, Quality
from backend.geo.positions import key_of
from backend.persistence.constraints import violates_unique
from backend.persistence.rows import as_datetime, load_json, opt_datetime
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_list, select
from backend.persistence.visibility import customer_condition
from backend.search.index import refresh_customer
from backend.text import fold

__all__ = ["PiccoloCustomerRepository"]


def _customer(row: dict[str, Any]) -> Customer:
    return Customer(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        erp_number=row["erp_number"],
        name=row["name"],
        status=row["status"],
        key_data=load_json(row["key_data"]),
        revision=row["revision"],
        created_at=as_datetime(row["created_at"]),
        updated_at=as_datetime(row["updated_at"]),
    )


@contextlib.asynccontextmanager
async def _erp_number_unique(customer: Customer) -> AsyncIterator[None]:
    """The service checks first; this catches the race two concurrent writers can still run."""
    try:
        yield
    except Exception as exc:
        if violates_unique(exc, "customer_tenant_erp", ("customer.tenant", "customer.erp_number")):
            raise DuplicateErpNumber(customer.erp_number) from None
        raise


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@tenant_scoped
class PiccoloCustomerRepository:
    async def add(
        self, customer: Customer, addresses: list[Address], contacts: list[Contact]
    ) -> None:
        async with _erp_number_unique(customer):
            await CustomerTable.insert(
                CustomerTable(
                    id=customer.id,
                    tenant=customer.tenant_id,
                    erp_number=customer.erp_number,
                    name=customer.name,
                    name_folded=fold(customer.name),
                    status=customer.status,
                    key_data=customer.key_data,
                    revision=customer.revision,
                    created_at=customer.created_at,
                    updated_at=customer.updated_at,
                )
            )
        await self._replace_children(customer, addresses, contacts)

    async def _replace_children(
        self, customer: Customer, addresses: list[Address] | None, contacts: list[Contact] | None
    ) -> None:
        if addresses is not None:
            await AddressTable.delete().where(AddressTable.customer == customer.id)
            if addresses:
                await AddressTable.insert(
                    *[
                        AddressTable(
                            id=a.id,
                            tenant=customer.tenant_id,
                            customer=customer.id,
                            kind=a.kind.value if isinstance(a.kind, AddressKind) else a.kind,
                            label=a.label,
                            street=a.street,
                            postal_code=a.postal_code,
                            city=a.city,
                            country=a.country,
                            latitude=a.latitude,
                            longitude=a.longitude,
                            position=i,
                            geo_key=key_of(a),
                            geo_cell=cell_of(a.longitude),
                            geo_state=a.geo_state.value,
                            geo_quality=None if a.geo_quality is None else a.geo_quality.value,
                            geo_updated_at=a.geo_updated_at,
                        )
                        for i, a in enumerate(addresses)
                    ]
                )
        if contacts is not None:
            await ContactTable.delete().where(ContactTable.customer == customer.id)
            if contacts:
                await ContactTable.insert(
                    *[
                        ContactTable(
                            id=c.id,
                            tenant=customer.tenant_id,
                            customer=customer.id,
                            name=c.name,
                            role=c.role,
                            email=c.email,
                            phone=c.phone,
                            position=i,
                        )
                        for i, c in enumerate(contacts)
                    ]
                )

    async def update(
        self, customer: Customer, addresses: list[Address] | None, contacts: list[Contact] | None
    ) -> None:
        before = await select(
            CustomerTable,
            "SELECT name, erp_number FROM customer WHERE id = {} AND tenant = {}",
            customer.id,
            customer.tenant_id,
        )
        async with _erp_number_unique(customer):
            await CustomerTable.update(
                {
                    CustomerTable.erp_number: customer.erp_number,
                    CustomerTable.name: customer.name,
                    CustomerTable.name_folded: fold(customer.name),
                    CustomerTable.status: customer.status,
                    CustomerTable.key_data: customer.key_data,
                    CustomerTable.revision: customer.revision,
                    CustomerTable.updated_at: customer.updated_at,
                }
            ).where(
                (CustomerTable.id == customer.id) & (CustomerTable.tenant == customer.tenant_id)
            )
        await self._replace_children(customer, addresses, contacts)
        if before and (before[0]["name"], before[0]["erp_number"]) != (
            customer.name,
            customer.erp_number,
        ):
            # Search finds documents by their customer's name and number.
            await refresh_customer(customer.tenant_id, customer.id)

    async def erp_number_taken(
        self, tenant_id: str, erp_number: str, except_id: str | None
    ) -> bool:
        query = CustomerTable.exists().where(
            (CustomerTable.tenant == tenant_id) & (CustomerTable.erp_number == erp_number)
        )
        if except_id is not None:
            query = query.where(CustomerTable.id != except_id)
        return bool(await query)

    async def by_ids(self, tenant_id: str, ids: list[str], visible: Visibility) -> list[Customer]:
        if not ids:
            return []
        condition, more = customer_condition(visible)
        rows = await select(
            CustomerTable,
            f"SELECT * FROM customer c WHERE c.tenant = {{}} AND c.id IN ({in_list(ids)}) "
            f"AND {condition}",
            tenant_id,
            *ids,
            *more,
        )
        return [_customer(r) for r in rows]

    async def search(
        self,
        tenant_id: str,
        folded_query: str,
        after: tuple[str, str] | None,
        limit: int,
        visible: Visibility,
    ) -> list[Customer]:
        condition, more = customer_condition(visible)
        sql = f"SELECT * FROM customer c WHERE tenant = {{}} AND {condition}"
        args: list[Any] = [tenant_id, *more]
        if folded_query:
            sql += " AND (name_folded LIKE {} ESCAPE '\\' OR lower(erp_number) LIKE {} ESCAPE '\\')"
            escaped = _like_escape(folded_query)
            args += [f"%{escaped}%", f"{escaped}%"]
        if after is not None:
            sql += " AND (name_folded > {} OR (name_folded = {} AND id > {}))"
            args += [after[0], after[0], after[1]]
        sql += " ORDER BY name_folded, id LIMIT {}"
        args.append(limit)
        rows = await CustomerTable.raw(sql, *args)
        return [_customer(r) for r in rows]

    async def addresses(self, tenant_id: str, customer_ids: list[str]) -> dict[str, list[Address]]:
        result: dict[str, list[Address]] = defaultdict(list)
        if not customer_ids:
            return result
        rows = await select(
            AddressTable,
            "SELECT * FROM customer_address "
            f"WHERE tenant = {{}} AND customer IN ({in_list(customer_ids)}) ORDER BY position",
            tenant_id,
            *customer_ids,
        )
        for r in rows:
            result[str(r["customer"])].append(
                Address(
                    id=str(r["id"]),
                    kind=AddressKind(r["kind"]),
                    label=r["label"],
                    street=r["street"],
                    postal_code=r["postal_code"],
                    city=r["city"],
                    country=r["country"],
                    latitude=r["latitude"],
                    longitude=r["longitude"],
                    geo_state=GeoState(r["geo_state"]),
                    geo_quality=None if r["geo_quality"] is None else Quality(r["geo_quality"]),
                    geo_updated_at=opt_datetime(r["geo_updated_at"]),
                )
            )
        return result

    async def contacts(self, tenant_id: str, customer_ids: list[str]) -> dict[str, list[Contact]]:
        result: dict[str, list[Contact]] = defaultdict(list)
        if not customer_ids:
            return result
        rows = await select(
            ContactTable,
            "SELECT * FROM customer_contact "
            f"WHERE tenant = {{}} AND customer IN ({in_list(customer_ids)}) ORDER BY position",
            tenant_id,
            *customer_ids,
        )
        for r in rows:
            result[str(r["customer"])].append(
                Contact(
                    id=str(r["id"]),
                    name=r["name"],
                    role=r["role"],
                    email=r["email"],
                    phone=r["phone"],
                )
            )
        return result
