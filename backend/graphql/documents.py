"""GraphQL for documents: one document with versions and history; upload, new version, metadata,
registers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from backend.documents.models import Document, MetadataChange, MetadataPatch, NewContent, Version
from backend.errors import DossierError
from backend.graphql.accounts import UserNode
from backend.graphql.catalog import DocumentTypeNode, RegisterNode
from backend.graphql.context import Info
from backend.graphql.customers import CustomerNode, json_object
from backend.graphql.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UploadError,
    ValidationError,
    as_error,
)
from backend.graphql.uploads import read_upload

__all__ = ["DocumentMutation", "DocumentNode", "DocumentQuery", "VersionNode"]


async def _user(info: Info, user_id: str | None) -> UserNode | None:
    if user_id is None:
        return None
    user = await info.context.loaders.users.load(user_id)
    return UserNode.of(user) if user else None


@strawberry.type(name="Version", description="An immutable content version of a document.")
class VersionNode:
    id: strawberry.ID
    number: int
    filename: str
    mime_type: str
    size: int
    sha256: str
    comment: str
    created_at: dt.datetime
    created_by_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, v: Version) -> VersionNode:
        return cls(
            id=strawberry.ID(v.id),
            number=v.number,
            filename=v.filename,
            mime_type=v.mime_type,
            size=v.size,
            sha256=v.sha256,
            comment=v.comment,
            created_at=v.created_at,
            created_by_id=v.created_by,
        )

    @strawberry.field
    async def created_by(self, info: Info) -> UserNode | None:
        return await _user(info, self.created_by_id)

    @strawberry.field(description="Download as an attachment.")
    def download_url(self) -> str:
        return f"/files/{self.id}"

    @strawberry.field(description="Show in the browser (attachment for types unsafe inline).")
    def view_url(self) -> str:
        return f"/files/{self.id}?inline=1"


@strawberry.type(name="MetadataChange")
class MetadataChangeNode:
    revision: int
    field: str
    old_value: JSON | None
    new_value: JSON | None
    changed_at: dt.datetime
    changed_by_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, c: MetadataChange) -> MetadataChangeNode:
        return cls(
            revision=c.revision,
            field=c.field,
            old_value=c.old_value,
            new_value=c.new_value,
            changed_at=c.changed_at,
            changed_by_id=c.changed_by,
        )

    @strawberry.field
    async def changed_by(self, info: Info) -> UserNode | None:
        return await _user(info, self.changed_by_id)


@strawberry.type(name="Document")
class DocumentNode:
    id: strawberry.ID
    title: str
    document_date: dt.date
    status: str
    index_values: JSON
    revision: int = strawberry.field(description="Grows with every metadata change.")
    version_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    customer_id: strawberry.ID
    document_type_id: strawberry.ID
    created_by_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, d: Document) -> DocumentNode:
        return cls(
            id=strawberry.ID(d.id),
            title=d.title,
            document_date=d.document_date,
            status=d.status,
            index_values=JSON(d.index_values),
            revision=d.revision,
            version_count=d.version_count,
            created_at=d.created_at,
            updated_at=d.updated_at,
            customer_id=strawberry.ID(d.customer_id),
            document_type_id=strawberry.ID(d.document_type_id),
            created_by_id=d.created_by,
        )

    @strawberry.field
    async def customer(self, info: Info) -> CustomerNode | None:
        customer = await info.context.loaders.customers.load(str(self.customer_id))
        return CustomerNode.of(customer) if customer else None

    @strawberry.field
    async def document_type(self, info: Info) -> DocumentTypeNode:
        ctx = info.context
        return DocumentTypeNode.of(
            await ctx.services.catalog.document_type(
                ctx.principal.tenant_id, str(self.document_type_id)
            )
        )

    @strawberry.field(description="Registers the document is filed in (no copies).")
    async def registers(self, info: Info) -> list[RegisterNode]:
        ctx = info.context
        ids = set(await ctx.loaders.registers.load(str(self.id)))
        registers = await ctx.services.catalog.registers(ctx.principal.tenant_id)
        return [RegisterNode.of(r) for r in registers if r.id in ids]

    @strawberry.field(description="All versions, oldest first.")
    async def versions(self, info: Info) -> list[VersionNode]:
        return [VersionNode.of(v) for v in await info.context.loaders.versions.load(str(self.id))]

    @strawberry.field
    async def current_version(self, info: Info) -> VersionNode | None:
        versions = await info.context.loaders.versions.load(str(self.id))
        return VersionNode.of(versions[-1]) if versions else None

    @strawberry.field(description="Who changed which metadata field, when, from what to what.")
    async def history(self, info: Info) -> list[MetadataChangeNode]:
        ctx = info.context
        changes = await ctx.services.documents.history(ctx.principal, str(self.id))
        return [MetadataChangeNode.of(c) for c in changes]

    @strawberry.field
    async def created_by(self, info: Info) -> UserNode | None:
        return await _user(info, self.created_by_id)


@strawberry.input
class UploadDocumentInput:
    customer_id: strawberry.ID
    document_type_id: strawberry.ID
    title: str
    file: Upload
    document_date: dt.date | None = None
    index_values: JSON | None = None
    register_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Registers to file into; the type's defaults when left out."
    )


@strawberry.input(description="Fields left out stay unchanged; in indexValues, null clears a key.")
class DocumentMetadataInput:
    title: str | None = None
    document_date: dt.date | None = None
    status: str | None = None
    index_values: JSON | None = None
    expected_revision: int | None = strawberry.field(
        default=None, description="Refuse with a conflict if the document changed since."
    )


DocumentResult = Annotated[
    DocumentNode | ValidationError | NotFoundError | ConflictError | ForbiddenError | UploadError,
    strawberry.union("DocumentResult"),
]
VersionResult = Annotated[
    VersionNode | ValidationError | NotFoundError | ForbiddenError | UploadError,
    strawberry.union("VersionResult"),
]


@strawberry.type
class DocumentQuery:
    @strawberry.field
    async def document(self, info: Info, id: strawberry.ID) -> DocumentNode:
        ctx = info.context
        return DocumentNode.of(await ctx.services.documents.get(ctx.principal, str(id)))


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(description="Upload a new document (multipart request).")
    async def upload_document(self, info: Info, input: UploadDocumentInput) -> DocumentResult:
        from backend.documents.models import DocumentDraft

        ctx = info.context
        try:
            draft = DocumentDraft(
                customer_id=str(input.customer_id),
                document_type_id=str(input.document_type_id),
                title=input.title,
                document_date=input.document_date,
                index_values=json_object(input.index_values, "indexValues") or {},
                register_ids=None
                if input.register_ids is None
                else [str(r) for r in input.register_ids],
                content=await read_upload(input.file, ctx.settings.limits.max_upload_bytes),
            )
            document = await ctx.services.documents.upload(ctx.principal, draft)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return DocumentNode.of(document)

    @strawberry.mutation(description="Add a new content version; earlier versions stay.")
    async def add_version(
        self, info: Info, document_id: strawberry.ID, file: Upload, comment: str = ""
    ) -> VersionResult:
        ctx = info.context
        try:
            content: NewContent = await read_upload(file, ctx.settings.limits.max_upload_bytes)
            version = await ctx.services.documents.add_version(
                ctx.principal, str(document_id), content, comment
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return VersionNode.of(version)

    @strawberry.mutation
    async def update_document_metadata(
        self, info: Info, id: strawberry.ID, input: DocumentMetadataInput
    ) -> DocumentResult:
        ctx = info.context
        try:
            patch = MetadataPatch(
                title=input.title,
                document_date=input.document_date,
                status=input.status,
                index_values=json_object(input.index_values, "indexValues"),
            )
            document = await ctx.services.documents.update_metadata(
                ctx.principal, str(id), patch, input.expected_revision
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return DocumentNode.of(document)

    @strawberry.mutation(description="File the document in exactly these registers.")
    async def assign_registers(
        self, info: Info, document_id: strawberry.ID, register_ids: list[strawberry.ID]
    ) -> DocumentResult:
        ctx = info.context
        try:
            document = await ctx.services.documents.assign_registers(
                ctx.principal, str(document_id), [str(r) for r in register_ids]
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return DocumentNode.of(document)
