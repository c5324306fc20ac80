"""Previews over the API: the Version's preview in GraphQL, the rendition images over HTTP, and
another tenant's rendition answering like a missing one."""

from __future__ import annotations

from backend.jobs.registry import job_handlers
from backend.runtime import Runtime
from tests.api.conftest import browser, sign_in
from tests.domain.test_pdf_preview import pdf as letter_pdf
from tests.domain.test_previews import photo
from tests.factories import make_tenant_context

PREVIEW = """query($d: ID!) { document(id: $d) { currentVersion {
  preview { state reason pageCount width height renditions { kind url mimeType width height } }
} } }"""


async def test_preview_in_graphql_and_images_over_http(runtime: Runtime) -> None:
    ctx, other = await make_tenant_context(runtime), await make_tenant_context(runtime)
    document = await ctx.document(await ctx.customer(), "letter", filename="a.jpg", data=photo())
    async with browser(runtime) as client, browser(runtime) as stranger_client:
        api = await sign_in(client, ctx, role="viewer")
        stranger = await sign_in(stranger_client, other)
        before = (await api.data(PREVIEW, {"d": document.id}))["document"]["currentVersion"]
        assert before["preview"]["state"] == "PENDING"

        worker = runtime.worker(job_handlers(runtime))
        while await worker.run_once() is not None:
            pass
        preview = (await api.data(PREVIEW, {"d": document.id}))["document"]["currentVersion"][
            "preview"
        ]
        assert (preview["state"], preview["width"], preview["height"]) == ("READY", 1200, 900)
        thumbnail = next(r for r in preview["renditions"] if r["kind"] == "thumbnail")
        image = await api.client.get(thumbnail["url"])
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/webp"
        assert "immutable" in image.headers["cache-control"]
        assert image.content[8:12] == b"WEBP"
        foreign = await stranger.client.get(thumbnail["url"])
        assert foreign.status_code == 404
        missing = await stranger.client.get("/renditions/00000000-0000-4000-8000-000000000000")
        assert foreign.json()["error"]["code"] == missing.json()["error"]["code"] == "not_found"
        probe = thumbnail["url"].rsplit("/", 1)[-1]
        unknown = "00000000-0000-4000-8000-000000000000"
        assert foreign.text.replace(probe, "<id>") == missing.text.replace(unknown, "<id>")


PAGES = """query($d: ID!, $first: Int!, $count: Int!) { document(id: $d) { currentVersion {
  id preview { pageCount }
  pages(first: $first, count: $count) { number width height url rendition { page url } }
} } }"""
RENDER = """mutation($v: ID!, $p: Int!) { renderPage(versionId: $v, page: $p) {
  __typename ... on Rendition { page kind url } ... on Error { code }
} }"""


async def test_pdf_pages_in_graphql_and_on_demand_over_http(runtime: Runtime) -> None:
    ctx, other = await make_tenant_context(runtime), await make_tenant_context(runtime)
    document = await ctx.document(await ctx.customer(), "letter", data=letter_pdf(6))
    async with browser(runtime) as client, browser(runtime) as stranger_client:
        api = await sign_in(client, ctx, role="viewer")
        stranger = await sign_in(stranger_client, other)
        worker = runtime.worker(job_handlers(runtime))
        while await worker.run_once() is not None:
            pass
        variables = {"d": document.id, "first": 1, "count": 10}
        version = (await api.data(PAGES, variables))["document"]["currentVersion"]
        assert version["preview"]["pageCount"] == 6
        pages = version["pages"]
        assert [(p["number"], p["rendition"] is not None) for p in pages] == [
            (1, True),
            (2, True),
            (3, True),
            (4, False),
            (5, False),
            (6, False),
        ]
        assert {(p["width"], p["height"]) for p in pages} == {(1132, 1600)}
        fourth = pages[3]["url"]
        image = await api.client.get(fourth)
        assert (image.status_code, image.headers["content-type"]) == (200, "image/webp")
        assert image.content[8:12] == b"WEBP"
        listed = (await api.data(PAGES, {**variables, "first": 4, "count": 1}))["document"]
        [entry] = listed["currentVersion"]["pages"]
        assert entry["rendition"]["page"] == 4, "stored like the others"
        shown = await api.client.get(entry["rendition"]["url"])
        assert shown.content == image.content

        rendered = await api.data(RENDER, {"v": version["id"], "p": 5})
        assert rendered["renderPage"] == {
            "__typename": "Rendition",
            "page": 5,
            "kind": "screen",
            "url": rendered["renderPage"]["url"],
        }
        beyond = await api.data(RENDER, {"v": version["id"], "p": 7})
        assert beyond["renderPage"] == {"__typename": "PageError", "code": "page_out_of_range"}
        missing = await api.client.get(fourth.replace("/pages/4", "/pages/99"))
        assert (missing.status_code, missing.json()["error"]["code"]) == (422, "page_out_of_range")
        word = await api.client.get(fourth.replace("/pages/4", "/pages/four"))
        assert word.status_code in {400, 404}
        assert "code" in word.json()["error"]
        foreign = await stranger.client.get(fourth)
        assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "not_found")
        not_mine = await stranger.data(RENDER, {"v": version["id"], "p": 4})
        assert not_mine["renderPage"]["__typename"] == "NotFoundError"

        wrong = await api.gql(PAGES, {**variables, "first": 0, "count": 500})
        [error] = wrong["errors"]
        assert error["extensions"]["code"] == "invalid"
        assert {i["field"] for i in error["extensions"]["issues"]} == {"first", "count"}
