"""E-mail versions: headers and a safe body are kept, the body is the version's text and goes to
the search index, attachments become documents of their own linked to the mail, once, within
limits, and a broken mail still gives what can be read (both engines)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest

from backend.documents.mail_extraction import SEARCH_INDEX_JOB
from backend.documents.previews import PREVIEW_JOB
from backend.documents.repository import PiccoloDocumentRepository
from backend.jobs.registry import job_handlers
from backend.jobs.repository import PiccoloJobRepository
from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.factories import TenantContext, make_tenant_context
from tests.samples.make_samples import mail as order_mail
from tests.samples.test_golden_samples import run_jobs


@pytest.fixture
async def ctx(runtime: Runtime) -> TenantContext:
    return await make_tenant_context(runtime)


async def jobs_of(ctx: TenantContext, kind: str) -> list[dict[str, object]]:
    with tenant_scope(ctx.tenant.id):
        return await ctx.runtime.database.fetch(
            "SELECT id, state, payload, dedupe_key, last_error FROM job "
            "WHERE tenant = {} AND kind = {}",
            ctx.tenant.id,
            kind,
        )


def mail_with(parts: int, *, subject: str = "Many files") -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["To"] = "b@example.com"
    message["Subject"] = subject
    message.set_content("See the files.")
    for n in range(parts):
        message.add_attachment(
            f"file {n}\n".encode(), maintype="text", subtype="plain", filename=f"f{n:03}.txt"
        )
    return message.as_bytes()


async def test_a_mail_keeps_headers_safe_body_text_and_attachment_documents(
    runtime: Runtime, ctx: TenantContext
) -> None:
    customer = await ctx.customer()
    mail = await ctx.document(customer, "invoice", filename="order.eml", data=order_mail())
    await run_jobs(runtime)
    services = runtime.services()
    repo = PiccoloDocumentRepository()
    [[version]] = await services.documents.versions_of(ctx.principal, [mail.id])
    stored = await services.documents.mail(ctx.principal, version.id)
    assert stored is not None
    assert stored.sender == "Anna Nowak <anna.nowak@example.com>"
    assert stored.to == ("Sales <sales@example.com>", "Jan Kowalski <jan@example.com>")
    assert (stored.cc, stored.subject) == (
        ("archive@example.com",),
        "Order 4711 – Zażółć gęślą jaźń",
    )
    assert stored.sent_at == dt.datetime(2026, 11, 3, 9, 15, tzinfo=dt.UTC), "10:15 at +01:00"
    assert stored.message_id == "<order-4711@example.com>"
    assert stored.html is not None
    assert "<b>order 4711</b>" in stored.html
    for unsafe in ("<img", "tracker.example.com", "<script", "alert", "onclick"):
        assert unsafe not in stored.html
    assert stored.skipped == ()

    [text] = (await repo.texts_of(ctx.tenant.id, [version.id])).values()
    assert (text.state, text.source) == ("ready", "email")
    assert "please find our order 4711 attached" in text.text
    indexed = [j for j in await jobs_of(ctx, SEARCH_INDEX_JOB) if mail.id in str(j["payload"])]
    assert [j["dedupe_key"] for j in indexed] == [None]

    links = await services.documents.links(ctx.principal, mail.id)
    assert [(k.kind, k.position, k.filename) for k in links] == [
        ("attachment", 0, "order.pdf"),
        ("attachment", 1, "items.csv"),
        ("attachment", 2, "Earlier offer.eml"),
    ]
    children = await services.documents.readable(ctx.principal, [k.child_id for k in links])
    assert len(children) == 3
    registers = await services.documents.registers_of(
        ctx.principal, [mail.id, *[c.id for c in children]]
    )
    for child in children:
        assert (child.customer_id, child.document_type_id) == (customer.id, mail.document_type_id)
        assert child.index_values == mail.index_values, "an invoice mailed stays that invoice"
    assert all(sorted(r) == sorted(registers[0]) for r in registers[1:])
    by_name = {k.filename: k.child_id for k in links}
    [back] = await services.documents.links(ctx.principal, by_name["order.pdf"])
    assert (back.parent_id, back.child_id) == (mail.id, by_name["order.pdf"])

    # The attached mail was read by its own preview job; it has no attachments of its own.
    [[inner]] = await services.documents.versions_of(ctx.principal, [by_name["Earlier offer.eml"]])
    nested = await services.documents.mail(ctx.principal, inner.id)
    assert nested is not None
    assert nested.subject == "Earlier offer"
    [pdf_version] = (await services.documents.versions_of(ctx.principal, [by_name["order.pdf"]]))[0]
    [pdf_preview] = await services.documents.previews(ctx.principal, [pdf_version.id])
    assert (pdf_preview.state, pdf_preview.page_count) == ("ready", 1)
    trail = await ctx.count("audit_event")

    # The job delivered again (a worker died after the work): no second set of attachments.
    [row] = [j for j in await jobs_of(ctx, PREVIEW_JOB) if j["dedupe_key"] == version.id]
    again = await PiccoloJobRepository().get(ctx.tenant.id, str(row["id"]))
    assert again is not None
    with tenant_scope(ctx.tenant.id):
        await job_handlers(runtime)[PREVIEW_JOB](again)
    assert len(await services.documents.links(ctx.principal, mail.id)) == 3
    assert await ctx.count("document") == 4
    assert await ctx.count("audit_event") == trail, "nothing new was created"


@pytest.mark.slow
async def test_a_mail_with_200_attachments_makes_100_documents_and_lists_the_rest(
    runtime: Runtime, ctx: TenantContext
) -> None:
    mail = await ctx.document(await ctx.customer(), filename="many.eml", data=mail_with(200))
    await run_jobs(runtime)
    services = runtime.services()
    [[version]] = await services.documents.versions_of(ctx.principal, [mail.id])
    stored = await services.documents.mail(ctx.principal, version.id)
    assert stored is not None
    assert len(await services.documents.links(ctx.principal, mail.id)) == 100
    assert [(s.position, s.reason) for s in stored.skipped] == [
        (n, "too_many") for n in range(100, 200)
    ]
    assert stored.skipped[0].filename == "f100.txt"
    [preview] = await services.documents.previews(ctx.principal, [version.id])
    assert preview.state == "ready"


async def test_mails_inside_mails_are_read_only_so_deep(
    runtime: Runtime, ctx: TenantContext
) -> None:
    innermost = EmailMessage()
    innermost["From"] = "a@example.com"
    innermost["Subject"] = "level 3"
    innermost.set_content("deepest")
    innermost.add_attachment(b"x\n", maintype="text", subtype="plain", filename="deep.txt")
    message = innermost
    for level in (2, 1, 0):
        outer = EmailMessage()
        outer["From"] = "a@example.com"
        outer["Subject"] = f"level {level}"
        outer.set_content(f"body {level}")
        outer.add_attachment(message)
        message = outer
    top = await ctx.document(await ctx.customer(), filename="top.eml", data=message.as_bytes())
    await run_jobs(runtime)
    services = runtime.services()
    titles = []
    current = top.id
    while True:
        [[version]] = await services.documents.versions_of(ctx.principal, [current])
        stored = await services.documents.mail(ctx.principal, version.id)
        assert stored is not None
        titles.append((stored.subject, [s.reason for s in stored.skipped]))
        links = [
            k
            for k in await services.documents.links(ctx.principal, current)
            if k.parent_id == current
        ]
        if not links:
            break
        current = links[0].child_id
    assert titles == [
        ("level 0", []),
        ("level 1", []),
        ("level 2", ["too_deep"]),
    ], "mails two levels down are read, their attachments not extracted"


async def test_broken_mime_gives_what_can_be_read(runtime: Runtime, ctx: TenantContext) -> None:
    nested = "".join(
        f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n' for n in range(300)
    )
    broken = {
        "no-boundary.eml": b"From: a@example.com\r\nSubject: cut\r\nContent-Type: multipart/mixed; "
        b'boundary="never"\r\n\r\nno parts at all, the boundary never comes\r\n',
        "deep.eml": (
            "From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + nested + "hi\r\n"
        ).encode(),
        "bad-charset.eml": b"From: =?x-unknown?q?abc?= <a@example.com>\r\nSubject: =?utf-8?b?!!!?=\r\n"
        b"Date: yesterday\r\nContent-Type: text/plain; charset=x-no-such\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n",
    }
    customer = await ctx.customer()
    documents = {
        name: await ctx.document(customer, filename=name, data=data)
        for name, data in broken.items()
    }
    await run_jobs(runtime)
    services = runtime.services()
    versions = await services.documents.versions_of(
        ctx.principal, [d.id for d in documents.values()]
    )
    previews = await services.documents.previews(ctx.principal, [v[0].id for v in versions])
    outcome = {name: (p.state, p.reason) for name, p in zip(documents, previews, strict=True)}
    assert all(state in {"ready", "none"} for state, _ in outcome.values()), outcome
    assert all(reason in {None, "corrupt_mail"} for _, reason in outcome.values()), outcome
    deep = await services.documents.mail(ctx.principal, versions[1][0].id)
    if deep is not None:
        assert deep.subject == "deep"
    charset = await services.documents.mail(ctx.principal, versions[2][0].id)
    assert charset is not None
    assert (charset.sent_at, charset.to) == (None, ())
