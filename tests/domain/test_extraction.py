"""Text extraction as the background job does it after upload (both engines): the text is pending
with the upload, a worker reads it in the tenant's OCR languages, stores it and queues the search
index in the same transaction; files without text say why, and a worker goes on after each."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from backend.documents.extraction import EXTRACT_JOB, SEARCH_INDEX_JOB
from backend.documents.models import VersionText
from backend.documents.previews import PREVIEW_JOB
from backend.documents.repository import PiccoloDocumentRepository
from backend.errors import Forbidden, ValidationFailed
from backend.jobs.registry import job_handlers
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.domain.scans import GERMAN, POLISH, encoded, scan, text_pdf
from tests.factories import TenantContext, make_tenant_context


async def _extract(runtime: Runtime) -> int:
    """Run every due extraction job (of any tenant), and the preview jobs a PDF's text job follows;
    how many ran."""
    handlers = job_handlers(runtime)
    worker = runtime.worker({kind: handlers[kind] for kind in (PREVIEW_JOB, EXTRACT_JOB)})
    ran = 0
    while await worker.run_once() is not None:
        ran += 1
    return ran


async def _jobs(ctx: TenantContext, kind: str) -> list[dict[str, object]]:
    with tenant_scope(ctx.tenant.id):
        return await ctx.runtime.database.fetch(
            "SELECT id, state, payload, dedupe_key, last_error FROM job "
            "WHERE tenant = {} AND kind = {} ORDER BY created_at",
            ctx.tenant.id,
            kind,
        )


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


async def _version_id(ctx: TenantContext, document_id: str) -> str:
    [[version]] = await ctx.runtime.services().documents.versions_of(ctx.principal, [document_id])
    return version.id


async def test_a_scan_is_read_in_the_tenants_languages_and_queued_for_search(
    runtime: Runtime, ctx: TenantContext
) -> None:
    services = runtime.services()
    assert await services.catalog.ocr_languages(ctx.tenant.id) == "eng", "an English tenant"
    await services.catalog.set_ocr_languages(ctx.principal, "pol+deu")
    customer = await ctx.customer()
    document = await ctx.document(
        customer, "letter", filename="scan.png", data=encoded(scan([GERMAN, POLISH]), "PNG")
    )
    version_id = await _version_id(ctx, document.id)
    [pending] = await services.documents.texts(ctx.principal, [version_id])
    assert pending.state == "pending"
    [job] = await _jobs(ctx, EXTRACT_JOB)
    assert (job["state"], job["dedupe_key"]) == ("queued", version_id), "queued with the upload"
    assert await _jobs(ctx, SEARCH_INDEX_JOB) == []

    assert await _extract(runtime) >= 1
    [text] = await services.documents.texts(ctx.principal, [version_id])
    assert (text.state, text.source, text.language, text.page_count, text.reason) == (
        "ready",
        "ocr",
        "pol+deu",
        1,
        None,
    )
    assert text.text.split() == f"{GERMAN} {POLISH}".split()
    [summary] = await services.documents.text_summaries(ctx.principal, [version_id])
    assert (summary.state, summary.length) == ("ready", len(text.text))
    [index] = await _jobs(ctx, SEARCH_INDEX_JOB)
    assert (index["state"], index["dedupe_key"]) == ("queued", None), "waits for its handler"
    assert json.loads(str(index["payload"])) == {"document": document.id}
    [job] = await _jobs(ctx, EXTRACT_JOB)
    assert job["state"] == "done"

    # Delivered again (a worker died after the work): the same text, and the document is
    # indexed again (no dedupe key on search jobs).
    stored = await PiccoloJobRepository().get(ctx.tenant.id, str(job["id"]))
    assert stored is not None
    with tenant_scope(ctx.tenant.id):
        await job_handlers(runtime)[EXTRACT_JOB](stored)
    [again] = await services.documents.texts(ctx.principal, [version_id])
    assert again == text
    assert len(await _jobs(ctx, SEARCH_INDEX_JOB)) == 2


async def test_pdfs_and_text_files_and_types_read_elsewhere(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    pdf = await ctx.document(
        customer, "letter", filename="offer.pdf", data=text_pdf([["Angebot 17", GERMAN]])
    )
    csv = await ctx.document(customer, "letter", filename="prices.csv", data=b"a;b\r\n1;2\r\n")
    mail = await ctx.document(
        customer,
        "letter",
        filename="mail.eml",
        data=b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Hallo\r\n\r\nText\r\n",
    )
    mailed = await ctx.document(
        customer,
        "letter",
        filename="other.eml",
        data=b"From: c@example.org\r\nTo: d@example.org\r\nSubject: Servus\r\n\r\nMehr\r\n",
    )
    versions = [await _version_id(ctx, d.id) for d in (pdf, csv, mail, mailed)]
    # Mails are the preview job's to read: extraction never touches them, so the second keeps
    # the text stored before the jobs ran (the mail reader writes it again, the same).
    repo = PiccoloDocumentRepository()
    with tenant_scope(ctx.tenant.id):
        await repo.set_version_text(
            ctx.tenant.id,
            VersionText(versions[3], mailed.id, "ready", "Servus Mehr", source="email"),
            runtime.clock(),
        )
    await _extract(runtime)
    texts = await runtime.services().documents.texts(ctx.principal, versions)
    assert [(t.state, t.source, t.reason, t.text) for t in texts[:2]] == [
        ("ready", "pdf_text", None, f"Angebot 17\n{GERMAN}"),
        ("ready", "text", None, "a;b\n1;2"),
    ]
    assert [(t.state, t.source) for t in texts[2:]] == [("ready", "email")] * 2
    assert "Servus" in texts[3].text
    assert sorted(str(j["state"]) for j in await _jobs(ctx, EXTRACT_JOB)) == ["done"] * 4
    indexed = [
        json.loads(str(j["payload"]))["document"] for j in await _jobs(ctx, SEARCH_INDEX_JOB)
    ]
    assert set(indexed) == {pdf.id, csv.id, mail.id, mailed.id}, "indexed when a text was stored"


async def test_broken_files_get_no_text_with_a_reason_and_the_worker_goes_on(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    good = encoded(scan(["Lieferschein 12"]), "PNG")
    broken = [
        ("cut.png", good[: len(good) // 4]),
        ("locked.pdf", text_pdf([["Geheim"]], password="pw")),
        ("bad.pdf", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"),
    ]
    documents = [
        await ctx.document(customer, "letter", filename=name, data=data) for name, data in broken
    ]
    fine = await ctx.document(customer, "letter", filename="ok.png", data=good)
    await _extract(runtime)
    versions = [await _version_id(ctx, d.id) for d in [*documents, fine]]
    texts = await runtime.services().documents.texts(ctx.principal, versions)
    assert [(t.state, t.reason) for t in texts] == [
        ("none", "corrupt_image"),
        ("none", "encrypted_pdf"),
        ("none", "corrupt_pdf"),
        ("ready", None),
    ]
    assert texts[3].text == "Lieferschein 12"
    states = sorted((str(j["state"]), j["last_error"]) for j in await _jobs(ctx, EXTRACT_JOB))
    assert states == [("dead", "corrupt_image"), ("done", None)], (
        "dead at once: retrying cannot help"
    )
    # A PDF's text job follows its preview; a PDF the preview refused has none, and its text
    # says why.
    refused = {str(j["last_error"]) for j in await _jobs(ctx, PREVIEW_JOB)}
    assert refused >= {"corrupt_image", "corrupt_pdf", "encrypted_pdf"}


async def test_a_deleted_documents_job_fails_for_good_and_writes_nothing(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    document = await ctx.document(
        customer,
        "letter",
        filename="old.png",
        data=encoded(scan(["Alt"]), "PNG"),
        document_date=dt.date(2001, 5, 1),
    )
    version_id = await _version_id(ctx, document.id)
    await runtime.services().archive.delete(ctx.principal, document.id, "retention ended")
    await _extract(runtime)
    [job] = await _jobs(ctx, EXTRACT_JOB)
    assert (job["state"], job["last_error"]) == ("dead", "document_deleted")
    with tenant_scope(ctx.tenant.id):
        assert await PiccoloDocumentRepository().texts_of(ctx.tenant.id, [version_id]) == {}
    assert await _jobs(ctx, SEARCH_INDEX_JOB) == []


async def test_only_administrators_choose_valid_ocr_languages(
    runtime: Runtime, ctx: TenantContext
) -> None:
    catalog = runtime.services().catalog
    _, clerk = await ctx.user("clerk")
    with pytest.raises(Forbidden):
        await catalog.set_ocr_languages(clerk, "deu")
    with pytest.raises(ValidationFailed) as invalid:
        await catalog.set_ocr_languages(ctx.principal, "deu+fra")
    assert [(i.field, i.code) for i in invalid.value.issues] == [
        ("ocrLanguages", "invalid_language")
    ]
    tenant = await catalog.set_ocr_languages(ctx.principal, " DEU+eng")
    assert tenant.ocr_languages == "deu+eng"
    assert await runtime.services().catalog.ocr_languages(ctx.tenant.id) == "deu+eng"
    assert (await catalog.set_ocr_languages(ctx.principal, None)).ocr_languages is None
    with tenant_scope(ctx.tenant.id):
        rows = await runtime.database.fetch(
            "SELECT details FROM audit_event WHERE tenant = {} AND action = {} ORDER BY seq",
            ctx.tenant.id,
            "tenant.update",
        )
    assert len(rows) == 2, "both changes audited"
    german = await catalog.create_tenant("ocr-" + ctx.tenant.slug[:40], "GmbH", "de")
    assert await catalog.ocr_languages(german.id) == "deu+eng", "the locale's, plus English"
