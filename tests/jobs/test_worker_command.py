"""``dossier worker`` as a process: it makes the previews queued by uploads and stops cleanly on
SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from backend.runtime import Runtime
from tests.domain.test_previews import photo
from tests.factories import make_tenant_context


async def test_the_worker_command_makes_previews_and_stops_on_sigterm(
    runtime: Runtime, settings_env: dict[str, str]
) -> None:
    ctx = await make_tenant_context(runtime)
    document = await ctx.document(await ctx.customer(), "letter", filename="p.jpg", data=photo())
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [document.id])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | settings_env
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backend.cli",
        "worker",
        "--concurrency",
        "2",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = await asyncio.wait_for(process.stdout.readline(), 60)
        assert first.startswith(b"2 worker(s) for ")
        assert b"document.preview," in first
        # Earlier tests' uploads queued previews too; the worker takes them oldest first.
        for _ in range(1800):
            [preview] = await services.documents.previews(ctx.principal, [version.id])
            if preview.state != "pending":
                break
            await asyncio.sleep(0.1)
        assert preview.state == "ready"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, errors.decode()
