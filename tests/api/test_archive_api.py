"""The archive through GraphQL and the download endpoint: retention date and legal hold on the
Document type, setLegalHold / liftLegalHold / deleteDocument with their error codes, and downloads
of a deleted document's versions.

The app runs on the real clock: a document dated 2000 is past its retention (end of 2010), one
dated today is not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from backend.audit.verification import verify_archive
from tests.api.conftest import Api, sign_in
from tests.factories import count_rows, make_customer, make_document

ERRORS = """
  __typename
  ... on Error { code message }
  ... on ValidationError { issues { field code } }
"""
FIELDS = f"""{ERRORS}
  ... on Document {{ id status retentionUntil legalHold {{ reason setAt setBy {{ email }} }} }}
"""
TOMBSTONE = f"""{ERRORS}
  ... on DocumentTombstone {{ documentId deletedAt reason deletedBy {{ email }} }}
"""
SET_HOLD = (
    f"mutation($d: ID!, $r: String!) {{ setLegalHold(documentId: $d, reason: $r) {{ {FIELDS} }} }}"
)
LIFT_HOLD = (
    f"mutation($d: ID!, $r: String!) {{ liftLegalHold(documentId: $d, reason: $r) {{ {FIELDS} }} }}"
)
DELETE = (
    f"mutation($d: ID!, $r: String!) {{ deleteDocument(id: $d, reason: $r) {{ {TOMBSTONE} }} }}"
)
DOCUMENT = "query($d: ID!) { document(id: $d) { id retentionUntil legalHold { reason } } }"


async def document(api: Api, document_date: dt.date) -> tuple[str, str]:
    """(document id, its first version id)."""
    customer = await make_customer(api.ctx.runtime, api.ctx.principal)
    doc = await make_document(
        api.ctx.runtime,
        api.ctx.principal,
        customer.id,
        api.ctx.types["letter"],
        document_date=document_date,
    )
    [[version]] = await api.ctx.runtime.services().documents.versions_of(
        api.ctx.principal, [doc.id]
    )
    return doc.id, version.id


async def mutate(api: Api, query: str, document_id: str, reason: str) -> dict[str, Any]:
    data = await api.data(query, {"d": document_id, "r": reason})
    return next(iter(data.values()))  # type: ignore[no-any-return]


async def test_document_shows_its_retention_date_and_hold(api: Api) -> None:
    document_id, _ = await document(api, dt.date(2024, 3, 1))
    shown = (await api.data(DOCUMENT, {"d": document_id}))["document"]
    assert shown == {"id": document_id, "retentionUntil": "2034-12-31", "legalHold": None}

    held = await mutate(api, SET_HOLD, document_id, "tax audit")
    assert held["__typename"] == "Document"
    assert held["legalHold"]["reason"] == "tax audit"
    assert held["legalHold"]["setBy"] == {"email": api.email}
    again = await mutate(api, SET_HOLD, document_id, "tax audit")
    assert (again["__typename"], again["code"]) == ("ConflictError", "conflict")

    lifted = await mutate(api, LIFT_HOLD, document_id, "audit closed")
    assert lifted["legalHold"] is None
    shown = (await api.data(DOCUMENT, {"d": document_id}))["document"]
    assert shown["legalHold"] is None


async def test_delete_before_retention_answers_retention_active(api: Api) -> None:
    today = dt.datetime.now(dt.UTC).date()
    document_id, _ = await document(api, today)
    refused = await mutate(api, DELETE, document_id, "no longer needed")
    assert (refused["__typename"], refused["code"]) == ("ConflictError", "retention_active")
    assert f"{today.year + 10}-12-31" in refused["message"]
    assert await count_rows(api.ctx.runtime, "document_tombstone", api.ctx.tenant.id) == 0


async def test_delete_under_legal_hold_answers_legal_hold(api: Api) -> None:
    document_id, _ = await document(api, dt.date(2000, 1, 1))
    await mutate(api, SET_HOLD, document_id, "litigation")
    refused = await mutate(api, DELETE, document_id, "retention ended")
    assert (refused["__typename"], refused["code"]) == ("ConflictError", "legal_hold")
    assert "litigation" in refused["message"]
    assert await count_rows(api.ctx.runtime, "document_tombstone", api.ctx.tenant.id) == 0


async def test_delete_after_retention_and_the_downloads_are_gone(api: Api) -> None:
    document_id, version_id = await document(api, dt.date(2000, 1, 1))
    assert (await api.client.get(f"/files/{version_id}")).status_code == 200

    deleted = await mutate(api, DELETE, document_id, "retention ended")
    assert deleted["__typename"] == "DocumentTombstone"
    assert deleted["documentId"] == document_id
    assert deleted["reason"] == "retention ended"
    assert deleted["deletedBy"] == {"email": api.email}

    download = await api.client.get(f"/files/{version_id}")
    assert download.status_code == 410
    assert download.json()["error"]["code"] == "document_deleted"
    body = await api.gql(DOCUMENT, {"d": document_id})
    assert body["errors"][0]["extensions"]["code"] == "document_deleted"
    again = await mutate(api, DELETE, document_id, "retention ended")
    assert (again["__typename"], again["code"]) == ("NotFoundError", "document_deleted")

    report = await verify_archive(api.ctx.runtime, tenant_slug=api.ctx.tenant.slug)
    assert report.clean, report.problems


async def test_bad_inputs_answer_with_stable_codes(api: Api, client: httpx.AsyncClient) -> None:
    document_id, _ = await document(api, dt.date(2000, 1, 1))
    empty = await mutate(api, DELETE, document_id, "  ")
    assert (empty["__typename"], empty["code"]) == ("ValidationError", "invalid")
    assert empty["issues"] == [{"field": "reason", "code": "required"}]
    unknown = await mutate(api, DELETE, "not-an-id", "retention ended")
    assert (unknown["__typename"], unknown["code"]) == ("NotFoundError", "not_found")
    no_hold = await mutate(api, LIFT_HOLD, document_id, "nothing to lift")
    assert no_hold["code"] == "conflict"

    clerk = await sign_in(client, api.ctx, role="clerk")
    for query in (DELETE, SET_HOLD):
        refused = await mutate(clerk, query, document_id, "because")
        assert (refused["__typename"], refused["code"]) == ("ForbiddenError", "forbidden")
    assert await count_rows(api.ctx.runtime, "document_tombstone", api.ctx.tenant.id) == 0
