"""The pages of a PDF: the first ones rendered by the preview job, later ones on demand in the
isolated renderer, each stored once however many ask at the same time; refusals with stable
codes; a PDF whose later page is hostile keeps its page one and its other pages' text (both
engines)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from backend.documents import pages as pages_module
from backend.documents.imaging import Rendition
from backend.documents.pages import page_entries
from backend.documents.repository import PiccoloDocumentRepository
from backend.errors import NotFound, PageUnavailable
from backend.runtime import Runtime
from tests.domain.test_pdf_preview import pdf as letter_pdf
from tests.domain.test_previews import _run_preview_jobs
from tests.factories import TenantContext, make_tenant_context
from tests.samples.nasty import hostile_second_page_pdf


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


async def _version_id(ctx: TenantContext, document_id: str) -> str:
    [[version]] = await ctx.runtime.services().documents.versions_of(ctx.principal, [document_id])
    return version.id


async def test_the_first_three_pages_are_rendered_and_later_ones_on_demand_once(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    document = await ctx.document(customer, "letter", data=letter_pdf(7))
    version_id = await _version_id(ctx, document.id)
    services = runtime.services()
    with pytest.raises(PageUnavailable) as early:
        await services.pages.render(ctx.principal, version_id, 5)
    assert early.value.code == "preview_pending"

    await _run_preview_jobs(runtime, ctx)
    [preview] = await services.documents.previews(ctx.principal, [version_id])
    assert (preview.state, preview.page_count, len(preview.page_sizes)) == ("ready", 7, 7)
    entries = page_entries(preview, 1, 20)
    assert [(e.number, e.rendition is not None) for e in entries] == [
        (1, True),
        (2, True),
        (3, True),
        (4, False),
        (5, False),
        (6, False),
        (7, False),
    ]
    assert [e.number for e in page_entries(preview, 6, 5)] == [6, 7]
    assert all((e.width, e.height) == preview.page_sizes[0] for e in entries)

    # Three requests for page 5 at once: one render, one stored rendition, the same answer.
    answers = await asyncio.gather(
        *(services.pages.render(ctx.principal, version_id, 5) for _ in range(3))
    )
    assert len({ref.id for ref, _ in answers}) == 1
    ref, data = answers[0]
    assert (ref.kind, ref.page, ref.height, data[8:12]) == ("screen", 5, 1600, b"WEBP")
    assert (ref.width, ref.height) == preview.page_sizes[4]
    again, _ = await runtime.services().pages.render(ctx.principal, version_id, 5)
    assert again == ref
    [after] = await services.documents.previews(ctx.principal, [version_id])
    assert sorted(r.page for r in after.renditions if r.kind == "screen") == [1, 2, 3, 5]
    stored, body = await services.documents.rendition(ctx.principal, ref.id)
    assert (stored, body) == (ref, data), "served like any rendition"

    # A second writer that lost the race gets the first one's rendition, not an error.
    repo = PiccoloDocumentRepository()
    racer = dataclasses.replace(ref, id="00000000-0000-4000-8000-000000000005", sha256="0" * 64)
    async with runtime.database.write():
        kept = await repo.add_rendition(ctx.tenant.id, racer, runtime.clock())
    assert kept == ref


@pytest.mark.parametrize("page", [0, 8, -3])
async def test_a_page_the_pdf_does_not_have_is_refused_with_a_stable_code(
    runtime: Runtime, ctx: TenantContext, page: int
) -> None:
    customer = await ctx.customer()
    document = await ctx.document(customer, "letter", data=letter_pdf(7))
    version_id = await _version_id(ctx, document.id)
    await _run_preview_jobs(runtime, ctx)
    with pytest.raises(PageUnavailable) as refused:
        await runtime.services().pages.render(ctx.principal, version_id, page)
    assert refused.value.code == "page_out_of_range"


async def test_pages_are_for_readers_of_the_document_and_pdfs_only(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    document = await ctx.document(customer, "letter", data=letter_pdf(4))
    photo = await ctx.document(customer, "letter", filename="notes.txt", data=b"hello\n")
    version_id = await _version_id(ctx, document.id)
    await _run_preview_jobs(runtime, ctx)
    pages = runtime.services().pages
    _, nobody = await ctx.user(role="none")
    with pytest.raises(NotFound):
        await pages.render(nobody, version_id, 4)
    other = await make_tenant_context(runtime)
    with pytest.raises(NotFound):
        await pages.render(other.principal, version_id, 4)
    _, viewer = await ctx.user(role="viewer")
    ref, _ = await pages.render(viewer, version_id, 4)
    assert ref.page == 4, "reading is enough, as for any rendition"
    with pytest.raises(PageUnavailable) as text:
        await pages.render(ctx.principal, await _version_id(ctx, photo.id), 1)
    assert text.value.code == "no_pages"
    with pytest.raises(NotFound):
        await pages.render(ctx.principal, "not-an-id", 1)


async def test_a_hostile_second_page_leaves_page_one_and_the_other_pages_text(
    runtime: Runtime, ctx: TenantContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview job's renderer dies on page two: page one is shown alone; page two on demand
    is refused with the renderer's reason, and a second request gets that answer without a second
    render; the text job reads pages one and three and records
    why page two is missing. The worker goes on with the next job."""
    customer = await ctx.customer()
    document = await ctx.document(customer, "letter", data=hostile_second_page_pdf())
    version_id = await _version_id(ctx, document.id)
    await _run_preview_jobs(runtime, ctx)
    services = runtime.services()
    [preview] = await services.documents.previews(ctx.principal, [version_id])
    assert (preview.state, preview.page_count) == ("ready", 3)
    assert sorted((r.kind, r.page) for r in preview.renditions) == [
        ("screen", 1),
        ("thumbnail", 1),
    ]
    renders: list[int] = []
    render_page = pages_module.render_page_isolated

    async def counted(data: bytes, page: int, *, time_limit: float) -> Rendition:
        renders.append(page)
        return await render_page(data, page, time_limit=time_limit)

    monkeypatch.setattr(pages_module, "render_page_isolated", counted)
    with pytest.raises(PageUnavailable) as refused:
        await services.pages.render(ctx.principal, version_id, 2)
    assert refused.value.code in {"pdf_too_complex", "pdf_render_timeout"}
    with pytest.raises(PageUnavailable) as again:  # remembered: not rendered a second time
        await services.pages.render(ctx.principal, version_id, 2)
    assert (again.value.code, str(again.value)) == (refused.value.code, str(refused.value))
    third, _ = await services.pages.render(ctx.principal, version_id, 3)
    assert renders == [2, 3]
    assert third.page == 3
    [text] = await services.documents.texts(ctx.principal, [version_id])
    assert (text.state, text.source, text.reason) == ("ready", "pdf_text", "pdf_too_complex")
    assert "Rechnung 4711" in text.text
    assert "Lieferschein 815" in text.text
