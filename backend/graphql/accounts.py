"""GraphQL for the signed-in user."""

from __future__ import annotations

import strawberry

from backend.access.policy import Action, Principal, can, can_somewhere
from backend.accounts.models import User
from backend.graphql.context import Info

__all__ = ["AccountQuery", "MeNode", "UserNode"]


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
        )


@strawberry.type
class AccountQuery:
    @strawberry.field
    def me(self, info: Info) -> MeNode:
        return MeNode.of(info.context.principal)
