"""GraphQL for documents: one document with versions and history; upload, new version, metadata,
registers; legal hold and deletion after retention."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload
from strawberry.scalars import JSON

from backend.accounts.models import User
from backend.documents.models import (
    Document,
    DocumentLink,
    MailMessage,
    MetadataPatch,
    NewContent,
    Preview,
    Tombstone,
    Version,
)
from backend.documents.pages import page_entries
from backend.documents.retention import retention_until
from backend.errors import DossierError, FieldIssue, ValidationFailed
from backend.graphql.accounts import UserNode
from backend.graphql.catalog import DocumentTypeNode, RegisterNode
from backend.graphql.context import Context, Info
from backend.graphql.customers import CustomerNode, json_object
from backend.graphql.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UploadError,
    ValidationError,
    as_error,
)
from backend.graphql.renditions import (
    MAX_PAGES_PER_CALL,
    PageNode,
    RenditionNode,
    rendition_node,
)
from backend.graphql.texts import VersionTextNode
from backend.graphql.uploads import read_upload

__all__ = [
    "DocumentMutation",
    "DocumentNode",
    "DocumentQuery",
    "VersionNode",
    "document_node",
    "document_nodes",
    "readable_nodes",
]


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
    created_by: UserNode | None

    @classmethod
    def of(cls, v: Version, users: Mapping[str, User | None]) -> VersionNode:
        return cls(
            id=strawberry.ID(v.id),
            number=v.number,
            filename=v.filename,
            mime_type=v.mime_type,
            size=v.size,
            sha256=v.sha256,
            comment=v.comment,
            created_at=v.created_at,
            created_by=_user_node(users, v.created_by),
        )

    @strawberry.field(description="How the version shows: renditions once a job made them.")
    async def preview(self, info: Info) -> PreviewNode:
        ctx = info.context
        [preview] = await ctx.loaders.previews.load_many([str(self.id)])
        return PreviewNode.of(preview)

    @strawberry.field(
        description="Pages first … first + count - 1 of a PDF (or converted office) version, as "
        "many as it has (at most 100 per call); empty for other files and until the preview is "
        "made. The page count is preview.pageCount."
    )
    async def pages(self, info: Info, first: int = 1, count: int = 20) -> list[PageNode]:
        issues = []
        if first < 1:
            issues.append(FieldIssue("first", "too_small", "first counts from 1"))
        if not 1 <= count <= MAX_PAGES_PER_CALL:
            issues.append(
                FieldIssue("count", "out_of_range", f"count is 1 to {MAX_PAGES_PER_CALL}")
            )
        if issues:
            raise ValidationFailed(issues)
        [preview] = await info.context.loaders.previews.load_many([str(self.id)])
        return [PageNode.of(e) for e in page_entries(preview, first, count)]

    @strawberry.field(
        description="What an e-mail version says: headers, body and attachments; null for other "
        "files and until its preview job has read it."
    )
    async def mail(self, info: Info) -> MailNode | None:
        ctx = info.context
        mail = await ctx.loaders.mails.load(str(self.id))
        return None if mail is None else await MailNode.of(ctx, mail)

    @strawberry.field(description="The text extracted for search: state, source, the text.")
    async def text(self, info: Info) -> VersionTextNode:
        [summary] = await info.context.loaders.text_summaries.load_many([str(self.id)])
        return VersionTextNode.of(summary)

    @strawberry.field(description="Download as an attachment.")
    def download_url(self) -> str:
        return f"/files/{self.id}"

    @strawberry.field(description="Show in the browser (attachment for types unsafe inline).")
    def view_url(self) -> str:
        return f"/files/{self.id}?inline=1"


def _user_node(users: Mapping[str, User | None], user_id: str | None) -> UserNode | None:
    user = users.get(user_id) if user_id else None
    return UserNode.of(user) if user else None


@strawberry.enum(name="PreviewState")
class PreviewStateEnum(Enum):
    PENDING = "pending"
    READY = "ready"
    NONE = "none"


@strawberry.type(name="Preview")
class PreviewNode:
    state: PreviewStateEnum
    reason: str | None = strawberry.field(description="Why there is no preview (state NONE).")
    page_count: int | None
    width: int | None
    height: int | None
    renditions: list[RenditionNode] = strawberry.field(
        description="The images of page one (a PDF's other pages: Version.pages)."
    )

    @classmethod
    def of(cls, p: Preview) -> PreviewNode:
        return cls(
            state=PreviewStateEnum(p.state),
            reason=p.reason,
            page_count=p.page_count,
            width=p.width,
            height=p.height,
            renditions=[rendition_node(r) for r in p.renditions if r.page == 1],
        )


@strawberry.type(name="MailAttachment", description="A file attached to an e-mail.")
class MailAttachmentNode:
    filename: str
    size: int
    document: DocumentNode | None = strawberry.field(
        description="The document the attachment became (null if you may not read it, or if it "
        "did not become one: see skippedReason)."
    )
    skipped_reason: str | None = strawberry.field(
        description="Why the attachment is no document: too_many, too_large, too_deep, "
        "no_author, or the upload's error code (content_mismatch, invalid_filename …)."
    )


@strawberry.type(name="Mail", description="The headers and body of an e-mail version.")
class MailNode:
    from_: str = strawberry.field(name="from")
    to: list[str]
    cc: list[str]
    date: dt.datetime | None
    subject: str
    message_id: str
    text: str = strawberry.field(description="The plain body, or the HTML body as text.")
    html: str | None = strawberry.field(
        description="The HTML body, sanitised: no scripts, styles, event handlers or images."
    )
    attachments: list[MailAttachmentNode]

    @classmethod
    async def of(cls, ctx: Context, mail: MailMessage) -> MailNode:
        links = [
            link
            for link in await ctx.loaders.links.load(mail.document_id)
            if link.source_version_id == mail.version_id
        ]
        children = await _linked_nodes(ctx, [link.child_id for link in links])
        attachments = [
            (
                link.position,
                MailAttachmentNode(
                    filename=link.filename,
                    size=link.size,
                    document=children.get(link.child_id),
                    skipped_reason=None,
                ),
            )
            for link in links
        ] + [
            (
                s.position,
                MailAttachmentNode(
                    filename=s.filename, size=s.size, document=None, skipped_reason=s.reason
                ),
            )
            for s in mail.skipped
        ]
        return cls(
            from_=mail.sender,
            to=list(mail.to),
            cc=list(mail.cc),
            date=mail.sent_at,
            subject=mail.subject,
            message_id=mail.message_id,
            text=mail.text,
            html=mail.html,
            attachments=[node for _, node in sorted(attachments, key=lambda pair: pair[0])],
        )


@strawberry.type(name="DocumentLink", description="A document that came out of another.")
class DocumentLinkNode:
    kind: str = strawberry.field(description="attachment: a file attached to an e-mail.")
    filename: str
    size: int
    document: DocumentNode | None = strawberry.field(
        description="The document at the other end (null if you may not read it)."
    )


async def readable_nodes(ctx: Context, ids: list[str]) -> list[DocumentNode | None]:
    """Nodes of the documents ``ids`` in their order; None for those the caller may not read."""
    readable = await ctx.services.documents.readable(ctx.principal, sorted(set(ids)))
    nodes = {str(n.id): n for n in await document_nodes(ctx, readable)}
    return [nodes.get(i) for i in ids]


async def _linked_nodes(ctx: Context, ids: list[str]) -> dict[str, DocumentNode]:
    found = await ctx.loaders.readable_nodes.load_many(ids)
    return {i: n for i, n in zip(ids, found, strict=True) if n is not None}


async def _link_nodes(
    ctx: Context, links: list[DocumentLink], other: str
) -> list[DocumentLinkNode]:
    ends = [getattr(link, other) for link in links]
    nodes = await _linked_nodes(ctx, ends)
    return [
        DocumentLinkNode(
            kind=link.kind, filename=link.filename, size=link.size, document=nodes.get(end)
        )
        for link, end in zip(links, ends, strict=True)
    ]


@strawberry.type(name="MetadataChange")
class MetadataChangeNode:
    revision: int
    field: str
    old_value: JSON | None
    new_value: JSON | None
    changed_at: dt.datetime
    changed_by: UserNode | None


@strawberry.type(name="LegalHold", description="While set, the document cannot be deleted.")
class LegalHoldNode:
    reason: str
    set_at: dt.datetime
    set_by: UserNode | None


@strawberry.type(
    name="DocumentTombstone",
    description="What remains of a document deleted after its retention period.",
)
class TombstoneNode:
    document_id: strawberry.ID
    deleted_at: dt.datetime
    deleted_by: UserNode | None
    reason: str


@strawberry.type(name="Document")
class DocumentNode:
    """Built by :func:`document_nodes`, which fetches the relations of a whole page at once, so
    that listing 50 documents costs a fixed number of statements and no resolver per field."""

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
    customer: CustomerNode | None
    document_type: DocumentTypeNode
    registers: list[RegisterNode] = strawberry.field(
        description="Registers the document is filed in (no copies)."
    )
    versions: list[VersionNode] = strawberry.field(description="All versions, oldest first.")
    current_version: VersionNode | None
    created_by: UserNode | None
    retention_until: dt.date | None = strawberry.field(
        description="Last day the document must be kept; null: its type has no retention duty."
    )
    legal_hold: LegalHoldNode | None

    @strawberry.field(description="Documents made from this one: the attachments of a mail.")
    async def attachments(self, info: Info) -> list[DocumentLinkNode]:
        ctx = info.context
        links = await ctx.loaders.links.load(str(self.id))
        return await _link_nodes(ctx, [k for k in links if k.parent_id == self.id], "child_id")

    @strawberry.field(description="Documents this one came out of: the mails it was attached to.")
    async def attached_to(self, info: Info) -> list[DocumentLinkNode]:
        ctx = info.context
        links = await ctx.loaders.links.load(str(self.id))
        return await _link_nodes(ctx, [k for k in links if k.child_id == self.id], "parent_id")

    @strawberry.field(description="Who changed which metadata field, when, from what to what.")
    async def history(self, info: Info) -> list[MetadataChangeNode]:
        ctx = info.context
        changes = await ctx.services.documents.history(ctx.principal, str(self.id))
        users = await _users(ctx, [c.changed_by for c in changes])
        return [
            MetadataChangeNode(
                revision=c.revision,
                field=c.field,
                old_value=JSON(c.old_value),
                new_value=JSON(c.new_value),
                changed_at=c.changed_at,
                changed_by=_user_node(users, c.changed_by),
            )
            for c in changes
        ]


async def _users(ctx: Context, ids: Iterable[str | None]) -> dict[str, User | None]:
    wanted = sorted({i for i in ids if i})
    return dict(zip(wanted, await ctx.loaders.users.load_many(wanted), strict=True))


async def document_nodes(ctx: Context, documents: list[Document]) -> list[DocumentNode]:
    """Nodes for a page of documents, with every relation fetched in one batch per kind."""
    if not documents:
        return []
    ids = [d.id for d in documents]
    tenant_id = ctx.principal.tenant_id
    versions, register_ids, customers, types, registers = await asyncio.gather(
        # A page asks once for all its documents: direct calls, no per-key loader futures.
        ctx.services.documents.versions_of(ctx.principal, ids),
        ctx.services.documents.registers_of(ctx.principal, ids),
        ctx.loaders.customers.load_many(sorted({d.customer_id for d in documents})),
        ctx.services.catalog.document_types(tenant_id),
        ctx.services.catalog.registers(tenant_id),
    )
    users = await _users(
        ctx,
        [d.created_by for d in documents]
        + [d.legal_hold.set_by for d in documents if d.legal_hold]
        + [v.created_by for vs in versions for v in vs],
    )
    customer_nodes = {c.id: CustomerNode.of(c) for c in customers if c is not None}
    types_by_id = {t.id: t for t in types}
    type_nodes = {t.id: DocumentTypeNode.of(t) for t in types}
    register_nodes = {r.id: RegisterNode.of(r) for r in registers}
    nodes = []
    for d, doc_versions, doc_registers in zip(documents, versions, register_ids, strict=True):
        version_nodes = [VersionNode.of(v, users) for v in doc_versions]
        filed = set(doc_registers)
        document_type = types_by_id[d.document_type_id]
        hold = d.legal_hold
        nodes.append(
            DocumentNode(
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
                customer=customer_nodes.get(d.customer_id),
                document_type=type_nodes[d.document_type_id],
                registers=[n for rid, n in register_nodes.items() if rid in filed],
                versions=version_nodes,
                current_version=version_nodes[-1] if version_nodes else None,
                created_by=_user_node(users, d.created_by),
                retention_until=retention_until(
                    d.document_date, document_type.retention_years, document_type.retention_from
                ),
                legal_hold=LegalHoldNode(
                    reason=hold.reason, set_at=hold.set_at, set_by=_user_node(users, hold.set_by)
                )
                if hold
                else None,
            )
        )
    return nodes


async def document_node(ctx: Context, document: Document) -> DocumentNode:
    return (await document_nodes(ctx, [document]))[0]


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
DeleteDocumentResult = Annotated[
    TombstoneNode | ValidationError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("DeleteDocumentResult"),
]
LegalHoldResult = Annotated[
    DocumentNode | ValidationError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("LegalHoldResult"),
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
        return await document_node(ctx, await ctx.services.documents.view(ctx.principal, str(id)))


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
        return await document_node(ctx, document)

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
        return VersionNode.of(version, await _users(ctx, [version.created_by]))

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
        return await document_node(ctx, document)

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
        return await document_node(ctx, document)

    @strawberry.mutation(
        description="Put the document under legal hold (administrators): no deletion until lifted."
    )
    async def set_legal_hold(
        self, info: Info, document_id: strawberry.ID, reason: str
    ) -> LegalHoldResult:
        ctx = info.context
        try:
            document = await ctx.services.archive.set_legal_hold(
                ctx.principal, str(document_id), reason
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return await document_node(ctx, document)

    @strawberry.mutation(description="Lift the legal hold of the document (administrators).")
    async def lift_legal_hold(
        self, info: Info, document_id: strawberry.ID, reason: str
    ) -> LegalHoldResult:
        ctx = info.context
        try:
            document = await ctx.services.archive.lift_legal_hold(
                ctx.principal, str(document_id), reason
            )
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        return await document_node(ctx, document)

    @strawberry.mutation(
        description="Delete the document after its retention period; a tombstone remains. "
        "Refused with retention_active before the retention date and legal_hold under hold."
    )
    async def delete_document(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> DeleteDocumentResult:
        ctx = info.context
        try:
            tombstone: Tombstone = await ctx.services.archive.delete(ctx.principal, str(id), reason)
        except DossierError as exc:
            return as_error(exc)  # type: ignore[return-value]
        users = await _users(ctx, [tombstone.deleted_by])
        return TombstoneNode(
            document_id=strawberry.ID(tombstone.document_id),
            deleted_at=tombstone.deleted_at,
            deleted_by=_user_node(users, tombstone.deleted_by),
            reason=tombstone.reason,
        )
