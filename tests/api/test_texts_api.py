"""Extracted text over the API: Version.text (state, source, length, an excerpt), loaded in one
batch however many versions a document has, and the tenant's OCR languages (both engines)."""

from __future__ import annotations

from backend.documents.extraction import EXTRACT_JOB
from backend.documents.models import NewContent
from backend.jobs.registry import job_handlers
from backend.persistence.engines import count_statements
from backend.runtime import Runtime
from tests.api.conftest import browser, sign_in
from tests.domain.scans import GERMAN, encoded, scan
from tests.factories import make_tenant_context

TEXT = """query($d: ID!) { document(id: $d) { versions {
  text { state reason source language pageCount length excerpt(maxLength: 12) { text truncated } }
} } }"""


async def _extract(runtime: Runtime) -> None:
    worker = runtime.worker({EXTRACT_JOB: job_handlers(runtime)[EXTRACT_JOB]})
    while await worker.run_once() is not None:
        pass


async def test_version_text_in_graphql(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    document = await ctx.document(
        await ctx.customer(),
        "letter",
        filename="scan.png",
        data=encoded(scan(["Rechnung 4711", GERMAN]), "PNG"),
    )
    async with browser(runtime) as client:
        api = await sign_in(client, ctx, role="viewer")
        [before] = (await api.data(TEXT, {"d": document.id}))["document"]["versions"]
        assert before["text"] == {
            "state": "PENDING",
            "reason": None,
            "source": None,
            "language": None,
            "pageCount": None,
            "length": 0,
            "excerpt": {"text": "", "truncated": False},
        }
        await _extract(runtime)
        [after] = (await api.data(TEXT, {"d": document.id}))["document"]["versions"]
        text = f"Rechnung 4711\n{GERMAN}"
        assert after["text"] == {
            "state": "READY",
            "reason": None,
            "source": "ocr",
            "language": "eng",
            "pageCount": 1,
            "length": len(text),
            "excerpt": {"text": text[:12], "truncated": True},
        }


async def test_texts_of_many_versions_cost_the_statements_of_one(runtime: Runtime) -> None:
    async def statements_for(versions: int) -> int:
        ctx = await make_tenant_context(runtime)
        services = ctx.runtime.services()
        document = await ctx.document(
            await ctx.customer(), "letter", filename="v.txt", data=b"Version 0\n"
        )
        for n in range(1, versions):
            await services.documents.add_version(
                ctx.principal, document.id, NewContent("v.txt", f"Version {n}\n".encode())
            )
        await _extract(runtime)
        async with browser(ctx.runtime) as client:
            api = await sign_in(client, ctx)
            with count_statements() as counted:
                data = await api.data(TEXT, {"d": document.id})
        texts = [v["text"] for v in data["document"]["versions"]]
        assert [t["excerpt"]["text"] for t in texts] == [f"Version {n}" for n in range(versions)]
        return counted.value

    assert await statements_for(1) == await statements_for(4)


async def test_administrators_choose_the_ocr_languages(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    choose = """mutation($l: String) { setOcrLanguages(languages: $l) {
      __typename
      ... on Tenant { ocrLanguages ocrLanguagesChosen }
      ... on ValidationError { code issues { field code } }
      ... on ForbiddenError { code }
    } }"""
    async with browser(runtime) as client, browser(runtime) as viewer_client:
        admin = await sign_in(client, ctx)
        viewer = await sign_in(viewer_client, ctx, role="viewer")
        tenant = await admin.data("{ tenant { ocrLanguages ocrLanguagesChosen } }")
        assert tenant["tenant"] == {"ocrLanguages": "eng", "ocrLanguagesChosen": False}
        chosen = await admin.data(choose, {"l": "pol+eng"})
        assert chosen["setOcrLanguages"] == {
            "__typename": "Tenant",
            "ocrLanguages": "pol+eng",
            "ocrLanguagesChosen": True,
        }
        wrong = (await admin.data(choose, {"l": "klingon"}))["setOcrLanguages"]
        assert wrong["issues"] == [{"field": "ocrLanguages", "code": "invalid_language"}]
        refused = (await viewer.data(choose, {"l": "deu"}))["setOcrLanguages"]
        assert refused == {"__typename": "ForbiddenError", "code": "forbidden"}
        reset = (await admin.data(choose, {"l": None}))["setOcrLanguages"]
        assert (reset["ocrLanguages"], reset["ocrLanguagesChosen"]) == ("eng", False)


REEXTRACT = """mutation($s: String!) { reextractTexts(source: $s) {
  __typename
  ... on Reextraction { queued }
  ... on ValidationError { code issues { field code } }
  ... on ForbiddenError { code }
} }"""


async def test_administrators_have_ocr_texts_read_again(runtime: Runtime) -> None:
    ctx = await make_tenant_context(runtime)
    document = await ctx.document(
        await ctx.customer(), "letter", filename="scan.png", data=encoded(scan([GERMAN]), "PNG")
    )
    await _extract(runtime)
    async with browser(runtime) as client, browser(runtime) as viewer_client:
        admin = await sign_in(client, ctx)
        viewer = await sign_in(viewer_client, ctx, role="viewer")
        refused = (await viewer.data(REEXTRACT, {"s": "ocr"}))["reextractTexts"]
        assert refused == {"__typename": "ForbiddenError", "code": "forbidden"}
        wrong = (await admin.data(REEXTRACT, {"s": "all"}))["reextractTexts"]
        assert wrong["issues"] == [{"field": "source", "code": "invalid_value"}]
        chosen = await admin.data(
            """mutation { setOcrLanguages(languages: "deu+eng", reextract: true) {
              __typename ... on Tenant { ocrLanguages } } }"""
        )
        assert chosen["setOcrLanguages"] == {"__typename": "Tenant", "ocrLanguages": "deu+eng"}
        again = (await admin.data(REEXTRACT, {"s": "ocr"}))["reextractTexts"]
        assert again == {"__typename": "Reextraction", "queued": 0}, "queued by setOcrLanguages"
        await _extract(runtime)
        [version] = (await admin.data(TEXT, {"d": document.id}))["document"]["versions"]
        assert version["text"]["language"] == "deu+eng"
        assert (await admin.data(REEXTRACT, {"s": "ocr"}))["reextractTexts"]["queued"] == 1
