"""The per-request GraphQL context: who is asking, their services, and DataLoaders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext
from strawberry.types import Info as StrawberryInfo

from backend.access.models import Member
from backend.access.policy import Principal
from backend.accounts.models import User
from backend.customers.models import Address, Contact, Customer
from backend.documents.models import (
    DocumentLink,
    MailMessage,
    Preview,
    TextSummary,
    VersionText,
)
from backend.errors import DossierError, Unauthenticated
from backend.runtime import Services
from backend.settings import Settings

if TYPE_CHECKING:
    from backend.graphql.documents import DocumentNode

__all__ = ["Context", "Info", "Loaders"]

NodesOf = Callable[[list[str]], Awaitable[list["DocumentNode | None"]]]


@dataclass
class Loaders:
    """One set per request, so batching never mixes principals and caches never go stale."""

    customers: DataLoader[str, Customer | None]
    addresses: DataLoader[str, list[Address]]
    contacts: DataLoader[str, list[Contact]]
    users: DataLoader[str, User | None]
    previews: DataLoader[str, Preview]
    text_summaries: DataLoader[str, TextSummary]
    texts: DataLoader[str, VersionText]
    group_members: DataLoader[str, list[Member]]
    mails: DataLoader[str, MailMessage | None]
    """By version id."""
    links: DataLoader[str, list[DocumentLink]]
    """By document id: links in which it is the parent or the child."""
    readable_nodes: DataLoader[str, DocumentNode | None]
    """Documents at the other end of links, as nodes; None when the principal may not read it."""
    last_visits: DataLoader[str, dt.datetime | None]
    """By customer id (of customers already shown): the latest visit, one statement per batch."""


def _loaders(services: Services, principal: Principal | None, nodes_of: NodesOf) -> Loaders:
    def need() -> Principal:
        if principal is None:
            raise Unauthenticated()
        return principal

    async def users(ids: list[str]) -> list[User | None]:
        p = need()
        found = {u.id: u for u in await services.accounts.users(p.tenant_id, ids)}
        return [found.get(i) for i in ids]

    return Loaders(
        customers=DataLoader(lambda ids: services.customers.by_ids(need(), list(ids))),
        addresses=DataLoader(lambda ids: services.customers.addresses(need(), list(ids))),
        contacts=DataLoader(lambda ids: services.customers.contacts(need(), list(ids))),
        users=DataLoader(lambda ids: users(list(ids))),
        previews=DataLoader(lambda ids: services.documents.previews(need(), list(ids))),
        text_summaries=DataLoader(lambda ids: services.documents.text_summaries(need(), list(ids))),
        texts=DataLoader(lambda ids: services.documents.texts(need(), list(ids))),
        group_members=DataLoader(lambda ids: services.access.members(need(), list(ids))),
        mails=DataLoader(lambda ids: services.documents.mails(need(), list(ids))),
        links=DataLoader(lambda ids: services.documents.links_of(need(), list(ids))),
        readable_nodes=DataLoader(lambda ids: nodes_of(list(ids))),
        last_visits=DataLoader(lambda ids: services.visits.last_visits(need(), list(ids))),
    )


class Context(BaseContext, kw_only=True, dict=True):
    """Strawberry's Litestar context (request/response) plus ours."""

    services: Services
    settings: Settings
    principal_or_none: Principal | None
    auth_error: DossierError | None = None
    session_token: str | None = None
    """The session cookie the principal signed in with (a live stream checks it still does)."""

    def __post_init__(self) -> None:
        self.loaders = _loaders(self.services, self.principal_or_none, self._readable_nodes)

    async def _readable_nodes(self, ids: list[str]) -> list[DocumentNode | None]:
        # Imported here: the document nodes' module imports this one.
        from backend.graphql.documents import readable_nodes

        return await readable_nodes(self, ids)

    @property
    def principal(self) -> Principal:
        """The signed-in principal; raises the reason there is none (expired, missing)."""
        if self.principal_or_none is None:
            raise self.auth_error or Unauthenticated()
        return self.principal_or_none


Info = StrawberryInfo[Context, None]
