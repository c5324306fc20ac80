"""What notifications read from other areas: documents, users and their grants.

Every decision goes through ``can`` with the user's grants as they are at the moment asked (loaded
as a request would load them); for a fan-out, the users and grants of all subscribers are read in
a few statements, and ``can`` is asked once per user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from backend.access.policy import Grant, Principal, Resource
from backend.accounts.models import User
from backend.accounts.service import GrantsOf, principal_of
from backend.documents.models import Document
from backend.documents.ports import DocumentRepository

__all__ = ["DELETED", "Lookups", "Reader"]

DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Lookups:
    """Reads from other areas, as plain callables (so this package needs none of their tables)."""

    user: Callable[[str, str], Awaitable[User | None]]
    users: Callable[[str, list[str]], Awaitable[list[User]]]
    grants_of: GrantsOf
    grants_of_users: Callable[
        [str, list[str], dt.datetime], Awaitable[dict[str, tuple[Grant, ...]]]
    ]
    customer_name: Callable[[str, str], Awaitable[str | None]]
    type_name: Callable[[str, str], Awaitable[str]]
    tenant_locale: Callable[[str], Awaitable[str]]


class Reader:
    def __init__(self, documents: DocumentRepository, lookups: Lookups) -> None:
        self._documents = documents
        self.lookups = lookups

    async def principal(self, tenant_id: str, user_id: str, now: dt.datetime) -> Principal | None:
        """The user as a principal with their current grants; None if gone or inactive."""
        user = await self.lookups.user(tenant_id, user_id)
        if user is None or not user.active:
            return None
        grants = await self.lookups.grants_of(tenant_id, user_id, now)
        return _principal(user, grants, now)

    async def principals(
        self, tenant_id: str, user_ids: list[str], now: dt.datetime
    ) -> dict[str, Principal]:
        """:meth:`principal` of many users in a few statements; gone or inactive users are
        absent."""
        if not user_ids:
            return {}
        users = [u for u in await self.lookups.users(tenant_id, user_ids) if u.active]
        grants = await self.lookups.grants_of_users(tenant_id, [u.id for u in users], now)
        return {u.id: _principal(u, grants.get(u.id, ()), now) for u in users}

    async def document(self, tenant_id: str, document_id: str) -> tuple[Document, Resource] | None:
        """The document and what access decisions about it need; None if gone or deleted."""
        found = await self._documents.documents_by_ids(tenant_id, [document_id])
        if not found or found[0].status == DELETED:
            return None
        document = found[0]
        registers = (await self._documents.registers_of(tenant_id, [document.id])).get(
            document.id, []
        )
        return document, Resource(
            tenant_id,
            customer_id=document.customer_id,
            document_type_id=document.document_type_id,
            register_ids=frozenset(registers),
            document_id=document.id,
        )


def _principal(user: User, grants: tuple[Grant, ...], now: dt.datetime) -> Principal:
    return principal_of(user, via="notification", device="notification", grants=grants, as_of=now)
