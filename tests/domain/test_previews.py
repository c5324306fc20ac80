"""Previews made by the background job after upload: images get WebP renditions, files without a
renderer and broken images get "no preview" with a reason, and the file is archived as uploaded
either way (both engines)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from backend.documents.previews import NO_RENDERER, PREVIEW_JOB, SCREEN_JOB
from backend.jobs.models import JobState
from backend.jobs.registry import job_handlers
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.domain.test_pdf_preview import pdf as letter_pdf
from tests.factories import TenantContext, make_tenant_context


def photo(size: tuple[int, int] = (1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG", quality=80)
    return out.getvalue()


async def _run_preview_jobs(runtime: Runtime, ctx: TenantContext) -> None:
    worker = runtime.worker(job_handlers(runtime))
    while await worker.run_once() is not None:
        pass


async def _jobs(ctx: TenantContext) -> list[dict[str, object]]:
    with tenant_scope(ctx.tenant.id):
        return await ctx.runtime.database.fetch(
            # Uploads queue notification jobs too (docs/adr/0019); these tests look at previews.
            "SELECT id, kind, state, attempts, last_error FROM job WHERE tenant = {} "
            "AND kind LIKE 'document.preview%'",
            ctx.tenant.id,
        )


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


async def test_an_uploaded_photo_gets_thumbnail_and_screen_renditions(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    document = await ctx.document(customer, "letter", filename="site.jpg", data=photo())
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    [pending] = await services.documents.previews(ctx.principal, [version.id])
    assert pending.state == "pending"
    [job] = await _jobs(ctx)
    assert (job["kind"], job["state"]) == (PREVIEW_JOB, "queued"), "queued with the upload"

    await _run_preview_jobs(runtime, ctx)
    [ready] = await services.documents.previews(ctx.principal, [version.id])
    assert (ready.state, ready.page_count, ready.width, ready.height) == ("ready", 1, 1200, 900)
    sizes = {r.kind: (r.width, r.height) for r in ready.renditions}
    assert sizes == {"thumbnail": (320, 240), "screen": (1200, 900)}
    thumbnail = next(r for r in ready.renditions if r.kind == "thumbnail")
    ref, data = await services.documents.rendition(ctx.principal, thumbnail.id)
    assert (ref.mime_type, data[:4], data[8:12]) == ("image/webp", b"RIFF", b"WEBP")
    assert sorted((j["kind"], j["state"]) for j in await _jobs(ctx)) == [
        (PREVIEW_JOB, JobState.DONE.value),
        (SCREEN_JOB, JobState.DONE.value),
    ], "the thumbnail first, then the screen image in a job of its own"

    # The same job delivered twice (a worker died after the work): same renditions, no more.
    [row] = [j for j in await _jobs(ctx) if j["kind"] == PREVIEW_JOB]
    stored = await PiccoloJobRepository().get(ctx.tenant.id, str(row["id"]))
    assert stored is not None
    with tenant_scope(ctx.tenant.id):
        await job_handlers(runtime)[PREVIEW_JOB](stored)
    [again] = await services.documents.previews(ctx.principal, [version.id])
    assert sorted((r.kind, r.sha256) for r in again.renditions) == sorted(
        (r.kind, r.sha256) for r in ready.renditions
    )
    assert len(await _jobs(ctx)) == 2, "the screen job is queued once (dedupe key)"


async def test_pdfs_show_page_one_and_other_files_say_why_not(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    pdf = await ctx.document(customer, "letter", data=letter_pdf(1))
    text = await ctx.document(
        customer, "letter", filename="prices.csv", data=b"item;price\r\nSchraube;0,12\r\n"
    )
    html = await ctx.document(
        customer, "letter", filename="page.html", data=b"<html><body>hi</body></html>"
    )
    good = photo((64, 48))
    broken = await ctx.document(customer, "letter", filename="cut.jpg", data=good[: len(good) // 3])
    await _run_preview_jobs(runtime, ctx)
    services = runtime.services()
    versions = await services.documents.versions_of(
        ctx.principal, [pdf.id, text.id, html.id, broken.id]
    )
    previews = await services.documents.previews(ctx.principal, [v[0].id for v in versions])
    assert [(p.state, p.reason, p.page_count) for p in previews] == [
        ("ready", None, 1),
        ("ready", None, 2),
        ("none", NO_RENDERER, None),
        ("none", "corrupt_image", None),
    ]
    [shown] = previews[1].renditions
    _, body = await services.documents.rendition(ctx.principal, shown.id)
    assert (shown.kind, shown.mime_type) == ("text", "text/plain; charset=utf-8")
    assert body == b"item;price\nSchraube;0,12\n"
    states = sorted((j["kind"], j["state"], j["last_error"]) for j in await _jobs(ctx))
    assert states == [
        (PREVIEW_JOB, "dead", "corrupt_image"),
        (PREVIEW_JOB, "done", None),
        (PREVIEW_JOB, "done", None),
        (PREVIEW_JOB, "done", None),
    ], "PDFs get both images in one job; no screen job for text or what has no preview"
    # The broken file is archived as uploaded and downloads unchanged.
    _, data = await services.documents.content(ctx.principal, versions[3][0].id)
    assert data == good[: len(good) // 3]


async def test_deleting_a_document_removes_its_previews_not_a_twins(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    picture = photo((400, 300))
    old = await ctx.document(
        customer, "letter", filename="a.jpg", data=picture, document_date=dt.date(2001, 5, 1)
    )
    twin = await ctx.document(
        customer, "letter", filename="b.jpg", data=picture, document_date=dt.date(2001, 6, 1)
    )
    await _run_preview_jobs(runtime, ctx)
    services = runtime.services()
    versions = await services.documents.versions_of(ctx.principal, [old.id, twin.id])
    old_preview, twin_preview = await services.documents.previews(
        ctx.principal, [v[0].id for v in versions]
    )
    shared = {r.sha256 for r in old_preview.renditions}
    assert shared == {r.sha256 for r in twin_preview.renditions}, "same picture, same images"
    files_before = len(ctx.blob_files())
    assert files_before == 1 + len(shared), "one upload and its images, each stored once"

    await services.archive.delete(ctx.principal, old.id, "retention ended")
    [gone] = await services.documents.previews(ctx.principal, [versions[0][0].id])
    assert (gone.state, gone.renditions) == ("pending", ())
    assert len(ctx.blob_files()) == files_before, "the twin still uses content and images"
    for rendition in twin_preview.renditions:
        _, data = await services.documents.rendition(ctx.principal, rendition.id)
        assert data[8:12] == b"WEBP"

    await services.archive.delete(ctx.principal, twin.id, "retention ended")
    assert ctx.blob_files() == [], "with the last user gone, content and images go"
