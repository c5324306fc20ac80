"""Previews over the API: the Version's preview in GraphQL, the rendition images over HTTP, and
another tenant's rendition answering like a missing one."""

from __future__ import annotations

from backend.jobs.registry import job_handlers
from backend.runtime import Runtime
from tests.api.conftest import browser, sign_in
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
