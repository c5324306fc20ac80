"""Bad input (issue 4): each hostile file is archived as uploaded when it is a legitimate file, its
preview job ends cleanly with a recorded reason ("no preview"), and the worker goes on to the next
job; a 0-byte upload is refused with a stable code and writes nothing (both engines)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from backend.documents.repository import PiccoloDocumentRepository
from backend.errors import EmptyUpload
from backend.jobs.registry import job_handlers
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context
from tests.samples.nasty import nasty_files, slow_pdf
from tests.samples.test_golden_samples import SAMPLES


def with_previews(runtime: Runtime, **changes: Any) -> Runtime:
    """The session's runtime with other preview settings (same database and blobs)."""
    settings = runtime.settings
    previews = dataclasses.replace(settings.previews, **changes)
    return Runtime(
        settings=dataclasses.replace(settings, previews=previews),
        database=runtime.database,
        blobs=runtime.blobs,
        clock=runtime.clock,
    )


async def run_jobs(runtime: Runtime) -> int:
    worker = runtime.worker(job_handlers(runtime))
    done = 0
    while await worker.run_once() is not None:
        done += 1
    return done


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


@pytest.mark.slow
async def test_hostile_files_are_kept_and_get_no_preview_with_a_reason(
    runtime: Runtime, ctx: TenantContext
) -> None:
    files = nasty_files()
    customer = await ctx.customer()
    documents = {
        name: await ctx.document(customer, filename=name, data=data)
        for name, (data, _) in files.items()
    }
    await run_jobs(runtime)
    services = runtime.services()
    ids = [d.id for d in documents.values()]
    versions = [v[0] for v in await services.documents.versions_of(ctx.principal, ids)]
    previews = await services.documents.previews(ctx.principal, [v.id for v in versions])
    got = {name: (p.state, p.reason) for name, p in zip(files, previews, strict=True)}
    assert got == {
        name: ("ready", None) if reason is None else ("none", reason)
        for name, (_, reason) in files.items()
    }
    for version, (name, (data, _)) in zip(versions, files.items(), strict=True):
        _, stored = await services.documents.content(ctx.principal, version.id)
        assert stored == data, f"{name} is archived as uploaded"
    with tenant_scope(ctx.tenant.id):
        jobs = await runtime.database.fetch(
            "SELECT state, last_error FROM job WHERE tenant = {} AND kind = 'document.preview' "
            "AND state = 'dead'",
            ctx.tenant.id,
        )
    refused = sorted(r for _, r in files.values() if r and r != "no_preview_for_type")
    assert sorted(str(j["last_error"]) for j in jobs) == refused, "each failed cleanly, once"


async def test_a_pdf_that_renders_too_long_is_stopped(runtime: Runtime, ctx: TenantContext) -> None:
    quick = with_previews(runtime, pdf_timeout_seconds=1)  # before the memory ceiling
    document = await ctx.document(await ctx.customer(), filename="slow.pdf", data=slow_pdf())
    await run_jobs(quick)
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    [preview] = await services.documents.previews(ctx.principal, [version.id])
    assert (preview.state, preview.reason) == ("none", "pdf_render_timeout")


@pytest.mark.slow
async def test_a_pdf_that_needs_too_much_memory_is_stopped(
    runtime: Runtime, ctx: TenantContext
) -> None:
    patient = with_previews(runtime, pdf_timeout_seconds=120)
    document = await ctx.document(await ctx.customer(), filename="heavy.pdf", data=slow_pdf())
    await run_jobs(patient)
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    [preview] = await services.documents.previews(ctx.principal, [version.id])
    assert (preview.state, preview.reason) == ("none", "pdf_too_complex"), "512 MiB ceiling"


async def test_office_files_without_libreoffice_download_with_no_preview(
    runtime: Runtime, ctx: TenantContext
) -> None:
    without = with_previews(runtime, soffice="")
    docx = (SAMPLES / "offer.docx").read_bytes()
    document = await ctx.document(await ctx.customer(), filename="offer.docx", data=docx)
    await run_jobs(without)
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    [preview] = await services.documents.previews(ctx.principal, [version.id])
    assert (preview.state, preview.reason) == ("none", "converter_unavailable")
    texts = await PiccoloDocumentRepository().texts_of(ctx.tenant.id, [version.id])
    assert (texts[version.id].state, texts[version.id].reason) == ("none", "converter_unavailable")
    _, stored = await services.documents.content(ctx.principal, version.id)
    assert stored == docx


async def test_an_empty_file_is_refused_and_nothing_is_written(ctx: TenantContext) -> None:
    customer = await ctx.customer()
    before = await ctx.count("document"), await ctx.count("blob")
    with pytest.raises(EmptyUpload) as refused:
        await ctx.document(customer, filename="empty.pdf", data=b"")
    assert refused.value.code == "empty_upload"
    assert (await ctx.count("document"), await ctx.count("blob")) == before
