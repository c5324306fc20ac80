"""GraphQL for customers: search, one customer, create and update."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from backend.customers.models import Address, AddressKind, Contact, Customer, CustomerDraft
from backend.errors import DossierError, ValidationFailed
from backend.geo.models import GeoState, Quality
from backend.graphql.context import Info
from backend.graphql.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
    as_error,
)

if TYPE_CHECKING:
    from backend.graphql.dossiers import DossierNode
    from backend.graphql.visits import VisitConnection

__all__ = [
    "AddressNode",
    "CustomerMutation",
    "CustomerNode",
    "CustomerQuery",
    "GeoStateEnum",
    "PageInfo",
    "QualityEnum",
    "json_object",
]


def json_object(value: object, field: str) -> dict[str, object] | None:
    """A JSON input that must be an object (or absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed.one(field, "invalid_value", "must be an object of values by key")
    return value


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.enum(name="GeoState", description="Where an address's position comes from.")
class GeoStateEnum(Enum):
    PENDING = GeoState.PENDING.value
    LOCATED = GeoState.LOCATED.value
    MANUAL = GeoState.MANUAL.value
    NOT_FOUND = GeoState.NOT_FOUND.value
    FAILED = GeoState.FAILED.value
    OFF = GeoState.OFF.value


@strawberry.enum(name="PositionQuality", description="How precise a position is.")
class QualityEnum(Enum):
    EXACT = Quality.EXACT.value
    BUILDING = Quality.BUILDING.value
    STREET = Quality.STREET.value
    LOCALITY = Quality.LOCALITY.value
    REGION = Quality.REGION.value

    @classmethod
    def of(cls, quality: Quality | None) -> QualityEnum | None:
        return None if quality is None else cls(quality.value)


@strawberry.type(name="Address")
class AddressNode:
    id: strawberry.ID
    kind: str = strawberry.field(description="billing or delivery")
    label: str
    street: str
    postal_code: str
    city: str
    country: str
    latitude: float | None
    longitude: float | None
    geo_state: GeoStateEnum = strawberry.field(
        description="PENDING while the geocoder works; MANUAL positions were placed by a person "
        "and are never overwritten; OFF: no geocoder is configured."
    )
    geo_quality: QualityEnum | None
    geo_updated_at: dt.datetime | None

    @classmethod
    def of(cls, a: Address) -> AddressNode:
        return cls(
            id=strawberry.ID(a.id),
            kind=a.kind.value,
            label=a.label,
            street=a.street,
            postal_code=a.postal_code,
            city=a.city,
            country=a.country,
            latitude=a.latitude,
            longitude=a.longitude,
            geo_state=GeoStateEnum(a.geo_state.value),
            geo_quality=QualityEnum.of(a.geo_quality),
            geo_updated_at=a.geo_updated_at,
        )


@strawberry.type(name="Contact")
class ContactNode:
    id: strawberry.ID
    name: str
    role: str
    email: str
    phone: str

    @classmethod
    def of(cls, c: Contact) -> ContactNode:
        return cls(id=strawberry.ID(c.id), name=c.name, role=c.role, email=c.email, phone=c.phone)


@strawberry.type(name="Customer")
class CustomerNode:
    id: strawberry.ID
    erp_number: str
    name: str
    status: str
    key_data: JSON
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, c: Customer) -> CustomerNode:
        return cls(
            id=strawberry.ID(c.id),
            erp_number=c.erp_number,
            name=c.name,
            status=c.status,
            key_data=JSON(c.key_data),
            revision=c.revision,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )

    @strawberry.field
    async def addresses(self, info: Info) -> list[AddressNode]:
        return [AddressNode.of(a) for a in await info.context.loaders.addresses.load(str(self.id))]

    @strawberry.field
    async def contacts(self, info: Info) -> list[ContactNode]:
        return [ContactNode.of(c) for c in await info.context.loaders.contacts.load(str(self.id))]

    @strawberry.field(description="The customer's dossier: cover sheet, registers, documents.")
    def dossier(self) -> Annotated[DossierNode, strawberry.lazy("backend.graphql.dossiers")]:
        from backend.graphql.dossiers import DossierNode

        return DossierNode(customer_id=str(self.id))

    @strawberry.field(description="When the customer was last visited (by anyone); null: never.")
    async def last_visit_at(self, info: Info) -> dt.datetime | None:
        return await info.context.loaders.last_visits.load(str(self.id))

    @strawberry.field(description="The customer's visits, latest first (first: 1 to 100).")
    async def visits(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Annotated[VisitConnection, strawberry.lazy("backend.graphql.visits")]:
        from backend.graphql.visits import visit_connection

        return await visit_connection(info, str(self.id), first, after)


@strawberry.type
class CustomerConnection:
    items: list[CustomerNode]
    page_info: PageInfo


@strawberry.input
class AddressInput:
    kind: str
    street: str
    postal_code: str
    city: str
    country: str
    label: str = ""
    latitude: float | None = strawberry.field(
        default=None,
        description="With longitude: a position placed by hand (MANUAL). Left out, the address "
        "keeps its position while its text is unchanged, else it is geocoded.",
    )
    longitude: float | None = None

    def to_domain(self) -> Address:
        kind = (
            AddressKind(self.kind) if self.kind in AddressKind.__members__.values() else self.kind
        )
        return Address(
            kind=kind,  # type: ignore[arg-type]  # an unknown kind is reported by the service
            street=self.street,
            postal_code=self.postal_code,
            city=self.city,
            country=self.country,
            label=self.label,
            latitude=self.latitude,
            longitude=self.longitude,
        )


@strawberry.input
class ContactInput:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""

    def to_domain(self) -> Contact:
        return Contact(name=self.name, role=self.role, email=self.email, phone=self.phone)


@strawberry.input(description="Fields left out (null) stay unchanged on update.")
class CustomerInput:
    erp_number: str | None = None
    name: str | None = None
    status: str | None = None
    key_data: JSON | None = strawberry.field(
        default=None, description="Cover-sheet values by key; null for a key clears it."
    )
    addresses: list[AddressInput] | None = strawberry.field(
        default=None, description="Replaces all addresses when given."
    )
    contacts: list[ContactInput] | None = strawberry.field(
        default=None, description="Replaces all contacts when given."
    )

    def to_domain(self) -> CustomerDraft:
        return CustomerDraft(
            erp_number=self.erp_number,
            name=self.name,
            status=self.status,
            key_data=json_object(self.key_data, "keyData"),
            addresses=None if self.addresses is None else [a.to_domain() for a in self.addresses],
            contacts=None if self.contacts is None else [c.to_domain() for c in self.contacts],
        )


CustomerResult = Annotated[
    CustomerNode | ValidationError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("CustomerResult"),
]


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="Customers by name (accents and case ignored) or ERP number.")
    async def customers(
        self, info: Info, search: str = "", first: int = 20, after: str | None = None
    ) -> CustomerConnection:
        ctx = info.context
        page = await ctx.services.customers.search(ctx.principal, search, first, after)
        return CustomerConnection(
            items=[CustomerNode.of(c) for c in page.items],
            page_info=PageInfo(
                has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor
            ),
        )

    @strawberry.field
    async def customer(self, info: Info, id: strawberry.ID) -> CustomerNode:
        ctx = info.context
        return CustomerNode.of(await ctx.services.customers.get(ctx.principal, str(id)))


@strawberry.type
class CustomerMutation:
    @strawberry.mutation
    async def create_customer(self, info: Info, input: CustomerInput) -> CustomerResult:
        ctx = info.context
        try:
            draft = input.to_domain()
            customer = await ctx.services.customers.create(ctx.principal, draft)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return CustomerNode.of(customer)

    @strawberry.mutation
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: CustomerInput
    ) -> CustomerResult:
        ctx = info.context
        try:
            draft = input.to_domain()
            customer = await ctx.services.customers.update(ctx.principal, str(id), draft)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return CustomerNode.of(customer)
