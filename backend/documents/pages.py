"""The pages of a PDF version: the first ones rendered by the preview job, any other on demand.

A page entry says how large the page shows (its screen size, known for every page from the
preview job) and, once rendered, its rendition. :meth:`PageService.render` renders a page that
has none yet in the isolated child process (:func:`~backend.documents.pdf_process.
render_page_isolated`, the previews' time and memory limits), keeps it in the tenant's blob store
as a ``screen`` rendition of that page, and returns it; a page rendered already is returned as it
is. Office documents show the pages of the PDF they were converted to.

Concurrency: within a process, one render per page at a time (later requests wait and get the
first one's rendition) and at most :attr:`PageRenders.concurrency` renders at all; across
processes the unique key (version, kind, page) keeps the first rendition stored and the others
answer with it. A page the renderer refused is answered with that refusal for
:attr:`PageRenders.refusal_seconds` without rendering it again: a hostile page costs its time
limit once, not once per request.

Errors (:class:`~backend.errors.PageUnavailable`, stable codes): ``page_out_of_range``,
``preview_pending`` (the preview job has not run), ``no_pages`` (not a paged document or no
preview), and the renderer's refusals (``pdf_too_complex``, ``pdf_render_timeout``,
``corrupt_pdf``). Who may read the document may see its pages.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from backend.access.policy import Principal
from backend.blobs.store import BlobStore
from backend.documents.feed import record_renditions
from backend.documents.imaging import PreviewRefused
from backend.documents.models import Document, Preview, RenditionRef, Version
from backend.documents.pdf_preview import PDF_TYPES
from backend.documents.pdf_process import render_page_isolated
from backend.documents.ports import DocumentRepository
from backend.documents.service import DocumentService
from backend.errors import NotFound, PageUnavailable
from backend.ids import new_id, parse_id
from backend.ports import Clock, Transactions

__all__ = ["PageEntry", "PageRenders", "PageService", "page_entries"]

SCREEN = "screen"


@dataclass(frozen=True, slots=True)
class PageEntry:
    """Page ``number`` (from 1) of a version, ``width`` × ``height`` as it shows."""

    version_id: str
    number: int
    width: int
    height: int
    rendition: RenditionRef | None


PageKey = tuple[str, str, int]
"""Tenant, version and page number."""


@dataclass
class PageRenders:
    """Renders on demand in this process: one per page at a time, ``concurrency`` in all; and
    the refusals of the last ``refusal_seconds`` (at most ``refusals_kept``, oldest forgotten)."""

    concurrency: int = 2
    refusal_seconds: float = 900.0
    refusals_kept: int = 1024
    _locks: dict[PageKey, asyncio.Lock] = field(default_factory=dict)
    _slots: asyncio.Semaphore | None = None
    _refusals: OrderedDict[PageKey, tuple[float, str, str]] = field(default_factory=OrderedDict)

    def refusal(self, key: PageKey) -> PageUnavailable | None:
        """The renderer's recent refusal of this page, if any, as a new error to raise."""
        found = self._refusals.get(key)
        if found is None:
            return None
        until, code, message = found
        if time.monotonic() >= until:
            del self._refusals[key]
            return None
        return PageUnavailable(code, message)

    def refused(self, key: PageKey, refusal: PageUnavailable) -> None:
        until = time.monotonic() + self.refusal_seconds
        self._refusals[key] = (until, refusal.code, str(refusal))
        self._refusals.move_to_end(key)
        while len(self._refusals) > self.refusals_kept:
            self._refusals.popitem(last=False)

    @asynccontextmanager
    async def turn(self, key: PageKey) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        try:
            async with lock, self._slots:
                yield
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]


def page_entries(preview: Preview, first: int, count: int) -> list[PageEntry]:
    """Entries for pages ``first`` … ``first + count - 1`` that the version has (none for a
    version without paged preview)."""
    sizes = preview.page_sizes
    screens = {r.page: r for r in preview.renditions if r.kind == SCREEN}
    last = min(len(sizes), first + count - 1)
    return [
        PageEntry(preview.version_id, n, *sizes[n - 1], screens.get(n))
        for n in range(max(1, first), last + 1)
    ]


class PageService:
    def __init__(
        self,
        documents: DocumentService,
        repo: DocumentRepository,
        blobs: BlobStore,
        tx: Transactions,
        clock: Clock,
        renders: PageRenders,
        time_limit: float,
    ) -> None:
        self._documents = documents
        self._repo = repo
        self._blobs = blobs
        self._tx = tx
        self._clock = clock
        self._renders = renders
        self._time_limit = time_limit

    async def render(
        self, principal: Principal, version_id: str, page: int
    ) -> tuple[RenditionRef, bytes]:
        """Page ``page`` of the version as a stored screen rendition and its bytes, rendered now
        if it had none (see the module for errors)."""
        tenant_id = principal.tenant_id
        version = await self._repo.version(tenant_id, parse_id("version", version_id))
        if version is None:
            raise NotFound("version", version_id)
        document = await self._documents.get(principal, version.document_id)
        preview = await self._preview(tenant_id, version)
        found = self._existing(preview, page)
        if found is None:
            key = (tenant_id, version.id, page)
            async with self._renders.turn(key):
                # Rendered, or refused, meanwhile by the request this one waited for?
                found = self._existing(await self._preview(tenant_id, version), page)
                if found is None:
                    if (refusal := self._renders.refusal(key)) is not None:
                        raise refusal
                    try:
                        found = await self._render(document, version, preview, page)
                    except PageUnavailable as refused:
                        self._renders.refused(key, refused)
                        raise
        return found, await self._blobs.get(tenant_id, found.sha256)

    async def _preview(self, tenant_id: str, version: Version) -> Preview:
        preview = (await self._repo.previews_of(tenant_id, [version.id])).get(version.id)
        if preview is None or preview.state == "pending":
            raise PageUnavailable("preview_pending", "the preview is not made yet")
        if preview.state != "ready" or not preview.page_sizes:
            raise PageUnavailable("no_pages", "this version has no pages to show")
        return preview

    @staticmethod
    def _existing(preview: Preview, page: int) -> RenditionRef | None:
        count = len(preview.page_sizes)
        if not 1 <= page <= count:
            raise PageUnavailable("page_out_of_range", f"page {page} of {count}")
        return next((r for r in preview.renditions if r.kind == SCREEN and r.page == page), None)

    async def _render(
        self, document: Document, version: Version, preview: Preview, page: int
    ) -> RenditionRef:
        tenant_id = version.tenant_id
        if version.mime_type in PDF_TYPES:
            source = version.sha256
        else:  # an office document: the PDF it was converted to
            pdf = next((r for r in preview.renditions if r.kind == "pdf"), None)
            if pdf is None:
                raise PageUnavailable("no_pages", "this version has no pages to show")
            source = pdf.sha256
        data = await self._blobs.get(tenant_id, source)
        try:
            made = await render_page_isolated(data, page, time_limit=self._time_limit)
        except PreviewRefused as refused:
            raise PageUnavailable(refused.reason, refused.detail or refused.reason) from None
        rendition = RenditionRef(
            id=new_id(),
            version_id=version.id,
            kind=made.kind,
            sha256=await self._blobs.put(tenant_id, made.data),
            mime_type=made.mime_type,
            size=len(made.data),
            width=made.width,
            height=made.height,
            page=page,
        )
        now = self._clock()
        async with self._tx.write():
            added = await self._repo.add_rendition(tenant_id, rendition, now)
            record_renditions(document, version.id, now)
            return added
