"""``GET /renditions?ids=…``: many preview images in one answer, only those the user may read
(docs/adr/0034)."""

from __future__ import annotations

import json

from backend.jobs.registry import job_handlers
from backend.runtime import Runtime
from tests.api.conftest import browser, sign_in
from tests.domain.test_previews import photo
from tests.factories import make_tenant_context

PREVIEW = """query($d: ID!) { document(id: $d) { currentVersion {
  preview { renditions { kind url } } } } }"""
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def unbundle(body: bytes) -> list[tuple[str, str, bytes]]:
    end = body.index(b"\n")
    offset, parts = end + 1, []
    for entry in json.loads(body[:end]):
        parts.append((entry["id"], entry["type"], body[offset : offset + entry["size"]]))
        offset += entry["size"]
    assert offset == len(body)
    return parts


async def test_many_renditions_come_in_one_answer_and_only_readable_ones(
    runtime: Runtime,
) -> None:
    ctx, other = await make_tenant_context(runtime), await make_tenant_context(runtime)
    customer = await ctx.customer()
    documents = [
        await ctx.document(customer, "letter", filename=f"{n}.jpg", data=photo()) for n in range(2)
    ]
    worker = runtime.worker(job_handlers(runtime))
    while await worker.run_once() is not None:
        pass
    async with browser(runtime) as client, browser(runtime) as stranger_client:
        api = await sign_in(client, ctx, role="viewer")
        stranger = await sign_in(stranger_client, other)
        urls = []
        for document in documents:
            answer = await api.data(PREVIEW, {"d": document.id})
            renditions = answer["document"]["currentVersion"]["preview"]["renditions"]
            urls += [r["url"] for r in renditions if r["kind"] == "thumbnail"]
        ids = [url.rsplit("/", 1)[-1] for url in urls]
        bundle = await api.client.get("/renditions", params={"ids": ",".join([*ids, UNKNOWN])})
        assert bundle.status_code == 200, bundle.text
        assert bundle.headers["content-type"].startswith("application/vnd.dossier.renditions")
        parts = unbundle(bundle.content)
        assert [(i, t) for i, t, _ in parts] == [(i, "image/webp") for i in ids]
        for (_, _, data), url in zip(parts, urls, strict=True):
            assert data == (await api.client.get(url)).content
        foreign = await stranger.client.get("/renditions", params={"ids": ",".join(ids)})
        assert (foreign.status_code, unbundle(foreign.content)) == (200, [])
        for bad in ("", ",", ",".join(f"{n}" for n in range(201))):
            refused = await api.client.get("/renditions", params={"ids": bad})
            assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid")
    async with browser(runtime) as anonymous:
        assert (await anonymous.get("/renditions", params={"ids": ids[0]})).status_code == 401
