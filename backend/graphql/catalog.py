"""GraphQL for a tenant's configuration: the tenant, its registers and document types."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backend.documents.models import DocumentType
from backend.documents.ocr_languages import ocr_languages_of
from backend.dossiers.models import Register
from backend.errors import DossierError
from backend.fields import FieldDef
from backend.graphql.context import Info
from backend.graphql.errors import ForbiddenError, ValidationError, as_error
from backend.tenancy.models import Tenant

__all__ = [
    "CatalogMutation",
    "CatalogQuery",
    "DocumentTypeNode",
    "FieldDefNode",
    "RegisterNode",
    "TenantNode",
]


@strawberry.type(
    name="FieldDef", description="A typed field of the cover sheet or a document type."
)
class FieldDefNode:
    key: str
    label: str
    type: str = strawberry.field(description="text, number, money, date or choice")
    required: bool
    choices: list[str]

    @classmethod
    def of(cls, f: FieldDef) -> FieldDefNode:
        return cls(
            key=f.key,
            label=f.label,
            type=f.type.value,
            required=f.required,
            choices=list(f.choices),
        )


@strawberry.type(name="Register", description="A tab of every dossier (Correspondence, Offers, …).")
class RegisterNode:
    id: strawberry.ID
    key: str
    name: str
    parent_id: strawberry.ID | None
    position: int

    @classmethod
    def of(cls, r: Register) -> RegisterNode:
        return cls(
            id=strawberry.ID(r.id),
            key=r.key,
            name=r.name,
            parent_id=strawberry.ID(r.parent_id) if r.parent_id else None,
            position=r.position,
        )


@strawberry.type(name="DocumentType")
class DocumentTypeNode:
    id: strawberry.ID
    key: str
    name: str
    fields: list[FieldDefNode]
    default_register_keys: list[str]
    retention_years: int = strawberry.field(description="0: no retention duty.")
    retention_from: str = strawberry.field(
        description="Where the retention period starts: document_date or end_of_year."
    )

    @classmethod
    def of(cls, t: DocumentType) -> DocumentTypeNode:
        return cls(
            id=strawberry.ID(t.id),
            key=t.key,
            name=t.name,
            fields=[FieldDefNode.of(f) for f in t.fields],
            default_register_keys=list(t.default_registers),
            retention_years=t.retention_years,
            retention_from=t.retention_from,
        )


@strawberry.type(name="Tenant")
class TenantNode:
    id: strawberry.ID
    slug: str
    name: str
    locale: str
    cover_fields: list[FieldDefNode]
    ocr_languages: str = strawberry.field(
        description="Tesseract languages scans are read in (eng, deu, pol joined by +)."
    )
    ocr_languages_chosen: bool = strawberry.field(
        description="False: the languages follow the locale."
    )

    @classmethod
    def of(cls, t: Tenant) -> TenantNode:
        return cls(
            id=strawberry.ID(t.id),
            slug=t.slug,
            name=t.name,
            locale=t.locale,
            cover_fields=[FieldDefNode.of(f) for f in t.cover_schema],
            ocr_languages=ocr_languages_of(t.ocr_languages, t.locale),
            ocr_languages_chosen=t.ocr_languages is not None,
        )


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="The signed-in user's tenant and its cover-sheet schema.")
    async def tenant(self, info: Info) -> TenantNode:
        ctx = info.context
        return TenantNode.of(await ctx.services.catalog.tenant(ctx.principal.tenant_id))

    @strawberry.field(description="The register tree, in display order.")
    async def registers(self, info: Info) -> list[RegisterNode]:
        ctx = info.context
        return [
            RegisterNode.of(r)
            for r in await ctx.services.catalog.registers(ctx.principal.tenant_id)
        ]

    @strawberry.field
    async def document_types(self, info: Info) -> list[DocumentTypeNode]:
        ctx = info.context
        types = await ctx.services.catalog.document_types(ctx.principal.tenant_id)
        return [DocumentTypeNode.of(t) for t in types]


@strawberry.type(description="Texts queued to be read again.")
class Reextraction:
    queued: int = strawberry.field(description="Jobs queued now (0: nothing, or all queued).")


ReextractionResult = Annotated[
    Reextraction | ValidationError | ForbiddenError, strawberry.union("ReextractionResult")
]

TenantResult = Annotated[
    TenantNode | ValidationError | ForbiddenError, strawberry.union("TenantResult")
]


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(
        description="Choose the languages scans are read in, e.g. deu+eng (administrators); "
        "null: those of the tenant's locale. Applies to documents uploaded from now on, and with "
        "reextract also to the texts OCR has read (see reextractTexts)."
    )
    async def set_ocr_languages(
        self, info: Info, languages: str | None, reextract: bool = False
    ) -> TenantResult:
        ctx = info.context
        try:
            tenant = await ctx.services.catalog.set_ocr_languages(ctx.principal, languages)
            if reextract:
                await ctx.services.reextraction.reextract(ctx.principal, "ocr")
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return TenantNode.of(tenant)

    @strawberry.mutation(
        description="Have texts read again in the OCR languages of now (administrators; "
        "audited): source ocr queues every version whose text OCR read. Asking again before "
        "the jobs ran queues nothing twice."
    )
    async def reextract_texts(self, info: Info, source: str = "ocr") -> ReextractionResult:
        ctx = info.context
        try:
            queued = await ctx.services.reextraction.reextract(ctx.principal, source.strip())
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return Reextraction(queued=queued)
