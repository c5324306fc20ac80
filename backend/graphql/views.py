"""GraphQL for saved virtual views: the ones the caller sees, and keeping, sharing, ordering and
deleting them (docs/adr/0015)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, TypeVar

import strawberry

from backend.errors import DossierError
from backend.graphql.access import Removed, RemovedResult
from backend.graphql.accounts import UserNode
from backend.graphql.context import Info
from backend.graphql.criteria import SearchCriteriaInput, SearchCriteriaNode
from backend.graphql.errors import ForbiddenError, NotFoundError, ValidationError
from backend.graphql.errors import as_error as _as_error
from backend.graphql.search import SearchResults, search_results
from backend.search.models import SearchResult
from backend.views.models import (
    Audience,
    AudienceKind,
    Placement,
    SavedView,
    ViewDraft,
    ViewPatch,
)

__all__ = ["ViewMutation", "ViewNode", "ViewQuery"]

T = TypeVar("T")


@strawberry.enum(
    name="ViewPlacement",
    description="DOSSIER: a virtual register in every dossier, within the open customer; "
    "GLOBAL: across all customers.",
)
class PlacementEnum(Enum):
    DOSSIER = "dossier"
    GLOBAL = "global"


@strawberry.enum(name="ViewAudienceKind")
class AudienceKindEnum(Enum):
    PERSONAL = "personal"
    GROUP = "group"
    TENANT = "tenant"


@strawberry.type(name="ViewAudience", description="Who sees a view.")
class AudienceNode:
    kind: AudienceKindEnum
    group_id: strawberry.ID | None
    view: strawberry.Private[SavedView]

    @strawberry.field(description="The name of the group, for GROUP.")
    async def group_name(self, info: Info) -> str | None:
        ctx = info.context
        return await ctx.services.views.group_name(ctx.principal, self.view)


@strawberry.input
class ViewAudienceInput:
    kind: AudienceKindEnum
    group_id: strawberry.ID | None = strawberry.field(default=None, description="For GROUP.")

    def to_domain(self) -> Audience:
        group = None if self.group_id is None else str(self.group_id)
        return Audience(AudienceKind(self.kind.value), group)


@strawberry.type(name="SavedView", description="A saved search with relative dates.")
class ViewNode:
    id: strawberry.ID
    name: str
    description: str | None
    audience: AudienceNode
    placement: PlacementEnum
    position: int = strawberry.field(description="Its place among the views of its shelf.")
    criteria: SearchCriteriaNode
    created_at: dt.datetime
    updated_at: dt.datetime
    view: strawberry.Private[SavedView]

    @classmethod
    def of(cls, v: SavedView) -> ViewNode:
        return cls(
            id=strawberry.ID(v.id),
            name=v.name,
            description=v.description,
            audience=AudienceNode(
                kind=AudienceKindEnum(v.audience.kind.value),
                group_id=strawberry.ID(v.audience.group_id) if v.audience.group_id else None,
                view=v,
            ),
            placement=PlacementEnum(v.placement.value),
            position=v.position,
            criteria=SearchCriteriaNode.of(v.criteria),
            created_at=v.created_at,
            updated_at=v.updated_at,
            view=v,
        )

    @strawberry.field
    async def owner(self, info: Info) -> UserNode | None:
        user = await info.context.loaders.users.load(self.view.owner_id)
        return UserNode.of(user) if user else None

    @strawberry.field(
        description="Run the view: a page of the documents it finds that the caller may read. "
        "A DOSSIER view needs the open customer (customerId), a GLOBAL one may be narrowed to it; "
        "relative dates end with today in "
        "timeZone (IANA, e.g. Europe/Warsaw), by default on the user's day as every search."
    )
    async def results(
        self,
        info: Info,
        after: str | None = None,
        limit: int = 50,
        customer_id: strawberry.ID | None = None,
        time_zone: str | None = None,
    ) -> SearchResults:
        ctx = info.context
        criteria = await ctx.services.views.run_criteria(
            ctx.principal,
            self.view.id,
            customer_id=None if customer_id is None else str(customer_id),
            time_zone=time_zone,
        )
        if criteria is None:  # a view naming other customers, shown inside this one
            return await search_results(ctx, SearchResult((), 0, True, (), None))
        result = await ctx.services.search.search(ctx.principal, criteria, after=after, limit=limit)
        return await search_results(ctx, result)

    @strawberry.field(description="Whether the caller may change, move and delete it.")
    async def can_edit(self, info: Info) -> bool:
        ctx = info.context
        return await ctx.services.views.may_change(ctx.principal, self.view)


@strawberry.input
class CreateViewInput:
    name: str
    description: str | None = None
    audience: ViewAudienceInput
    placement: PlacementEnum
    criteria: SearchCriteriaInput

    def to_domain(self) -> ViewDraft:
        return ViewDraft(
            name=self.name,
            description=self.description,
            audience=self.audience.to_domain(),
            placement=Placement(self.placement.value),
            criteria=self.criteria.to_domain(),
        )


@strawberry.input(description="What to change; a field left out stays as it is.")
class UpdateViewInput:
    name: str | None = None
    description: str | None = strawberry.field(default=None, description='"" clears it.')
    audience: ViewAudienceInput | None = None
    placement: PlacementEnum | None = None
    criteria: SearchCriteriaInput | None = strawberry.field(
        default=None, description="Replaces the criteria as a whole."
    )

    def to_domain(self) -> ViewPatch:
        return ViewPatch(
            name=self.name,
            description=self.description,
            audience=self.audience.to_domain() if self.audience else None,
            placement=Placement(self.placement.value) if self.placement else None,
            criteria=self.criteria.to_domain() if self.criteria else None,
        )


_Errors = ValidationError | NotFoundError | ForbiddenError
ViewResult = Annotated[ViewNode | _Errors, strawberry.union("SavedViewResult")]


async def _answer(work: Awaitable[T], node: Callable[[T], ViewNode | Removed]) -> object:
    try:
        return node(await work)
    except DossierError as exc:
        return _as_error(exc)


@strawberry.type
class ViewQuery:
    @strawberry.field(
        description="The views the caller sees: the tenant's, their groups' (by group name), "
        "then their own; each in its own order."
    )
    async def views(
        self,
        info: Info,
        placement: PlacementEnum | None = None,
        group_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only this group's views (its members; administrators for any)."
            ),
        ] = None,
    ) -> list[ViewNode]:
        ctx = info.context
        where = Placement(placement.value) if placement else None
        group = None if group_id is None else str(group_id)
        found = await ctx.services.views.views(ctx.principal, where, group)
        return [ViewNode.of(v) for v in found]

    @strawberry.field
    async def view(self, info: Info, id: strawberry.ID) -> ViewNode:
        ctx = info.context
        return ViewNode.of(await ctx.services.views.view(ctx.principal, str(id)))


@strawberry.type
class ViewMutation:
    @strawberry.mutation(
        description="Save a view: personal (anyone who reads), for a group (its members who "
        "write, administrators) or tenant-wide (administrators)."
    )
    async def create_view(self, info: Info, input: CreateViewInput) -> ViewResult:
        ctx = info.context
        return await _answer(  # type: ignore[return-value]
            ctx.services.views.create(ctx.principal, input.to_domain()), ViewNode.of
        )

    @strawberry.mutation
    async def update_view(
        self, info: Info, id: strawberry.ID, input: UpdateViewInput
    ) -> ViewResult:
        ctx = info.context
        return await _answer(  # type: ignore[return-value]
            ctx.services.views.update(ctx.principal, str(id), input.to_domain()), ViewNode.of
        )

    @strawberry.mutation(description="Put a view at a place of its shelf (0 first).")
    async def move_view(self, info: Info, id: strawberry.ID, position: int) -> ViewResult:
        ctx = info.context
        return await _answer(  # type: ignore[return-value]
            ctx.services.views.move(ctx.principal, str(id), position), ViewNode.of
        )

    @strawberry.mutation
    async def delete_view(self, info: Info, id: strawberry.ID) -> RemovedResult:
        ctx = info.context
        return await _answer(  # type: ignore[return-value]
            ctx.services.views.delete(ctx.principal, str(id)), lambda v: Removed(id=id)
        )
