"""Documents through GraphQL and the download endpoint: upload, versions, metadata, registers,
dossier listing, and every bad upload leaving nothing behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest

from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import (
    blob_files,
    count_rows,
    make_customer,
    make_document,
    make_tenant_context,
    pdf_bytes,
    png_bytes,
    runtime_with,
)

DOC = """
  __typename
  ... on Document { id title documentDate status indexValues revision versionCount
                    registers { key } currentVersion { id number filename mimeType size sha256 downloadUrl } }
  ... on Error { code message }
  ... on ValidationError { issues { field code } }
"""
UPLOAD = f"mutation($i: UploadDocumentInput!) {{ uploadDocument(input: $i) {{ {DOC} }} }}"
ADD_VERSION = """
mutation($d: ID!, $f: Upload!) { addVersion(documentId: $d, file: $f, comment: "signed") {
  __typename ... on Version { number filename sha256 comment createdBy { email } } ... on Error { code } } }
"""
TABLES = ("document", "document_version", "document_register", "document_index_value", "blob")


async def customer_id(api: Api) -> str:
    customer = await make_customer(api.ctx.runtime, api.ctx.principal)
    return customer.id


def invoice_input(customer: str, api: Api, **overrides: Any) -> dict[str, Any]:
    return {
        "customerId": customer,
        "documentTypeId": api.ctx.types["invoice"].id,
        "title": "Rechnung 2024-0815",
        "documentDate": "2024-03-01",
        "indexValues": {
            "invoice_number": "2024-0815",
            "amount": {"amount": 1190, "currency": "EUR"},
        },
        "file": None,
        **overrides,
    }


async def upload(
    api: Api, variables: dict[str, Any], filename: str, content: bytes
) -> dict[str, Any]:
    body = await api.upload(UPLOAD, {"i": variables}, "variables.i.file", filename, content)
    assert "errors" not in body, body
    return body["data"]["uploadDocument"]  # type: ignore[no-any-return]


async def footprint(api: Api) -> tuple[int, ...]:
    counts = [await count_rows(api.ctx.runtime, t, api.ctx.tenant.id) for t in TABLES]
    return (*counts, len(blob_files(api.ctx.runtime, api.ctx.tenant.id)))


async def test_upload_files_the_document_in_its_type_default_registers(api: Api) -> None:
    doc = await upload(
        api, invoice_input(await customer_id(api), api), "rechnung.pdf", pdf_bytes("a")
    )
    assert doc["__typename"] == "Document"
    assert doc["indexValues"]["amount"] == {"amount": "1190.00", "currency": "EUR"}
    assert [r["key"] for r in doc["registers"]] == ["invoices"]
    version = doc["currentVersion"]
    assert version["number"] == 1
    assert version["mimeType"] == "application/pdf"
    assert version["size"] == len(pdf_bytes("a"))


async def test_upload_into_chosen_registers(api: Api) -> None:
    registers = [api.ctx.registers["contracts"].id, api.ctx.registers["orders"].id]
    doc = await upload(
        api, invoice_input(await customer_id(api), api, registerIds=registers), "x.pdf", pdf_bytes()
    )
    assert sorted(r["key"] for r in doc["registers"]) == ["contracts", "orders"]


BAD_UPLOADS = [
    pytest.param(
        {"title": " "}, "x.pdf", pdf_bytes(), "ValidationError", "invalid", id="empty-title"
    ),
    pytest.param(
        {"indexValues": {"amount": "12"}},
        "x.pdf",
        pdf_bytes(),
        "ValidationError",
        "invalid",
        id="wrong-index-types",
    ),
    pytest.param(
        {"indexValues": [1]},
        "x.pdf",
        pdf_bytes(),
        "ValidationError",
        "invalid",
        id="index-not-object",
    ),
    pytest.param(
        {"registerIds": ["00000000-0000-0000-0000-000000000000"]},
        "x.pdf",
        pdf_bytes(),
        "ValidationError",
        "invalid",
        id="unknown-register",
    ),
    pytest.param(
        {"documentTypeId": "nope"},
        "x.pdf",
        pdf_bytes(),
        "NotFoundError",
        "not_found",
        id="unknown-type",
    ),
    pytest.param(
        {"customerId": "00000000-0000-0000-0000-000000000000"},
        "x.pdf",
        pdf_bytes(),
        "NotFoundError",
        "not_found",
        id="unknown-customer",
    ),
    pytest.param({}, "x.pdf", b"", "UploadError", "empty_upload", id="empty-file"),
    pytest.param(
        {}, "invoice.pdf", png_bytes(), "UploadError", "content_mismatch", id="png-named-pdf"
    ),
    pytest.param(
        {},
        "report.txt",
        b"MZ\x90\x00\x03" + bytes(200),
        "UploadError",
        "content_mismatch",
        id="exe-named-txt",
    ),
    pytest.param(
        {}, "../../etc/passwd.pdf", pdf_bytes(), "UploadError", "invalid_filename", id="path"
    ),
    pytest.param(
        {}, ".htaccess", b"deny from all\n", "UploadError", "invalid_filename", id="dotfile"
    ),
]


@pytest.mark.parametrize(("overrides", "filename", "content", "typename", "code"), BAD_UPLOADS)
async def test_bad_uploads_are_refused_with_a_code_and_leave_nothing(
    api: Api, overrides: dict[str, Any], filename: str, content: bytes, typename: str, code: str
) -> None:
    customer = await customer_id(api)
    before = await footprint(api)
    result = await upload(api, invoice_input(customer, api, **overrides), filename, content)
    assert result["__typename"] == typename, result
    assert result["code"] == code
    assert await footprint(api) == before


def raw_multipart(operations: str, filename: bytes, content: bytes) -> tuple[bytes, str]:
    """A multipart body written by hand, so the file name can carry any bytes."""
    boundary = "dossierboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{{"0": ["variables.i.file"]}}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="'
    ).encode()
    tail = (
        b'"\r\nContent-Type: application/pdf\r\n\r\n' + content + f"\r\n--{boundary}--\r\n".encode()
    )
    return head + filename + tail, f"multipart/form-data; boundary={boundary}"


async def test_a_non_utf8_filename_is_refused(api: Api) -> None:
    customer = await customer_id(api)
    operations = json.dumps({"query": UPLOAD, "variables": {"i": invoice_input(customer, api)}})
    for name, expect_ok in ((b"Rechnung \xc3\xa4.pdf", True), (b"Rechnung \xff\xfe.pdf", False)):
        before = await footprint(api)
        body, content_type = raw_multipart(operations, name, pdf_bytes(name.hex()))
        response = await api.client.post(
            "/graphql",
            content=body,
            headers={"X-CSRF-Token": api.csrf, "Content-Type": content_type},
        )
        if expect_ok:  # the same hand-written request with a UTF-8 name goes through
            assert (
                response.json()["data"]["uploadDocument"]["currentVersion"]["filename"]
                == "Rechnung ä.pdf"
            )
            continue
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_request"
        assert await footprint(api) == before


async def test_a_string_in_place_of_the_file_is_refused(api: Api) -> None:
    body = await api.gql(
        UPLOAD, {"i": invoice_input(await customer_id(api), api, file="not a file")}
    )
    result = body["data"]["uploadDocument"]
    assert result["__typename"] == "ValidationError"
    assert result["issues"] == [{"field": "file", "code": "invalid_value"}]


async def test_oversized_uploads_are_refused(runtime: Runtime) -> None:
    small = runtime_with(runtime, max_upload_bytes=1000)
    async with browser(small) as client:
        api = await sign_in(client, await make_tenant_context(small))
        customer = await customer_id(api)
        before = await footprint(api)
        result = await upload(api, invoice_input(customer, api), "big.pdf", pdf_bytes("x" * 2000))
        assert result["code"] == "upload_too_large"
        huge = await api.client.post(
            "/graphql",
            files={"0": ("huge.pdf", b"%PDF-1.4" + bytes(3 << 20), "application/pdf")},
            data={"operations": "{}", "map": "{}"},
            headers={"X-CSRF-Token": api.csrf},
        )
        assert huge.status_code == 413
        assert huge.json()["error"]["code"] == "upload_too_large"
        assert await footprint(api) == before


async def test_versions_are_kept_numbered_and_deduplicated(api: Api) -> None:
    doc = await upload(api, invoice_input(await customer_id(api), api), "v1.pdf", pdf_bytes("v1"))
    second = await api.upload(
        ADD_VERSION, {"d": doc["id"], "f": None}, "variables.f", "v2.pdf", pdf_bytes("v2")
    )
    assert second["data"]["addVersion"]["number"] == 2
    assert second["data"]["addVersion"]["createdBy"]["email"] == api.email
    again = await api.upload(
        ADD_VERSION, {"d": doc["id"], "f": None}, "variables.f", "v1-again.pdf", pdf_bytes("v1")
    )
    assert again["data"]["addVersion"]["number"] == 3
    assert again["data"]["addVersion"]["sha256"] == doc["currentVersion"]["sha256"]
    read = await api.data(
        "query($id: ID!) { document(id: $id) { versionCount versions { number filename } } }",
        {"id": doc["id"]},
    )
    assert read["document"]["versions"] == [
        {"number": 1, "filename": "v1.pdf"},
        {"number": 2, "filename": "v2.pdf"},
        {"number": 3, "filename": "v1-again.pdf"},
    ]
    assert await count_rows(api.ctx.runtime, "blob", api.ctx.tenant.id) == 2
    unknown = await api.upload(
        ADD_VERSION,
        {"d": "00000000-0000-0000-0000-000000000000", "f": None},
        "variables.f",
        "x.pdf",
        pdf_bytes(),
    )
    assert unknown["data"]["addVersion"]["code"] == "not_found"


async def test_concurrent_new_versions_get_distinct_numbers(api: Api) -> None:
    doc = await upload(api, invoice_input(await customer_id(api), api), "v1.pdf", pdf_bytes("c0"))
    results = await asyncio.gather(
        *[
            api.upload(
                ADD_VERSION,
                {"d": doc["id"], "f": None},
                "variables.f",
                f"v{i}.pdf",
                pdf_bytes(f"c{i}"),
            )
            for i in range(1, 9)
        ]
    )
    numbers = sorted(r["data"]["addVersion"]["number"] for r in results)
    assert numbers == list(range(2, 10))


async def test_metadata_changes_are_validated_and_kept_as_history(api: Api) -> None:
    doc = await upload(api, invoice_input(await customer_id(api), api), "x.pdf", pdf_bytes())
    update = f"mutation($id: ID!, $i: DocumentMetadataInput!) {{ updateDocumentMetadata(id: $id, input: $i) {{ {DOC} }} }}"
    changed = (
        await api.data(
            update,
            {
                "id": doc["id"],
                "i": {
                    "title": "Rechnung (korrigiert)",
                    "indexValues": {"due_date": "2024-04-01"},
                    "expectedRevision": 1,
                },
            },
        )
    )["updateDocumentMetadata"]
    assert changed["revision"] == 2
    assert changed["indexValues"]["due_date"] == "2024-04-01"
    stale = (
        await api.data(update, {"id": doc["id"], "i": {"title": "Mine", "expectedRevision": 1}})
    )["updateDocumentMetadata"]
    assert stale["__typename"] == "ConflictError"
    bad = (
        await api.data(
            update,
            {
                "id": doc["id"],
                "i": {"indexValues": {"invoice_number": None, "due_date": "31.12.2024"}},
            },
        )
    )["updateDocumentMetadata"]
    assert {i["field"] for i in bad["issues"]} == {
        "indexValues.invoice_number",
        "indexValues.due_date",
    }
    history = await api.data(
        "query($id: ID!) { document(id: $id) { history { revision field oldValue newValue changedBy { email } } } }",
        {"id": doc["id"]},
    )
    assert history["document"]["history"] == [
        {
            "revision": 2,
            "field": "indexValues.due_date",
            "oldValue": None,
            "newValue": "2024-04-01",
            "changedBy": {"email": api.email},
        },
        {
            "revision": 2,
            "field": "title",
            "oldValue": "Rechnung 2024-0815",
            "newValue": "Rechnung (korrigiert)",
            "changedBy": {"email": api.email},
        },
    ]


async def test_assigning_registers_replaces_the_set_and_is_recorded(api: Api) -> None:
    doc = await upload(api, invoice_input(await customer_id(api), api), "x.pdf", pdf_bytes())
    assign = f"mutation($d: ID!, $r: [ID!]!) {{ assignRegisters(documentId: $d, registerIds: $r) {{ {DOC} }} }}"
    regs = api.ctx.registers
    result = (
        await api.data(assign, {"d": doc["id"], "r": [regs["complaints"].id, regs["invoices"].id]})
    )["assignRegisters"]
    assert sorted(r["key"] for r in result["registers"]) == ["complaints", "invoices"]
    bad = (await api.data(assign, {"d": doc["id"], "r": ["nope"]}))["assignRegisters"]
    assert bad["code"] == "not_found"
    history = await api.data(
        "query($id: ID!) { document(id: $id) { history { field newValue } } }", {"id": doc["id"]}
    )
    assert history["document"]["history"][0]["field"] == "registers"


DOSSIER = """
query($c: ID!, $f: DocumentFilterInput, $s: DocumentSortInput, $first: Int, $after: String) {
  dossier(customerId: $c) {
    customer { name }
    coverFields { key value }
    documentCount
    registers { register { key } count }
    documents(filter: $f, sort: $s, first: $first, after: $after) {
      items { title documentDate indexValues }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def test_the_dossier_lists_filters_sorts_and_pages(api: Api) -> None:
    ctx = api.ctx
    customer = await make_customer(ctx.runtime, ctx.principal)
    for month in range(1, 7):
        await make_document(
            ctx.runtime,
            ctx.principal,
            customer.id,
            ctx.types["invoice"],
            title=f"Invoice {month}",
            document_date=dt.date(2024, month, 10),
            index_values={
                "invoice_number": f"N{month}",
                "amount": {"amount": str(month * 100), "currency": "EUR"},
            },
        )
    await make_document(
        ctx.runtime,
        ctx.principal,
        customer.id,
        ctx.types["complaint"],
        title="Complaint",
        document_date=dt.date(2024, 2, 1),
    )
    data = (await api.data(DOSSIER, {"c": customer.id}))["dossier"]
    assert data["documentCount"] == 7
    counts = {r["register"]["key"]: r["count"] for r in data["registers"]}
    assert counts["invoices"] == 6
    assert counts["complaints"] == 1
    assert counts["correspondence"] == 1
    assert counts["offers"] == 0
    assert data["documents"]["items"][0]["title"] == "Invoice 6"
    invoices = ctx.types["invoice"].id
    ranged = await api.data(
        DOSSIER,
        {
            "c": customer.id,
            "f": {
                "documentTypeId": invoices,
                "index": [{"field": "amount", "min": 200, "max": 400}],
            },
        },
    )
    assert [d["title"] for d in ranged["dossier"]["documents"]["items"]] == [
        "Invoice 4",
        "Invoice 3",
        "Invoice 2",
    ]
    exact = await api.data(
        DOSSIER,
        {
            "c": customer.id,
            "f": {
                "documentTypeId": invoices,
                "index": [{"field": "invoice_number", "equals": "N5"}],
            },
        },
    )
    assert [d["title"] for d in exact["dossier"]["documents"]["items"]] == ["Invoice 5"]
    by_register = await api.data(
        DOSSIER, {"c": customer.id, "f": {"registerId": ctx.registers["complaints"].id}}
    )
    assert [d["title"] for d in by_register["dossier"]["documents"]["items"]] == ["Complaint"]
    dated = await api.data(
        DOSSIER,
        {
            "c": customer.id,
            "f": {"dateFrom": "2024-02-01", "dateTo": "2024-03-31"},
            "s": {"field": "TITLE", "descending": False},
        },
    )
    assert [d["title"] for d in dated["dossier"]["documents"]["items"]] == [
        "Complaint",
        "Invoice 2",
        "Invoice 3",
    ]
    titles: list[str] = []
    after = None
    while True:
        page = (
            await api.data(
                DOSSIER,
                {
                    "c": customer.id,
                    "first": 3,
                    "after": after,
                    "s": {"field": "DOCUMENT_DATE", "descending": False},
                },
            )
        )["dossier"]["documents"]
        titles += [d["title"] for d in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert titles == [
        "Invoice 1",
        "Complaint",
        "Invoice 2",
        "Invoice 3",
        "Invoice 4",
        "Invoice 5",
        "Invoice 6",
    ]
    wrong_sort = await api.gql(
        DOSSIER, {"c": customer.id, "first": 3, "after": after or "x", "s": {"field": "TITLE"}}
    )
    assert wrong_sort["errors"][0]["extensions"]["code"] == "invalid"
    no_type = await api.gql(
        DOSSIER, {"c": customer.id, "f": {"index": [{"field": "amount", "equals": 1}]}}
    )
    assert no_type["errors"][0]["extensions"]["code"] == "invalid"
    inverted = await api.gql(
        DOSSIER, {"c": customer.id, "f": {"dateFrom": "2024-05-01", "dateTo": "2024-01-01"}}
    )
    assert inverted["errors"][0]["extensions"]["code"] == "invalid"


async def test_downloads_are_sandboxed_and_inline_only_when_safe(
    api: Api, runtime: Runtime
) -> None:
    customer = await customer_id(api)
    pdf = await upload(
        api, invoice_input(customer, api, title="Zażółć"), "Zażółć gęślą.pdf", pdf_bytes("dl")
    )
    html = await upload(
        api, invoice_input(customer, api), "page.html", b"<html><script>alert(1)</script></html>"
    )
    assert html["currentVersion"]["mimeType"] == "text/html"
    pdf_url = pdf["currentVersion"]["downloadUrl"]
    attachment = await api.client.get(pdf_url)
    assert attachment.status_code == 200
    assert attachment.content == pdf_bytes("dl")
    assert attachment.headers["content-disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Za%C5%BC%C3%B3%C5%82%C4%87%20g%C4%99%C5%9Bl%C4%85.pdf"
        in attachment.headers["content-disposition"]
    )
    assert attachment.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in attachment.headers["content-security-policy"]
    inline = await api.client.get(pdf_url + "?inline=1")
    assert inline.headers["content-disposition"].startswith("inline;")
    forced = await api.client.get(html["currentVersion"]["downloadUrl"] + "?inline=1")
    assert forced.headers["content-disposition"].startswith("attachment;")
    missing = await api.client.get("/files/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    async with browser(runtime) as stranger_client:
        stranger = await sign_in(stranger_client, await make_tenant_context(runtime))
        foreign = await stranger.client.get(pdf_url)
        assert foreign.status_code == 404
    anonymous = await httpx.AsyncClient(
        transport=api.client._transport, base_url="http://testserver.local"
    ).get(pdf_url)
    assert anonymous.status_code == 401
