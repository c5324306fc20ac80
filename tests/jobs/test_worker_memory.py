"""A real worker process over the hostile files (and an office document and a mail with 200
attachments) finishes every job and stays under 512 MiB, and so does every process it starts
(the PDF renderer, LibreOffice)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import make_tenant_context
from tests.owner import OwnerSql
from tests.samples.nasty import nasty_files, slow_pdf
from tests.samples.test_golden_samples import SAMPLES

LIMIT_KIB = 512 * 1024


@pytest.mark.slow
async def test_a_worker_stays_under_512_mib_over_hostile_files(
    runtime: Runtime, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    files = {name: data for name, (data, _) in nasty_files().items()}
    files["slow.pdf"] = slow_pdf()
    files["offer.docx"] = (SAMPLES / "offer.docx").read_bytes()
    for name, data in files.items():
        await ctx.document(customer, filename=name, data=data)
    await finish_other_tenants_jobs(runtime, ctx.tenant.id)
    out = tmp_path / "peak"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | settings_env
    env["DOSSIER_PDF_TIMEOUT_SECONDS"] = "3"
    env["MALLOC_ARENA_MAX"] = "2"  # as the image and deployment docs set it
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.jobs.preview_worker_process", str(out), env=env
    )
    assert await asyncio.wait_for(worker.wait(), 600) == 0
    peak, done, largest_child = map(int, out.read_text().split())
    assert done >= len(files) + 100, "every preview, the mail's 100 attachments' too"
    print(f"worker peak {peak >> 10} MiB; largest process of the tree {largest_child >> 10} MiB")
    assert peak < LIMIT_KIB
    assert largest_child < LIMIT_KIB
    with tenant_scope(ctx.tenant.id):
        states = await runtime.database.fetch(
            "SELECT state, count(*) AS n FROM version_preview WHERE tenant = {} GROUP BY state",
            ctx.tenant.id,
        )
    assert "pending" not in {r["state"] for r in states}, states


async def finish_other_tenants_jobs(runtime: Runtime, tenant_id: str) -> None:
    """Mark the jobs other tests left queued done, so the worker measured runs this test's."""
    await OwnerSql(runtime).fetch(
        "UPDATE job SET state = 'done' WHERE tenant <> {} AND state = 'queued'", tenant_id
    )
