"""Canonical ids (remembered, and read alike however long the text) and a document's sync
fields made on first use."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from backend.documents.models import Document
from backend.errors import NotFound
from backend.ids import canonical_uuid, parse_id
from backend.offline import fields
from backend.offline.fields import DocumentFieldsOnUse, document_fields

_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.mark.parametrize(
    "text",
    [
        _ID,
        _ID.upper(),
        "{" + _ID + "}",
        "urn:uuid:" + _ID,
        _ID.replace("-", ""),
        "-".join(_ID.replace("-", "")),  # longer than any id is written: read, not remembered
    ],
)
def test_every_form_uuid_reads_has_one_canonical_form(text: str) -> None:
    assert canonical_uuid(text) == _ID
    assert parse_id("document", text) == _ID


@pytest.mark.parametrize("text", ["", "x", _ID[:-1], _ID + "0", "z" * 10_000])
def test_what_is_no_uuid_is_refused(text: str) -> None:
    assert canonical_uuid(text) is None
    with pytest.raises(NotFound):
        parse_id("document", text)


def _document() -> Document:
    at = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
    return Document(
        id=str(uuid.uuid4()),
        tenant_id=str(uuid.uuid4()),
        customer_id=str(uuid.uuid4()),
        document_type_id=str(uuid.uuid4()),
        title="Angebot",
        document_date=dt.date(2026, 11, 1),
        status="active",
        index_values={"amount": {"amount": "12.50", "currency": "EUR"}},
        revision=4,
        version_count=1,
        created_at=at,
        created_by=None,
        updated_at=at + dt.timedelta(hours=1),
    )


def test_fields_made_on_use_are_the_document_fields_made_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = _document()
    expected = document_fields(document, None)
    made: list[Document] = []

    def counting(d: Document, first: object) -> dict[str, object]:
        made.append(d)
        return document_fields(d, None)

    monkeypatch.setattr(fields, "document_fields", counting)
    on_use = DocumentFieldsOnUse(document, None)
    assert made == []
    assert on_use == expected
    assert dict(on_use) == expected
    assert (len(on_use), on_use["title"], on_use.get("nothing")) == (len(expected), "Angebot", None)
    assert made == [document]
