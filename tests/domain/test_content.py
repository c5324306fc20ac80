"""Upload checks: file name hygiene and content sniffing (no database)."""

from __future__ import annotations

import unicodedata

import pytest

from backend.documents.content import check_filename, inspect_content, sniff_mime
from backend.errors import (
    ContentMismatch,
    EmptyUpload,
    InvalidFilename,
    UploadRejected,
    UploadTooLarge,
)
from tests.factories import pdf_bytes, png_bytes

LIMIT = 1024 * 1024


def test_generated_samples_are_what_they_claim() -> None:
    assert sniff_mime(pdf_bytes()) == "application/pdf"
    assert sniff_mime(png_bytes()) == "image/png"


@pytest.mark.parametrize(
    ("filename", "data", "mime"),
    [
        ("invoice.pdf", pdf_bytes(), "application/pdf"),
        ("Rechnung 2030-01 (Kopie).PDF", pdf_bytes(), "application/pdf"),
        ("photo.png", png_bytes(), "image/png"),
        ("scan", pdf_bytes(), "application/pdf"),  # no extension promises nothing
        ("notes.txt", b"plain words\n", "text/plain"),
        ("server.log", b"plain words\n", "text/plain"),
        ("data.csv", b"a,b\n1,2\n", "text/csv"),
        ("zażółć gęślą jaźń.pdf", pdf_bytes(), "application/pdf"),
    ],
)
def test_accepted_uploads(filename: str, data: bytes, mime: str) -> None:
    name, detected = inspect_content(filename, data, LIMIT)
    assert name == unicodedata.normalize("NFC", filename.strip())
    assert detected == mime or (mime == "text/csv" and detected == "text/plain")


def test_filename_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Übersicht.pdf")
    assert decomposed != "Übersicht.pdf"
    assert check_filename(decomposed) == "Übersicht.pdf"


def test_surrounding_spaces_are_trimmed() -> None:
    assert check_filename("  invoice.pdf ") == "invoice.pdf"


@pytest.mark.parametrize(
    "filename",
    [
        "",
        "   ",
        "../x.pdf",
        "..",
        ".",
        "a/b.pdf",
        "/etc/passwd",
        "a\\b.pdf",
        "..\\x.pdf",
        ".hidden.pdf",
        "a\x00.pdf",
        "a\n.pdf",
        "a\x7f.pdf",
        "a\udcff.pdf",  # a lone surrogate (undecodable byte smuggled through surrogateescape)
        "a" + chr(0xD800) + ".pdf",  # a lone high surrogate
        "evil\u202etxt.pdf",  # right-to-left override
        "zero\u200bwidth.pdf",
        "x" * 252 + ".pdf",
    ],
)
def test_bad_filenames_are_refused(filename: str) -> None:
    with pytest.raises(InvalidFilename) as caught:
        inspect_content(filename, pdf_bytes(), LIMIT)
    assert caught.value.code == "invalid_filename"
    assert isinstance(caught.value, UploadRejected)


def test_longest_allowed_name() -> None:
    name = "x" * 251 + ".pdf"
    assert check_filename(name) == name


def test_empty_content_is_refused() -> None:
    with pytest.raises(EmptyUpload) as caught:
        inspect_content("a.pdf", b"", LIMIT)
    assert caught.value.code == "empty_upload"


def test_size_limit_is_inclusive() -> None:
    data = pdf_bytes()
    inspect_content("a.pdf", data, len(data))
    with pytest.raises(UploadTooLarge) as caught:
        inspect_content("a.pdf", data, len(data) - 1)
    assert caught.value.code == "upload_too_large"
    assert caught.value.limit == len(data) - 1


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("invoice.pdf", png_bytes()),
        ("invoice.pdf", b"just text pretending\n"),
        ("photo.png", pdf_bytes()),
        ("photo.jpg", png_bytes()),
        ("report.docx", pdf_bytes()),
        ("notes.txt", png_bytes()),
        ("page.html", pdf_bytes()),
    ],
)
def test_content_that_contradicts_its_name_is_refused(filename: str, data: bytes) -> None:
    with pytest.raises(ContentMismatch) as caught:
        inspect_content(filename, data, LIMIT)
    assert caught.value.code == "content_mismatch"
    assert caught.value.detected == sniff_mime(data)


def test_name_is_checked_before_content() -> None:
    with pytest.raises(InvalidFilename):
        inspect_content("../a.pdf", b"", LIMIT)
