"""GraphQL for a customer's dossier: cover sheet, registers with counts, and its documents."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from backend.documents.models import DocumentFilter, DocumentSort, IndexFilter, SortField
from backend.errors import NotFound
from backend.graphql.catalog import RegisterNode
from backend.graphql.context import Info
from backend.graphql.customers import CustomerNode, PageInfo
from backend.graphql.documents import DocumentNode, document_nodes
from backend.ids import parse_id

__all__ = ["DossierNode", "DossierQuery"]


@strawberry.enum(name="DocumentSortField")
class DocumentSortFieldEnum(Enum):
    DOCUMENT_DATE = "document_date"
    CREATED_AT = "created_at"
    TITLE = "title"


@strawberry.input
class DocumentSortInput:
    field: DocumentSortFieldEnum = DocumentSortFieldEnum.DOCUMENT_DATE
    descending: bool = True


@strawberry.input(description="Equals, or a range (min/max) for number, money and date fields.")
class IndexFilterInput:
    field: str
    equals: JSON | None = None
    min: JSON | None = None
    max: JSON | None = None


@strawberry.input
class DocumentFilterInput:
    register_id: strawberry.ID | None = None
    document_type_id: strawberry.ID | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    index: list[IndexFilterInput] | None = strawberry.field(
        default=None, description="Index-value conditions; they need documentTypeId."
    )

    def to_domain(self) -> DocumentFilter:
        return DocumentFilter(
            register_id=parse_id("register", self.register_id) if self.register_id else None,
            document_type_id=(
                parse_id("document type", self.document_type_id) if self.document_type_id else None
            ),
            date_from=self.date_from,
            date_to=self.date_to,
            index=[
                IndexFilter(field=f.field, equals=f.equals, minimum=f.min, maximum=f.max)
                for f in self.index or []
            ],
        )


@strawberry.type
class DocumentConnection:
    items: list[DocumentNode]
    page_info: PageInfo


@strawberry.type
class CoverField:
    key: str
    label: str
    type: str
    value: JSON | None


@strawberry.type
class RegisterCount:
    register: RegisterNode
    count: int


@strawberry.type(name="Dossier")
class DossierNode:
    customer_id: strawberry.Private[str]

    @strawberry.field
    async def customer(self, info: Info) -> CustomerNode:
        customer = await info.context.loaders.customers.load(self.customer_id)
        if customer is None:
            raise NotFound("customer", self.customer_id)
        return CustomerNode.of(customer)

    @strawberry.field(description="The tenant's cover-sheet fields with this customer's values.")
    async def cover_fields(self, info: Info) -> list[CoverField]:
        ctx = info.context
        tenant = await ctx.services.catalog.tenant(ctx.principal.tenant_id)
        customer = await ctx.loaders.customers.load(self.customer_id)
        values = customer.key_data if customer else {}
        return [
            CoverField(key=f.key, label=f.label, type=f.type.value, value=JSON(values.get(f.key)))
            for f in tenant.cover_schema
        ]

    @strawberry.field
    async def document_count(self, info: Info) -> int:
        ctx = info.context
        return await ctx.services.documents.document_count(ctx.principal, self.customer_id)

    @strawberry.field(description="Every register of the tenant with this dossier's count.")
    async def registers(self, info: Info) -> list[RegisterCount]:
        ctx = info.context
        counts = await ctx.services.documents.register_counts(ctx.principal, self.customer_id)
        registers = await ctx.services.catalog.registers(ctx.principal.tenant_id)
        return [
            RegisterCount(register=RegisterNode.of(r), count=counts.get(r.id, 0)) for r in registers
        ]

    @strawberry.field
    async def documents(
        self,
        info: Info,
        filter: DocumentFilterInput | None = None,
        sort: DocumentSortInput | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> DocumentConnection:
        ctx = info.context
        sort_input = sort or DocumentSortInput()
        page = await ctx.services.documents.list(
            ctx.principal,
            self.customer_id,
            filter.to_domain() if filter else DocumentFilter(),
            DocumentSort(field=SortField(sort_input.field.value), descending=sort_input.descending),
            first,
            after,
        )
        return DocumentConnection(
            items=await document_nodes(ctx, page.items),
            page_info=PageInfo(
                has_next_page=page.next_cursor is not None, end_cursor=page.next_cursor
            ),
        )


@strawberry.type
class DossierQuery:
    @strawberry.field(description="The dossier of a customer.")
    async def dossier(self, info: Info, customer_id: strawberry.ID) -> DossierNode:
        customer = await info.context.loaders.customers.load(parse_id("customer", customer_id))
        if customer is None:
            raise NotFound("customer", customer_id)
        return DossierNode(customer_id=customer.id)
