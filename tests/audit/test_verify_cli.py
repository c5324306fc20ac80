"""``dossier checkpoint`` and ``dossier verify`` as real processes against the suite's database.

The processes get a signing key of this module in their environment, so none of them falls back to
making a development key file (which would land in ``./var`` of the working directory)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.audit.checkpoints import SigningKey, checkpoint_from_json
from backend.audit.keys import DEVELOPMENT_KEY_FILE
from backend.audit.verification import verify_archive
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context

KEY = SigningKey.generate()
REPOSITORY_KEY_FILE = Path(__file__).resolve().parents[2] / "var" / DEVELOPMENT_KEY_FILE


@pytest.fixture
def env(settings_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return settings_env | {
        "DOSSIER_AUDIT_SIGNING_KEY": KEY.seed_b64(),
        "DOSSIER_DATA_DIR": str(tmp_path / "data"),
    }


async def dossier(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | env
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "backend.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


async def busy_tenant(runtime: Runtime) -> TenantContext:
    ctx = await make_tenant_context(runtime)
    document = await ctx.document(await ctx.customer())
    await runtime.services().documents.view(ctx.principal, document.id)
    return ctx


def blob_file(ctx: TenantContext) -> Path:
    [path] = ctx.blob_files()
    return path


@pytest.fixture(scope="module", autouse=True)
def no_key_file_in_the_repository() -> Iterator[None]:
    existed = REPOSITORY_KEY_FILE.exists()
    yield
    assert REPOSITORY_KEY_FILE.exists() == existed, f"a test created {REPOSITORY_KEY_FILE}"


async def test_checkpoint_then_verify_is_clean_and_tampering_exits_1(
    runtime: Runtime, env: dict[str, str], tmp_path: Path
) -> None:
    ctx = await busy_tenant(runtime)
    slug = ctx.tenant.slug
    file = tmp_path / "checkpoint.json"
    made = await dossier(env, "checkpoint", "--tenant", slug, "--output", str(file))
    assert made.returncode == 0, made.stderr
    checkpoint, public_key = checkpoint_from_json(file.read_text())
    assert (checkpoint.tenant_id, public_key) == (ctx.tenant.id, KEY.public_key_b64())
    assert f"checkpoint of {checkpoint.seq} events" in made.stdout
    verify = ("verify", "--tenant", slug, "--checkpoint", str(file))
    elsewhere = env | {"DOSSIER_AUDIT_SIGNING_KEY": SigningKey.generate().seed_b64()}
    clean, foreign_key = await asyncio.gather(dossier(env, *verify), dossier(elsewhere, *verify))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.startswith("CLEAN: 1 tenant(s)"), clean.stdout
    assert f"{checkpoint.seq} audit events" in clean.stdout, clean.stdout
    # verified with another installation's key, the checkpoint proves nothing
    assert foreign_key.returncode == 1, foreign_key.stdout + foreign_key.stderr
    assert f"[{ctx.tenant.id}] bad_signature at audit chain" in foreign_key.stdout, (
        foreign_key.stdout
    )
    # the same file checks out in-process with the same installation key
    security = dataclasses.replace(runtime.settings.security, audit_signing_key=KEY.seed_b64())
    same = Runtime(
        settings=dataclasses.replace(runtime.settings, security=security),
        database=runtime.database,
        blobs=runtime.blobs,
        clock=runtime.clock,
    )
    report = await verify_archive(same, tenant_slug=slug, checkpoint=(checkpoint, public_key))
    assert report.problems == [], report.problems

    path = blob_file(ctx)
    path.write_bytes(path.read_bytes() + b"\n% appended")
    tampered = await dossier(env, *verify)
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    lines = tampered.stdout.splitlines()
    assert len(lines) == 2, tampered.stdout
    assert lines[0].startswith(f"[{ctx.tenant.id}] blob_changed at blob "), tampered.stdout
    assert lines[1].startswith("TAMPERED: 1 tenant(s)"), tampered.stdout
    assert lines[1].endswith("1 problem(s)"), tampered.stdout


async def test_bad_input_exits_2(runtime: Runtime, env: dict[str, str], tmp_path: Path) -> None:
    ctx = await make_tenant_context(runtime)
    verify = ("verify", "--tenant", ctx.tenant.slug, "--checkpoint")
    malformed = tmp_path / "malformed.json"
    malformed.write_text('{"format": "dossier-audit-checkpoint/1", "seq": 3}\n')
    missing, incomplete, unknown = await asyncio.gather(
        dossier(env, *verify, str(tmp_path / "nowhere.json")),
        dossier(env, *verify, str(malformed)),
        dossier(env, "verify", "--tenant", "no-such-tenant"),
    )
    for result in (missing, incomplete):
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.startswith("error [invalid]:"), result.stderr
        assert "CLEAN" not in result.stdout
    assert "cannot read the checkpoint file" in missing.stderr
    assert "lacks" in incomplete.stderr
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error [not_found]:"), unknown.stderr
