"""A worker extracting the text of large scans stays within 512 MiB: a multi-page TIFF of
48-megapixel pages and a scanned PDF with a page that claims to be five metres square, read in a
worker process of its own whose peak memory (and that of its Tesseract processes) is measured."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from backend.documents.extraction import EXTRACT_JOB, extract_job
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.domain.scans import FONT, tiff_pages
from tests.factories import make_tenant_context

LIMIT_MIB = 512


def big_scan(size: tuple[int, int], words: str) -> Image.Image:
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 120)
    for row in range(12):
        draw.text((300, 300 + row * 400), f"{words} {row}", font=font, fill=0)
    return page


def huge_page_pdf() -> bytes:
    """A scanned PDF of three pages; the last claims to be 5 m by 5 m."""
    document = FPDF(format="A4")
    for words in ("Lieferschein", "Anlage"):
        document.add_page()
        document.image(big_scan((2480, 3508), words), x=0, y=0, w=210)
    document.add_page(format=(5000, 5000))
    document.image(big_scan((4000, 4000), "Plan"), x=0, y=0, w=5000)
    return bytes(document.output())


@pytest.mark.slow
async def test_a_worker_reading_large_scans_stays_under_512_mib(
    runtime: Runtime, settings_env: dict[str, str]
) -> None:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    tiff = tiff_pages([big_scan((6000, 8000), f"Seite {n}") for n in range(3)])
    documents = [
        await ctx.document(customer, "letter", filename="scan.tif", data=tiff),
        await ctx.document(customer, "letter", filename="scan.pdf", data=huge_page_pdf()),
    ]
    # A PDF's text job follows its preview; here it is queued as the preview job would.
    [[pdf_version]] = await runtime.services().documents.versions_of(
        ctx.principal, [documents[1].id]
    )
    with tenant_scope(ctx.tenant.id):
        async with runtime.database.write():
            await runtime.services().jobs.enqueue(extract_job(ctx.tenant.id, pdf_version.id))
    with tenant_scope(ctx.tenant.id):
        jobs = await runtime.database.fetch(
            "SELECT id FROM job WHERE tenant = {} AND kind = {} ORDER BY created_at",
            ctx.tenant.id,
            EXTRACT_JOB,
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | settings_env
    env["MALLOC_ARENA_MAX"] = "2"  # as the image and deployment docs set it
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.jobs.extract_process",
        ctx.tenant.id,
        *[str(j["id"]) for j in jobs],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 600)
    with tenant_scope(ctx.tenant.id):  # done here: no later test's worker reads them again
        async with runtime.database.write():
            await runtime.database.fetch(
                "UPDATE job SET state = 'done' WHERE tenant = {} AND kind = {}",
                ctx.tenant.id,
                EXTRACT_JOB,
            )
    assert process.returncode == 0, err.decode()[-2000:]
    peak = json.loads(out.decode().strip().splitlines()[-1])
    assert peak["worker_mib"] < LIMIT_MIB, peak
    assert peak["tesseract_mib"] < LIMIT_MIB, peak

    versions = await runtime.services().documents.versions_of(
        ctx.principal, [d.id for d in documents]
    )
    texts = await runtime.services().documents.texts(ctx.principal, [v[0].id for v in versions])
    assert [(t.state, t.page_count) for t in texts] == [("ready", 3), ("ready", 3)]
    assert "Seite 2" in texts[0].text
    assert "Plan" in texts[1].text, "the huge page is read at a bounded size"
    print(peak)  # shown with pytest -s
