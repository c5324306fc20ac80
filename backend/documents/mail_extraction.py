"""The e-mail branch of the preview job: a mail's headers and body are stored with its version,
its body becomes the version's text, and its attachments become documents of their own.

Attachments are uploaded through :class:`backend.documents.service.DocumentService` as the person
who uploaded the mail (with that person's grants now), so they pass the same checks, get their own
previews and audit events, and sit in the mail's dossier, with the mail's document type, index
values, registers and status: an invoice mailed as a PDF is then an invoice in the invoice register.
An attachment that cannot be a document (a refused file type or name, missing rights, a limit) is
recorded with its reason in ``MailMessage.skipped`` instead.

Each attachment document and its :class:`DocumentLink` are written in one transaction, and the link
is unique per mail version and position, so a job that runs again (at least once delivery) adds
only what is still missing. A mail attached to a mail is an attachment like any other and is read
when its own preview job runs; below ``max_nesting`` levels of mails inside mails, attachments are
no longer extracted (``too_deep``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend.access.policy import Principal
from backend.documents.imaging import PreviewRefused
from backend.documents.mail import MailAttachment, ParsedMail, parse_mail
from backend.documents.models import (
    Document,
    DocumentDraft,
    DocumentLink,
    MailMessage,
    NewContent,
    SkippedFile,
    Version,
    VersionText,
)
from backend.documents.ports import DocumentRepository
from backend.errors import DossierError
from backend.ids import new_id
from backend.jobs.models import NewJob
from backend.jobs.queue import JobQueue
from backend.ports import Clock, Transactions

if TYPE_CHECKING:  # the service queues preview jobs, whose handler comes here: no import cycle
    from backend.documents.service import DocumentService

__all__ = ["SEARCH_INDEX_JOB", "MailExtraction", "MailLimits", "index_later"]

SEARCH_INDEX_JOB = "search.index"
ATTACHMENT = "attachment"

#: Who acts for a job: the principal of a user of a tenant with their grants now, or None.
ActAs = Callable[[str, str], Awaitable[Principal | None]]


@dataclass(frozen=True, slots=True)
class MailLimits:
    max_bytes: int = 50 << 20
    """Largest mail file read (bigger ones are archived with no preview, ``mail_too_large``)."""

    max_attachments: int = 100
    """Most attachments of one mail made into documents; the rest are listed as skipped."""

    max_attachment_bytes: int = 100 << 20
    """Most decoded bytes of all attachments of one mail made into documents."""

    max_nesting: int = 2
    """Levels of mails attached to mails whose attachments are still extracted."""


async def index_later(jobs: JobQueue, tenant_id: str, document_id: str) -> None:
    """In the caller's transaction: the search index takes the document's new text."""
    await jobs.enqueue(NewJob(tenant_id, SEARCH_INDEX_JOB, {"document": document_id}))


class MailExtraction:
    def __init__(
        self,
        repo: DocumentRepository,
        documents: Callable[[], DocumentService],
        act_as: ActAs,
        tx: Transactions,
        clock: Clock,
        jobs: JobQueue,
        limits: MailLimits,
    ) -> None:
        self._repo = repo
        self._documents = documents
        self._act_as = act_as
        self._tx = tx
        self._clock = clock
        self._jobs = jobs
        self._limits = limits

    async def extract(self, version: Version, document: Document, data: bytes) -> ParsedMail:
        """Read the mail, make its attachments documents, store what it says and its text.

        Raises ``PreviewRefused`` for a file too large or not readable as a mail."""
        limits = self._limits
        if len(data) > limits.max_bytes:
            raise PreviewRefused("mail_too_large", f"{len(data)} bytes, at most {limits.max_bytes}")
        mail = await asyncio.to_thread(
            parse_mail,
            data,
            max_attachments=limits.max_attachments,
            max_total_bytes=limits.max_attachment_bytes,
        )
        tenant_id = version.tenant_id
        skipped = [SkippedFile(s.position, s.filename, s.size, s.reason) for s in mail.skipped]
        if mail.attachments:
            if await self._nesting(tenant_id, document.id) >= limits.max_nesting:
                skipped += [
                    SkippedFile(a.position, a.filename, len(a.data), "too_deep")
                    for a in mail.attachments
                ]
            else:
                skipped += await self._attach(version, document, mail.attachments)
        now = self._clock()
        message = MailMessage(
            version_id=version.id,
            document_id=document.id,
            sender=mail.sender,
            to=mail.to,
            cc=mail.cc,
            sent_at=mail.date,
            subject=mail.subject,
            message_id=mail.message_id,
            text=mail.text,
            html=mail.html,
            skipped=tuple(sorted(skipped, key=lambda s: s.position)),
        )
        text = VersionText(
            version.id,
            document.id,
            "ready",
            text="\n".join(filter(None, [mail.subject, mail.text])),
            source="email",
            page_count=1,
        )
        async with self._tx.write():
            await self._repo.set_mail(tenant_id, message, now)
            await self._repo.set_version_text(tenant_id, text, now)
            await index_later(self._jobs, tenant_id, document.id)
        return mail

    async def _nesting(self, tenant_id: str, document_id: str) -> int:
        """How many mails this document is attached to, one inside the other."""
        depth, current, seen = 0, document_id, {document_id}
        while depth <= self._limits.max_nesting:
            links = await self._repo.links_of(tenant_id, [current])
            parents = [
                link.parent_id
                for link in links.get(current, [])
                if link.child_id == current and link.kind == ATTACHMENT
            ]
            if not parents or parents[0] in seen:
                break
            current = parents[0]
            seen.add(current)
            depth += 1
        return depth

    async def _attach(
        self, version: Version, mail: Document, attachments: tuple[MailAttachment, ...]
    ) -> list[SkippedFile]:
        tenant_id = version.tenant_id
        done = {
            link.position for link in await self._repo.links_from_version(tenant_id, version.id)
        }
        todo = [a for a in attachments if a.position not in done]
        if not todo:
            return []
        principal = (
            await self._act_as(tenant_id, version.created_by) if version.created_by else None
        )
        if principal is None:
            return [SkippedFile(a.position, a.filename, len(a.data), "no_author") for a in todo]
        documents = self._documents()
        [registers] = await documents.registers_of(principal, [mail.id])
        skipped: list[SkippedFile] = []
        for attachment in todo:
            draft = DocumentDraft(
                customer_id=mail.customer_id,
                document_type_id=mail.document_type_id,
                title=attachment.filename,
                document_date=mail.document_date,
                index_values=dict(mail.index_values),
                register_ids=list(registers),
                content=NewContent(attachment.filename, attachment.data),
                status=mail.status if mail.status != "deleted" else "active",
            )
            try:
                async with self._tx.write():
                    child = await documents.upload(principal, draft)
                    await self._repo.add_link(
                        DocumentLink(
                            id=new_id(),
                            tenant_id=tenant_id,
                            parent_id=mail.id,
                            child_id=child.id,
                            kind=ATTACHMENT,
                            source_version_id=version.id,
                            position=attachment.position,
                            filename=attachment.filename,
                            size=len(attachment.data),
                            created_at=self._clock(),
                        )
                    )
            except DossierError as refused:
                skipped.append(
                    SkippedFile(
                        attachment.position, attachment.filename, len(attachment.data), refused.code
                    )
                )
        return skipped
