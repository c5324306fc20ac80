"""The ``dossier`` command line, run as a real process against the suite's database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from backend.runtime import Runtime
from tests.factories import unique


async def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")} | env
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "backend.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


async def test_migrate_is_idempotent_and_check_passes(
    settings_env: dict[str, str], runtime: Runtime
) -> None:
    assert (await run(settings_env, "migrate")).returncode == 0
    check = await run(settings_env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok   migrations: all applied" in check.stdout
    if "postgresql" in settings_env.get("DOSSIER_DATABASE_URL", ""):
        assert "ok   full-text index: used under row-level security" in check.stdout


async def test_tenant_user_and_token_from_the_command_line(
    settings_env: dict[str, str], runtime: Runtime
) -> None:
    slug = unique("cli")
    created = await run(
        settings_env,
        "create-tenant",
        slug,
        "Müller & Söhne GmbH",
        "--locale",
        "de",
        "--ocr-languages",
        "deu+pol",
    )
    assert created.returncode == 0, created.stderr
    tenant = await runtime.services().catalog.tenant_by_slug(slug)
    assert tenant.ocr_languages == "deu+pol"
    user = [
        "create-user",
        "--tenant",
        slug,
        "--email",
        "jörg@example.de",
        "--name",
        "Jörg",
        "--role",
        "clerk",
    ]
    ok = await run(settings_env, *user, stdin="a-long-password\n")
    assert ok.returncode == 0, ok.stderr
    again = await run(settings_env, *user, stdin="a-long-password\n")
    assert again.returncode == 2
    assert again.stderr.startswith("error [conflict]:")
    token = await run(
        settings_env, "issue-token", "--tenant", slug, "--email", "jörg@example.de", "--name", "erp"
    )
    assert token.returncode == 0, token.stderr
    principal = await runtime.services().accounts.principal_for_token(token.stdout.strip())
    assert principal.email == "jörg@example.de"


async def test_bad_input_ends_with_a_code_and_status_2(
    settings_env: dict[str, str], runtime: Runtime
) -> None:
    cases = [
        (["create-tenant", "Not A Slug", "X"], "", "error [invalid]:"),
        (["create-tenant", "good-slug", "X", "--ocr-languages", "fra"], "", "error [invalid]:"),
        (
            [
                "create-user",
                "--tenant",
                "no-such-tenant",
                "--email",
                "a@b.example",
                "--name",
                "A",
                "--role",
                "clerk",
            ],
            "pw-long-enough\n",
            "error [not_found]:",
        ),
        (
            ["issue-token", "--tenant", "no-such-tenant", "--email", "a@b.example", "--name", "x"],
            "",
            "error [not_found]:",
        ),
    ]
    for args, stdin, prefix in cases:
        result = await run(settings_env, *args, stdin=stdin)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith(prefix), result.stderr
    slug = unique("cli")
    assert (await run(settings_env, "create-tenant", slug, "T")).returncode == 0
    short = await run(
        settings_env,
        "create-user",
        "--tenant",
        slug,
        "--email",
        "a@b.example",
        "--name",
        "A",
        "--role",
        "clerk",
        stdin="short\n",
    )
    assert short.stderr.startswith("error [invalid]:")
    bad_role = await run(
        settings_env,
        "create-user",
        "--tenant",
        slug,
        "--email",
        "a@b.example",
        "--name",
        "A",
        "--role",
        "god",
        stdin="long-enough-pw\n",
    )
    assert bad_role.stderr.startswith("error [invalid]:")


async def test_reextract_queues_for_a_tenant_and_refuses_bad_input(
    settings_env: dict[str, str], runtime: Runtime
) -> None:
    slug = unique("cli")
    assert (await run(settings_env, "create-tenant", slug, "T")).returncode == 0
    done = await run(settings_env, "reextract", "--tenant", slug)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"queued 0 text(s) of {slug} to be read again"
    for args, prefix in (
        (["--tenant", "no-such-tenant"], "error [not_found]:"),
        (["--tenant", slug, "--source", "everything"], "error [invalid]:"),
    ):
        refused = await run(settings_env, "reextract", *args)
        assert refused.returncode == 2, refused.stdout
        assert refused.stderr.startswith(prefix), refused.stderr
    missing = await run(settings_env, "reextract")
    assert missing.returncode == 2
    assert "--tenant" in missing.stderr


async def test_repreview_queues_for_a_tenant_and_refuses_bad_input(
    settings_env: dict[str, str], runtime: Runtime
) -> None:
    slug = unique("cli")
    assert (await run(settings_env, "create-tenant", slug, "T")).returncode == 0
    done = await run(settings_env, "repreview", "--tenant", slug)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"queued 0 preview(s) of {slug} to be made again"
    unknown = await run(settings_env, "repreview", "--tenant", "no-such-tenant")
    assert unknown.returncode == 2, unknown.stdout
    assert unknown.stderr.startswith("error [not_found]:"), unknown.stderr
    missing = await run(settings_env, "repreview")
    assert missing.returncode == 2
    assert "--tenant" in missing.stderr


async def test_bad_settings_are_refused_before_anything_runs(settings_env: dict[str, str]) -> None:
    typo = await run(settings_env | {"DOSSIER_DATABSE_URL": "x"}, "check")
    assert typo.returncode == 2
    assert typo.stderr.startswith(
        "error [settings_invalid]: unknown setting(s): DOSSIER_DATABSE_URL"
    )
    production = await run(
        settings_env | {"DOSSIER_ENV": "production", "DOSSIER_SECRET_KEY": "change-me"}, "check"
    )
    assert production.returncode == 2
    assert "DOSSIER_SECRET_KEY" in production.stderr
    usage = await run(settings_env, "frobnicate")
    assert usage.returncode == 2


async def test_schema_check_passes_on_the_committed_schema(settings_env: dict[str, str]) -> None:
    result = await run(settings_env, "export-schema", "--check")
    assert result.returncode == 0, result.stderr
