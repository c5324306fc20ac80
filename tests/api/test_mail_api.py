"""Mails and hostile files over the API: ``Version.mail`` and the links between a mail and its
attachments in GraphQL (hidden ends stay hidden), and downloads that no browser runs as a page."""

from __future__ import annotations

from backend.access.policy import ScopeKind
from backend.documents.models import NewContent
from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from tests.api.conftest import PASSWORD, Api, browser, sign_in
from tests.factories import make_tenant_context
from tests.samples.make_samples import mail as order_mail
from tests.samples.nasty import polyglot_jpeg, svg_with_script
from tests.samples.test_golden_samples import run_jobs

MAIL = """query($d: ID!) { document(id: $d) {
  attachments { kind filename size document { id title } }
  currentVersion { preview { state renditions { kind url } }
    mail { from to cc date subject messageId text html
           attachments { filename size skippedReason document { id title attachedTo {
             kind filename document { id } } } } } } } }"""


async def test_a_mail_and_its_attachments_in_graphql(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    mail = await ctx.document(await ctx.customer(), "letter", filename="o.eml", data=order_mail())
    await run_jobs(runtime)
    async with browser(runtime) as client:
        api = await sign_in(client, ctx, role="viewer")
        document = (await api.data(MAIL, {"d": mail.id}))["document"]
        version = document["currentVersion"]
        shown = version["mail"]
        assert shown["from"] == "Anna Nowak <anna.nowak@example.com>"
        assert (shown["subject"], shown["messageId"]) == (
            "Order 4711 – Zażółć gęślą jaźń",
            "<order-4711@example.com>",
        )
        assert shown["date"].startswith("2026-11-03T09:15:00")
        assert "<script" not in shown["html"]
        assert [a["filename"] for a in shown["attachments"]] == [
            "order.pdf",
            "items.csv",
            "Earlier offer.eml",
        ]
        first = shown["attachments"][0]
        assert first["document"]["title"] == "order.pdf"
        assert first["skippedReason"] is None
        assert first["document"]["attachedTo"] == [
            {"kind": "attachment", "filename": "order.pdf", "document": {"id": mail.id}}
        ]
        assert [a["document"]["id"] for a in document["attachments"]] == [
            a["document"]["id"] for a in shown["attachments"]
        ]
        [text] = version["preview"]["renditions"]
        response = await api.client.get(text["url"])
        assert response.headers["content-type"].startswith("text/plain")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.text.startswith("From: Anna Nowak")


VERSION_MAILS = """query($d: ID!) { document(id: $d) { versions {
  mail { subject attachments { filename document { id title attachedTo { filename } } } }
} } }"""


async def test_mails_of_many_versions_cost_the_statements_of_one(runtime: Runtime) -> None:
    async def statements_for(versions: int) -> int:
        ctx = await make_tenant_context(runtime)
        services = ctx.runtime.services()
        document = await ctx.document(
            await ctx.customer(), "letter", filename="o.eml", data=order_mail()
        )
        for _ in range(1, versions):
            await services.documents.add_version(
                ctx.principal, document.id, NewContent("o.eml", order_mail())
            )
        await run_jobs(runtime)
        async with browser(ctx.runtime) as client:
            api = await sign_in(client, ctx, role="viewer")
            with count_statements() as counted:
                data = await api.data(VERSION_MAILS, {"d": document.id})
        mails = [v["mail"] for v in data["document"]["versions"]]
        assert len(mails) == versions
        assert all(m["subject"] == "Order 4711 – Zażółć gęślą jaźń" for m in mails)
        assert all(len(m["attachments"]) == 3 for m in mails)
        return counted.value

    assert await statements_for(1) == await statements_for(3)


async def test_an_attachment_the_reader_may_not_see_is_null(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    mail = await ctx.document(customer, "letter", filename="o.eml", data=order_mail())
    await run_jobs(runtime)
    services = runtime.services()
    [link, *_] = await services.documents.links(ctx.principal, mail.id)
    user, _ = await ctx.user("none", password=PASSWORD)
    await ctx.grant(user, "viewer", ScopeKind.DOCUMENT, mail.id)
    async with browser(runtime) as client:
        login = await client.post("/auth/login", json={"email": user.email, "password": PASSWORD})
        api = Api(client=client, csrf=login.json()["csrfToken"], ctx=ctx, email=user.email)
        shown = (await api.data(MAIL, {"d": mail.id}))["document"]
        assert shown["attachments"][0]["document"] is None
        assert shown["currentVersion"]["mail"]["attachments"][0] == {
            "filename": link.filename,
            "size": link.size,
            "skippedReason": None,
            "document": None,
        }


async def test_hostile_files_download_as_attachments_no_browser_runs(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    customer = await ctx.customer()
    svg = await ctx.document(customer, filename="logo.svg", data=svg_with_script())
    polyglot = await ctx.document(customer, filename="photo.jpg", data=polyglot_jpeg())
    services = runtime.services()
    [[svg_version], [polyglot_version]] = await services.documents.versions_of(
        ctx.principal, [svg.id, polyglot.id]
    )
    async with browser(runtime) as client:
        api = await sign_in(client, ctx)
        for version_id, media in [
            (svg_version.id, "image/svg+xml"),
            (polyglot_version.id, "image/jpeg"),
        ]:
            response = await api.client.get(f"/files/{version_id}?inline=1")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(media)
            assert response.headers["x-content-type-options"] == "nosniff"
            policy = response.headers["content-security-policy"]
            assert "default-src 'none'" in policy
            assert "sandbox" in policy
        svg_response = await api.client.get(f"/files/{svg_version.id}?inline=1")
        assert svg_response.headers["content-disposition"].startswith("attachment;")
