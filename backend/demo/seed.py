"""Seeding the demo tenant through the public services, exactly as a client would.

Order: catalog (tenant, registers, document types) → users → customers → documents, each followed
by its revisions (new versions, metadata changes). Everything is decided before the first write
from one ``random.Random(seed)`` and the reference day, so the same arguments give the same
dossiers; only ids and timestamps differ. Every write is validated by the services; a failure
stops the run and leaves what was written so far (the tenant then exists: remove the database to
start over).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from backend.access.policy import Principal, Role
from backend.demo.business import timeline
from backend.demo.catalog import TENANT_SLUG, DemoCatalog, create_catalog
from backend.demo.documents import plan_documents
from backend.demo.files import render
from backend.demo.people import DEMO_USERS, make_customers
from backend.demo.plans import DocumentPlan
from backend.documents.models import DocumentDraft, NewContent
from backend.runtime import Runtime, Services

__all__ = ["DemoLogin", "DemoSummary", "demo_present", "seed_demo"]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    password: str
    role: Role
    display_name: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    tenant_id: str
    tenant_slug: str
    customers: int
    documents: int
    extra_versions: int  # versions beyond each document's first
    metadata_changes: int  # metadata updates after upload
    logins: tuple[DemoLogin, ...]
    seconds: float


async def demo_present(runtime: Runtime) -> bool:
    """Whether a tenant with the demo's slug exists."""
    return any(t.slug == TENANT_SLUG for t in await runtime.services().catalog.list_tenants())


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
    files: list[bytes],
) -> tuple[int, int]:
    """Upload one planned document and apply its revisions; return (new versions, changes).

    ``files`` holds the rendered content: the first version's, then each revision's that has one.
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
            content=NewContent(plan.filename, files[0]),
        ),
    )
    versions = changes = 0
    later = iter(files[1:])
    for revision in plan.revisions:
        principal = principals[revision.by]
        if revision.file is not None:
            content = NewContent(revision.filename, next(later))
            await services.documents.add_version(principal, document.id, content, revision.comment)
            versions += 1
        if revision.patch is not None:
            await services.documents.update_metadata(principal, document.id, revision.patch)
            changes += 1
    return versions, changes


def _render(plan: DocumentPlan) -> list[bytes]:
    return [render(plan.file), *(render(r.file) for r in plan.revisions if r.file is not None)]


async def seed_demo(
    runtime: Runtime,
    *,
    customers: int = 60,
    documents: int = 1500,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Create the demo tenant with ``customers`` customers and ``documents`` documents dated over
    the two years before ``today`` (default: the runtime clock's day).

    Raises :class:`backend.errors.Conflict` if a tenant with the demo's slug exists already.
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

    # Rendering is CPU work and storing mostly waits for the database: one worker thread renders
    # the next document's files while the current one is stored (one at a time: Pillow's fonts
    # are not thread-safe).
    versions = changes = 0
    pending = asyncio.create_task(asyncio.to_thread(_render, plans[0])) if plans else None
    for i, plan in enumerate(plans):
        assert pending is not None
        files = await pending
        if i + 1 < len(plans):
            pending = asyncio.create_task(asyncio.to_thread(_render, plans[i + 1]))
        added = await _file(services, catalog, principals, customer_ids[plan.customer], plan, files)
        versions, changes = versions + added[0], changes + added[1]
        if (i + 1) % 250 == 0 or i + 1 == len(plans):
            say(f"{i + 1}/{len(plans)} documents")
    return DemoSummary(
        tenant_id=tenant_id,
        tenant_slug=TENANT_SLUG,
        customers=len(customer_ids),
        documents=len(plans),
        extra_versions=versions,
        metadata_changes=changes,
        logins=tuple(DemoLogin(u.email, u.password, u.role, u.display_name) for u in DEMO_USERS),
        seconds=time.perf_counter() - started,
    )
