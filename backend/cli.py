"""The ``dossier`` command line.

    dossier serve [--host H] [--port P] [--reload]
    dossier migrate
    dossier demo [--if-empty] [--customers N] [--documents N]
    dossier create-tenant SLUG NAME [--locale de] [--ocr-languages deu+eng]
    dossier create-user --tenant SLUG --email E --name N --role R   (password on stdin or prompted)
    dossier issue-token --tenant SLUG --email E --name N
    dossier import-groups --tenant SLUG --as EMAIL --map DN=KEY [--map …] [--dry-run]
    dossier worker [--concurrency N]
    dossier check
    dossier verify [--tenant SLUG] [--checkpoint FILE]
    dossier checkpoint --tenant SLUG [--output FILE]
    dossier prove --checkpoint FILE --seq N
    dossier audit-key
    dossier export-schema [--check]

Bad input ends with ``error [code]: message`` on stderr and exit status 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import NoReturn

from backend.audit.checkpoints import Checkpoint
from backend.errors import DossierError, ValidationFailed
from backend.persistence.scope import system_scope, tenant_scope
from backend.runtime import Runtime
from backend.settings import Settings, load_settings

__all__ = ["main"]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dossier", description="Electronic customer dossiers.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--reload", action="store_true", help="restart on code changes")
    sub.add_parser("migrate", help="apply database migrations")
    demo = sub.add_parser("demo", help="load the demo tenant")
    demo.add_argument("--if-empty", action="store_true", help="only if there is no demo tenant")
    demo.add_argument("--customers", type=int, default=60)
    demo.add_argument("--documents", type=int, default=1500)
    tenant = sub.add_parser("create-tenant", help="create a tenant")
    tenant.add_argument("slug")
    tenant.add_argument("name")
    tenant.add_argument("--locale", default="en", choices=["en", "de", "pl"])
    tenant.add_argument("--blob-root", help="a storage folder of the tenant's own (absolute)")
    tenant.add_argument(
        "--ocr-languages",
        help="languages scans are read in (eng, deu, pol joined by +); "
        "default: those of the locale",
    )
    user = sub.add_parser("create-user", help="create a user (password from stdin or a prompt)")
    for flag in ("--tenant", "--email", "--name", "--role"):
        user.add_argument(flag, required=True)
    token = sub.add_parser("issue-token", help="issue an API token for a machine client")
    for flag in ("--tenant", "--email", "--name"):
        token.add_argument(flag, required=True)
    groups = sub.add_parser(
        "import-groups", help="mirror directory (LDAP) groups in Dossier groups, as an admin"
    )
    groups.add_argument("--tenant", required=True)
    groups.add_argument("--as", dest="admin", required=True, help="e-mail of an administrator")
    groups.add_argument(
        "--map",
        dest="mappings",
        action="append",
        required=True,
        metavar="DN=KEY",
        help="a directory group's DN and the Dossier group key (repeat for more)",
    )
    groups.add_argument("--dry-run", action="store_true", help="show the changes, make none")
    worker = sub.add_parser("worker", help="run background jobs until stopped (SIGTERM/SIGINT)")
    worker.add_argument("--concurrency", type=int, default=1, help="jobs at a time (default 1)")
    geocode = sub.add_parser(
        "geocode", help="queue geocoding of every address without a position (all tenants)"
    )
    geocode.add_argument("--tenant", help="only this tenant (slug)")
    sub.add_parser("check", help="check configuration, database and blob storage")
    verify = sub.add_parser("verify", help="re-hash blobs, versions and the audit chain")
    verify.add_argument("--tenant", help="only this tenant (slug)")
    verify.add_argument("--checkpoint", type=Path, help="also check against this checkpoint file")
    checkpoint = sub.add_parser("checkpoint", help="sign the audit chain head of a tenant")
    checkpoint.add_argument("--tenant", required=True)
    checkpoint.add_argument("--output", type=Path, help="write the checkpoint file here")
    prove = sub.add_parser("prove", help="prove that one audit event is in a checkpoint")
    prove.add_argument("--checkpoint", type=Path, required=True)
    prove.add_argument("--seq", type=int, required=True)
    reindex = sub.add_parser("reindex", help="rebuild the search index")
    reindex.add_argument("--tenant", help="only this tenant (slug)")
    reextract = sub.add_parser(
        "reextract", help="queue reading texts again (after the OCR languages changed)"
    )
    reextract.add_argument("--tenant", required=True, help="the tenant (slug)")
    reextract.add_argument(
        "--source", default="ocr", help="which texts: ocr (read by OCR; the default)"
    )
    sub.add_parser("audit-key", help="print a new key for DOSSIER_AUDIT_SIGNING_KEY")
    export = sub.add_parser(
        "export-schema", help="write schema/ (GraphQL schema, sync protocol schema, merge vectors)"
    )
    export.add_argument("--check", action="store_true", help="fail if the file is out of date")
    return parser


async def _with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[int]]) -> int:
    """Run an operator command: it acts for the whole installation (the system scope)."""
    runtime = Runtime.from_settings(settings)
    await runtime.start()
    try:
        with system_scope():
            return await work(runtime)
    finally:
        await runtime.close()


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise DossierError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


async def _migrate(settings: Settings) -> int:
    from backend.persistence.database import migrate_database

    log = await migrate_database(settings.database)
    for line in log.splitlines():
        if line.startswith(("row-level security", "created the application role")):
            print(line)
    print("database is up to date")
    return 0


async def _demo(runtime: Runtime, args: argparse.Namespace) -> int:
    from backend.demo import demo_present, seed_demo

    if args.if_empty and await demo_present(runtime):
        print("demo tenant present; nothing to do")
        return 0
    summary = await seed_demo(
        runtime, customers=args.customers, documents=args.documents, progress=print
    )
    print(
        f"demo tenant {summary.tenant_slug!r}: {summary.customers} customers, "
        f"{summary.documents} documents in {summary.seconds:.0f} s. Sign in as:"
    )
    for login in summary.logins:
        print(f"  {login.email:<40} {login.role.value:<8} password: {login.password}")
    return 0


async def _create_tenant(runtime: Runtime, args: argparse.Namespace) -> int:
    tenant = await runtime.services().catalog.create_tenant(
        args.slug,
        args.name,
        args.locale,
        blob_root=args.blob_root,
        ocr_languages=args.ocr_languages,
    )
    print(f"created tenant {tenant.slug} ({tenant.id})")
    return 0


async def _create_user(runtime: Runtime, args: argparse.Namespace) -> int:
    services = runtime.services()
    tenant = await services.catalog.tenant_by_slug(args.tenant)
    user = await services.accounts.create_user(
        tenant.id, args.email, args.name, args.role, _password()
    )
    print(f"created user {user.email} ({user.role.value}) in {tenant.slug}")
    return 0


async def _issue_token(runtime: Runtime, args: argparse.Namespace) -> int:
    services = runtime.services()
    tenant = await services.catalog.tenant_by_slug(args.tenant)
    user = await services.accounts.active_user(tenant.slug, args.email)
    print(await services.accounts.issue_api_token(tenant.id, user.id, args.name))
    return 0


async def _import_groups(runtime: Runtime, args: argparse.Namespace) -> int:
    from backend.access.directory import directory_reader
    from backend.access.directory_sync import GroupMapping
    from backend.accounts.service import principal_of

    mappings = []
    for i, text in enumerate(args.mappings):
        dn, sep, key = text.rpartition("=")
        if not sep or not dn.strip():
            raise ValidationFailed.one(f"--map[{i}]", "invalid_value", "use DN=KEY")
        mappings.append(GroupMapping(dn.strip(), key.strip()))
    services = runtime.services()
    tenant = await services.catalog.tenant_by_slug(args.tenant)
    admin = await services.accounts.active_user(tenant.slug, args.admin)
    now = runtime.clock()
    grants = await services.access.effective_grants(tenant.id, admin.id, now)
    principal = principal_of(admin, "cli", device="cli", grants=grants, as_of=now)
    plan = await services.access.import_directory_groups(
        principal, mappings, directory_reader(runtime.settings.ldap), dry_run=args.dry_run
    )
    verb = "would" if args.dry_run else "did"
    print(
        f"{verb} create {len(plan.create_groups)} group(s), add {len(plan.add_members)} and "
        f"remove {len(plan.remove_members)} membership(s)"
    )
    for new in plan.create_groups:
        print(f"  new group {new.key}: {new.dn}")
    for label, items in (
        ("no user with this e-mail", plan.unknown_emails),
        ("member without e-mail", plan.members_without_email),
        ("member not in the directory", plan.unresolved_members),
    ):
        for item in items:
            print(f"  {label}: {item}")
    return 0


async def _worker(runtime: Runtime, args: argparse.Namespace) -> int:
    import signal

    from backend.jobs.registry import job_handlers

    if not 1 <= args.concurrency <= 64:
        raise ValidationFailed.one("--concurrency", "out_of_range", "between 1 and 64")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    handlers = job_handlers(runtime)
    workers = [runtime.worker(handlers) for _ in range(args.concurrency)]
    print(f"{len(workers)} worker(s) for {', '.join(sorted(handlers)) or 'no job kinds'}")
    sys.stdout.flush()
    await asyncio.gather(*(w.run_forever(stop) for w in workers))
    return 0


async def _geocode(runtime: Runtime, args: argparse.Namespace) -> int:
    services = runtime.services()
    if args.tenant:
        tenants = [await services.catalog.tenant_by_slug(args.tenant)]
    else:
        tenants = await services.catalog.list_tenants()
    total = 0
    for tenant in tenants:
        with tenant_scope(tenant.id):
            queued = await services.geo.queue_unplaced(tenant.id)
        if queued:
            print(f"{tenant.slug}: {queued} addresses queued for geocoding")
        total += queued
    print(f"{total} addresses queued; workers geocode them in the installation's turn")
    return 0


async def _check(runtime: Runtime) -> int:
    from backend.health import run_checks

    problems = 0
    for check in await run_checks(runtime):
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        problems += not check.ok
    return 1 if problems else 0


async def _verify(runtime: Runtime, args: argparse.Namespace) -> int:
    from backend.audit.verification import verify_archive

    checkpoint = _read_checkpoint(args.checkpoint) if args.checkpoint is not None else None
    if args.tenant:
        await runtime.services().catalog.tenant_by_slug(args.tenant)  # not_found if unknown
    report = await verify_archive(runtime, tenant_slug=args.tenant, checkpoint=checkpoint)
    for problem in report.problems:
        print(problem)
    print(
        f"{'CLEAN' if report.clean else 'TAMPERED'}: {report.tenants} tenant(s), "
        f"{report.events} audit events, {report.versions} versions, {report.blobs} blobs, "
        f"{len(report.problems)} problem(s)"
    )
    return 0 if report.clean else 1


def _read_checkpoint(path: Path) -> tuple[Checkpoint, str]:
    from backend.audit.checkpoints import checkpoint_from_json

    try:
        text = path.read_text()
    except OSError as exc:
        raise ValidationFailed.one(
            "checkpoint", "unreadable", f"cannot read the checkpoint file: {exc}"
        ) from None
    try:
        return checkpoint_from_json(text)
    except ValueError as exc:
        raise ValidationFailed.one("checkpoint", "invalid_checkpoint", str(exc)) from None


async def _prove(runtime: Runtime, args: argparse.Namespace) -> int:
    import json

    from backend.audit.checkpoints import verify_checkpoint_signature
    from backend.audit.keys import signing_key
    from backend.audit.proofs import prove_event

    checkpoint, _ = _read_checkpoint(args.checkpoint)
    if not verify_checkpoint_signature(checkpoint, signing_key(runtime.settings).public_key_b64()):
        raise ValidationFailed.one(
            "checkpoint",
            "bad_signature",
            "the checkpoint was not signed with this installation's key",
        )
    print(json.dumps(await prove_event(checkpoint, args.seq), indent=2, ensure_ascii=False))
    return 0


async def _checkpoint(runtime: Runtime, args: argparse.Namespace) -> int:
    from backend.audit.checkpoints import checkpoint_to_json
    from backend.audit.keys import signing_key

    services = runtime.services()
    tenant = await services.catalog.tenant_by_slug(args.tenant)
    key = signing_key(runtime.settings)
    checkpoint = await services.audit.checkpoint(tenant.id, key)
    text = checkpoint_to_json(checkpoint, key.public_key_b64())
    if args.output is not None:
        args.output.write_text(text)
        print(f"checkpoint of {checkpoint.seq} events written to {args.output}")
    else:
        print(text)
    return 0


async def _reindex(runtime: Runtime, args: argparse.Namespace) -> int:
    from backend.search.jobs import SearchIndexer
    from backend.search.repository import PiccoloSearchRepository

    indexer = SearchIndexer(PiccoloSearchRepository(), runtime.database)
    if args.tenant:
        tenant_ids = [(await runtime.services().catalog.tenant_by_slug(args.tenant)).id]
    else:
        tenant_ids = await indexer.tenant_ids()
    total = 0
    for tenant_id in tenant_ids:
        total += await indexer.reindex(tenant_id)
    print(f"reindexed {total} document(s) of {len(tenant_ids)} tenant(s)")
    return 0


async def _reextract(runtime: Runtime, args: argparse.Namespace) -> int:
    services = runtime.services()
    tenant = await services.catalog.tenant_by_slug(args.tenant)
    queued = await services.reextraction.reextract_for_operator(tenant.id, args.source)
    print(f"queued {queued} text(s) of {tenant.slug} to be read again")
    return 0


def _audit_key() -> int:
    from backend.audit.checkpoints import SigningKey

    print(SigningKey.generate().seed_b64())
    return 0


def _export_schema(settings: Settings, check: bool) -> int:
    from strawberry.printer import print_schema

    from backend.graphql.schema import build_schema
    from sync.contracts import CONTRACT_FILES

    files = {SCHEMA_PATH: print_schema(build_schema(settings.limits)) + "\n"}
    files |= {SCHEMA_PATH.parent / name: make() for name, make in CONTRACT_FILES.items()}
    if check:
        stale = [
            path for path, text in files.items() if not path.exists() or path.read_text() != text
        ]
        for path in stale:
            print(f"{path} is out of date; run ./dev schema", file=sys.stderr)
        if stale:
            return 1
        print("schema is up to date")
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "backend.http.asgi:app",
        factory=True,
        host=args.host or settings.server.host,
        port=args.port or settings.server.port,
        reload=args.reload,
        proxy_headers=True,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(os.environ)
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "export-schema":
            return _export_schema(settings, args.check)
        if args.command == "audit-key":
            return _audit_key()
        if args.command == "migrate":
            # Before any runtime: the application's role may not exist until migrations made it.
            return asyncio.run(_migrate(settings))
        commands: dict[str, Callable[[Runtime], Awaitable[int]]] = {
            "demo": lambda rt: _demo(rt, args),
            "create-tenant": lambda rt: _create_tenant(rt, args),
            "create-user": lambda rt: _create_user(rt, args),
            "issue-token": lambda rt: _issue_token(rt, args),
            "check": _check,
            "worker": lambda rt: _worker(rt, args),
            "geocode": lambda rt: _geocode(rt, args),
            "import-groups": lambda rt: _import_groups(rt, args),
            "verify": lambda rt: _verify(rt, args),
            "checkpoint": lambda rt: _checkpoint(rt, args),
            "prove": lambda rt: _prove(rt, args),
            "reindex": lambda rt: _reindex(rt, args),
            "reextract": lambda rt: _reextract(rt, args),
        }
        return asyncio.run(_with_runtime(settings, commands[args.command]))
    except DossierError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def run() -> NoReturn:
    """The ``dossier`` program: :func:`main`, then leave without interpreter finalisation.

    Native threads of the storage and database drivers (a Tokio runtime, SQLite worker threads)
    can still be winding down when Python finalises, which now and then aborted a command that
    had done its work and printed its answer. Everything is closed by then: flush and go."""
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
