"""Seeding the demo tenant through the public services, exactly as a client would.

Order: catalog (tenant, registers, document types) → users → customers → documents, each followed
by its revisions (new versions, metadata changes). Everything is decided before the first write
from one ``random.Random(seed)`` and the reference day, so the same arguments give the same
dossiers and byte-identical files; only ids, timestamps and the order of creation differ.
Every write is validated by the services; a failure stops the run and leaves what was written so
far (the tenant then exists: remove the database to start over).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from backend.access.policy import Principal, Role
from backend.demo.business import timeline
from backend.demo.catalog import TENANT_SLUG, DemoCatalog, create_catalog
from backend.demo.documents import plan_documents
from backend.demo.files import render
from backend.demo.people import make_customers
from backend.demo.plans import DocumentPlan
from backend.demo.users import DEMO_USERS, DemoLogin
from backend.documents.models import DocumentDraft, NewContent
from backend.errors import NotFound
from backend.runtime import Runtime, Services

__all__ = ["DemoSummary", "demo_present", "seed_demo"]

_WORKERS = 3  # documents filed concurrently; see _file_all


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`seed_demo` created, and how to sign in to it."""

    tenant_id: str
    tenant_slug: str
    customers: int
    documents: int
    extra_versions: int  # added after a document's first: revised offers, signed contracts …
    metadata_changes: int  # after upload: complaints closed, due dates deferred …
    logins: tuple[DemoLogin, ...]  # one per role
    seconds: float


async def demo_present(runtime: Runtime) -> bool:
    """Whether a tenant with the demo's slug exists."""
    try:
        await runtime.services().catalog.tenant_by_slug(TENANT_SLUG)
    except NotFound:
        return False
    return True


async def _users(services: Services, tenant_id: str) -> dict[Role, Principal]:
    principals = {}
    for u in DEMO_USERS:
        user = await services.accounts.create_user(
            tenant_id, u.email, u.display_name, u.role, u.password
        )
        principals[user.role] = Principal(
            user_id=user.id,
            tenant_id=tenant_id,
            email=user.email,
            display_name=user.display_name,
            role=user.role,
            via="session",
        )
    return principals


async def _file(
    services: Services,
    catalog: DemoCatalog,
    principals: dict[Role, Principal],
    customer_id: str,
    plan: DocumentPlan,
) -> tuple[int, int]:
    """Render and upload one planned document, then apply its revisions.

    Returns the number of versions added after the first, and of metadata changes.
    """
    registers = None
    if plan.registers is not None:
        registers = [catalog.registers[key].id for key in plan.registers]
    document = await services.documents.upload(
        principals[plan.by],
        DocumentDraft(
            customer_id=customer_id,
            document_type_id=catalog.types[plan.type_key].id,
            title=plan.title,
            document_date=plan.day,
            index_values=plan.index_values,
            register_ids=registers,
            content=NewContent(plan.filename, render(plan.file)),
        ),
    )
    versions = changes = 0
    for revision in plan.revisions:
        principal = principals[revision.by]
        if revision.file is not None:
            content = NewContent(revision.filename, render(revision.file))
            await services.documents.add_version(principal, document.id, content, revision.comment)
            versions += 1
        if revision.patch is not None:
            await services.documents.update_metadata(principal, document.id, revision.patch)
            changes += 1
    return versions, changes


async def _file_all(
    services: Services,
    catalog: DemoCatalog,
    principals: dict[Role, Principal],
    customer_ids: list[str],
    plans: list[DocumentPlan],
    say: Callable[[str], None],
) -> Counter[str]:
    """File every plan with a few concurrent workers: while one renders (CPU), the others wait
    for the database. That pays off on both engines, though SQLite writes one at a time."""
    tally: Counter[str] = Counter()
    pending = iter(plans)

    async def worker() -> None:
        for plan in pending:  # shared: each plan goes to exactly one worker
            customer_id = customer_ids[plan.customer]
            versions, changes = await _file(services, catalog, principals, customer_id, plan)
            tally.update(documents=1, versions=versions, changes=changes)
            if tally["documents"] % 250 == 0 or tally["documents"] == len(plans):
                say(f"{tally['documents']}/{len(plans)} documents")

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(_WORKERS):
                group.create_task(worker())
    except ExceptionGroup as failed:  # report the first failure as itself, not wrapped
        raise failed.exceptions[0] from None
    return tally


async def seed_demo(
    runtime: Runtime,
    *,
    customers: int = 60,
    documents: int = 1500,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Create the demo tenant with ``customers`` customers and ``documents`` documents (none
    without customers), dated over the two years before ``today`` (default: the runtime clock's
    day). ``progress`` hears a line per stage and per 250 documents.

    Files are rendered on the calling thread (about 10 ms of CPU each): call this from a command,
    not from an event loop that serves requests. Raises :class:`backend.errors.Conflict` if a
    tenant with the demo's slug exists already.
    """
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    today = today or runtime.clock().date()
    rng = random.Random(seed)
    profiles = make_customers(rng, customers, today)
    plans = plan_documents(profiles, timeline(rng, profiles, documents, today), today)

    services = runtime.services()
    catalog = await create_catalog(services.catalog)
    tenant_id = catalog.tenant.id
    principals = await _users(services, tenant_id)
    say(f"tenant {TENANT_SLUG!r}: {len(catalog.types)} document types, {len(DEMO_USERS)} users")
    customer_ids = []
    for profile in profiles:
        created = await services.customers.create(principals[Role.ADMIN], profile.draft())
        customer_ids.append(created.id)
    say(f"{len(customer_ids)} customers")

    tally = await _file_all(services, catalog, principals, customer_ids, plans, say)
    return DemoSummary(
        tenant_id=tenant_id,
        tenant_slug=TENANT_SLUG,
        customers=len(customer_ids),
        documents=len(plans),
        extra_versions=tally["versions"],
        metadata_changes=tally["changes"],
        logins=DEMO_USERS,
        seconds=time.perf_counter() - started,
    )
