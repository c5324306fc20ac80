from __future__ import annotations

from typing import Protocol

from backend.access.policy import Visibility
from backend.customers.models import Address, Contact, Customer


class CustomerRepository(Protocol):
    async def add(
        self, customer: Customer, addresses: list[Address], contacts: list[Contact]
    ) -> None: ...

    async def update(
        self,
        customer: Customer,
        addresses: list[Address] | None,
        contacts: list[Contact] | None,
    ) -> None:
        """Store changed fields; replace addresses or contacts when given (not None)."""
        ...

    async def erp_number_taken(
        self, tenant_id: str, erp_number: str, except_id: str | None
    ) -> bool: ...

    async def by_ids(self, tenant_id: str, ids: list[str], visible: Visibility) -> list[Customer]:
        """Those of ``ids`` in ``visible``."""
        ...

    async def search(
        self,
        tenant_id: str,
        folded_query: str,
        after: tuple[str, str] | None,
        limit: int,
        visible: Visibility,
    ) -> list[Customer]:
        """Customers in ``visible`` whose folded name contains the query or whose ERP number
        starts with it."""
        ...

    async def addresses(
        self, tenant_id: str, customer_ids: list[str]
    ) -> dict[str, list[Address]]: ...

    async def contacts(
        self, tenant_id: str, customer_ids: list[str]
    ) -> dict[str, list[Contact]]: ...
