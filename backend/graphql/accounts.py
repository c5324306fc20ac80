"""GraphQL for the signed-in user: who they are, and their own settings."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import strawberry

from backend.access.policy import Action, Principal, can, can_somewhere
from backend.accounts.models import User
from backend.errors import DossierError
from backend.graphql.context import Info
from backend.graphql.errors import NotFoundError, ValidationError, as_error

__all__ = ["AccountMutation", "AccountQuery", "MeNode", "UserNode"]


@strawberry.type(name="User")
class UserNode:
    id: strawberry.ID
    display_name: str
    email: str

    @classmethod
    def of(cls, u: User) -> UserNode:
        return cls(id=strawberry.ID(u.id), display_name=u.display_name, email=u.email)


@strawberry.type(name="Me", description="The signed-in principal and what it may do.")
class MeNode:
    id: strawberry.ID
    display_name: str
    email: str
    role: str = strawberry.field(description="The home role, which applies tenant-wide.")
    tenant_id: strawberry.ID
    actions: list[str] = strawberry.field(description="What the principal may do tenant-wide.")
    actions_somewhere: list[str] = strawberry.field(
        description="What it may do on at least some customers, registers or documents."
    )
    time_zone: str | None = strawberry.field(
        description="The IANA time zone relative search dates end in; null: UTC."
    )

    @classmethod
    def of(cls, p: Principal) -> MeNode:
        return cls(
            id=strawberry.ID(p.user_id),
            display_name=p.display_name,
            email=p.email,
            role=p.role.value,
            tenant_id=strawberry.ID(p.tenant_id),
            actions=sorted(a.value for a in Action if can(p, a)),
            actions_somewhere=sorted(a.value for a in Action if can_somewhere(p, a)),
            time_zone=p.time_zone,
        )


@strawberry.type
class AccountQuery:
    @strawberry.field
    def me(self, info: Info) -> MeNode:
        return MeNode.of(info.context.principal)


MeResult = Annotated[MeNode | ValidationError | NotFoundError, strawberry.union("MeResult")]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Set your IANA time zone (e.g. Europe/Warsaw); null or empty: back to UTC. "
        "Relative dates of searches and views end with today in it."
    )
    async def set_my_time_zone(self, info: Info, time_zone: str | None) -> MeResult:
        ctx = info.context
        try:
            user = await ctx.services.accounts.set_time_zone(ctx.principal, time_zone)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return MeNode.of(dataclasses.replace(ctx.principal, time_zone=user.time_zone))
