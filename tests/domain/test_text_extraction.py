"""Text extraction with the real Tesseract: scans and photos read in German and Polish, PDF text
layers taken as they are, mixtures of both, limits noted, and refusals with stable reasons (no
database needed)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pillow_heif
import pytesseract
import pytest
from PIL import Image

from backend.documents.ocr import OcrFailed, ocr_image
from backend.documents.ocr_languages import (
    default_ocr_languages,
    ocr_languages_of,
    parse_ocr_languages,
)
from backend.documents.pdf_text_process import read_pdf_text
from backend.documents.text_extraction import ExtractionLimits, NoText, extract_text
from tests.domain.scans import (
    GERMAN,
    POLISH,
    encoded,
    scan,
    scanned_pdf,
    text_pdf,
    tiff_pages,
)
from tests.samples.nasty import hostile_second_page_pdf, slow_pdf


def no_ocr(image: Image.Image, languages: str, timeout: float) -> str:
    raise AssertionError("a page with a text layer must not be read by OCR")


def words(text: str) -> list[str]:
    return text.split()


def test_german_and_polish_letters_are_read_from_a_scan() -> None:
    page = scan(["Rechnung Nummer 4711", GERMAN, POLISH])
    result = extract_text(encoded(page, "PNG"), "image/png", languages="deu+pol+eng")
    assert result.source == "ocr"
    assert (result.language, result.page_count, result.ocr_pages) == ("deu+pol+eng", 1, 1)
    assert "Rechnung Nummer 4711" in result.text
    assert set(words(GERMAN)) <= set(words(result.text)), result.text
    assert set(words(POLISH)) <= set(words(result.text)), result.text


@pytest.mark.parametrize(
    ("fmt", "mime", "options"),
    [
        ("JPEG", "image/jpeg", {"quality": 85}),
        ("WEBP", "image/webp", {"quality": 90}),
        ("HEIF", "image/heic", {"quality": 90}),
        ("BMP", "image/bmp", {}),
        ("GIF", "image/gif", {}),
    ],
)
def test_photos_and_pictures_of_every_image_type_are_read(
    fmt: str, mime: str, options: dict[str, object]
) -> None:
    if fmt == "HEIF":
        pillow_heif.register_heif_opener()
    picture = encoded(scan(["Auftrag 2026-31", GERMAN], mode="RGB"), fmt, **options)
    result = extract_text(picture, mime, languages="deu")
    assert result.text == f"Auftrag 2026-31\n{GERMAN}"


def test_an_animation_is_read_once_not_frame_by_frame() -> None:
    frames = [scan(["Bild eins"]), scan(["Bild zwei"])]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200)
    result = extract_text(out.getvalue(), "image/gif", languages="deu")
    assert (result.text, result.page_count, result.ocr_pages) == ("Bild eins", 2, 1)


def test_every_page_of_a_multi_page_tiff_is_read_in_order() -> None:
    data = tiff_pages(
        [scan(["Seite eins", GERMAN]), scan(["Strona druga", POLISH]), scan(["Page three"])]
    )
    result = extract_text(data, "image/tiff", languages="pol+deu+eng")
    assert (result.page_count, result.ocr_pages, result.note) == (3, 3, None)
    first, second, third = result.text.split("\f")
    assert first.startswith("Seite eins")
    assert "Straße" in first
    assert second.startswith("Strona druga")
    assert "źródło" in second
    assert third == "Page three"


def test_a_pdf_text_layer_is_taken_as_it_is_without_ocr() -> None:
    data = text_pdf([["Angebot 2026-117", GERMAN], ["Seite 2", POLISH]])
    result = extract_text(data, "application/pdf", languages="eng", ocr=no_ocr)
    assert (result.source, result.language, result.page_count, result.ocr_pages) == (
        "pdf_text",
        None,
        2,
        0,
    )
    assert result.text == f"Angebot 2026-117\n{GERMAN}\fSeite 2\n{POLISH}"


def test_a_pdf_mixing_a_text_page_and_a_scanned_page_gets_both() -> None:
    data = text_pdf([["Lieferschein 0815", GERMAN], scan(["Unterschrift Kunde", POLISH])])
    result = extract_text(data, "application/pdf", languages="pol+deu")
    assert (result.source, result.language, result.ocr_pages) == ("pdf_text+ocr", "pol+deu", 1)
    layer, scanned = result.text.split("\f")
    assert layer == f"Lieferschein 0815\n{GERMAN}"
    assert "Unterschrift Kunde" in scanned
    assert "gęślą" in scanned


def test_an_image_only_pdf_from_a_scanner_is_read_by_ocr() -> None:
    data = scanned_pdf([scan(["Reklamation 42"]), scan(["Zweite Seite"])])
    result = extract_text(data, "application/pdf", languages="deu")
    assert (result.source, result.page_count, result.ocr_pages) == ("ocr", 2, 2)
    assert result.text == "Reklamation 42\fZweite Seite"


def test_a_picture_without_text_has_empty_text() -> None:
    photo = Image.new("RGB", (800, 600), (90, 140, 60))
    result = extract_text(encoded(photo, "JPEG"), "image/jpeg", languages="eng")
    assert (result.text, result.source, result.page_count, result.note) == ("", "ocr", 1, None)


def test_a_photo_is_read_upright_and_transparency_is_paper() -> None:
    upright = scan(["Montagebericht 17"], mode="RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned a quarter, shown upright
    turned = encoded(upright.transpose(Image.Transpose.ROTATE_90), "JPEG", exif=exif)
    assert extract_text(turned, "image/jpeg", languages="deu").text == "Montagebericht 17"
    ink = scan(["Transparent 12"]).point(lambda v: 255 - v)  # letters opaque, paper clear
    clear = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    clear.putalpha(ink)
    assert extract_text(encoded(clear, "PNG"), "image/png", languages="eng").text == (
        "Transparent 12"
    )


def test_text_files_are_decoded_like_their_preview() -> None:
    result = extract_text(
        "Artikel;Größe\r\nSchraube;M4\r\n".encode("cp1252"), "text/csv", languages="eng"
    )
    assert (result.text, result.source, result.page_count) == (
        "Artikel;Größe\nSchraube;M4",
        "text",
        None,
    )
    assert extract_text(b"", "text/plain", languages="eng").text == ""


def test_the_stored_text_is_capped_without_cutting_a_letter() -> None:
    data = ("żółw " * 1000).encode()  # 7 bytes per word
    result = extract_text(data, "text/plain", languages="eng", limits=ExtractionLimits(1024))
    assert result.note == "text_truncated"
    assert len(result.text.encode()) <= 1024
    assert result.text.startswith("żółw żółw")
    assert result.text.encode().decode() == result.text


def test_pages_beyond_the_ocr_limit_are_skipped_and_noted() -> None:
    data = tiff_pages([scan(["Eins"]), scan(["Zwei"]), scan(["Drei"])])
    result = extract_text(
        data, "image/tiff", languages="deu", limits=ExtractionLimits(max_ocr_pages=2)
    )
    assert (result.text, result.page_count, result.ocr_pages, result.note) == (
        "Eins\fZwei",
        3,
        2,
        "ocr_page_limit",
    )


def test_a_page_ocr_gives_up_on_keeps_the_rest_and_is_noted() -> None:
    data = text_pdf([["Vertrag 2026", GERMAN], scan(["Anlage"])])
    slow = ExtractionLimits(ocr_timeout_seconds=0.001)
    result = extract_text(data, "application/pdf", languages="deu", limits=slow)
    assert (result.text, result.note) == (f"Vertrag 2026\n{GERMAN}", "ocr_timeout")
    with pytest.raises(NoText) as no_text:
        extract_text(encoded(scan(["Anlage"]), "PNG"), "image/png", languages="deu", limits=slow)
    assert (no_text.value.reason, no_text.value.permanent) == ("ocr_timeout", True)


@pytest.mark.parametrize(
    ("data", "mime", "reason"),
    [
        (b"", "application/pdf", "corrupt_pdf"),
        (b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n", "application/pdf", "corrupt_pdf"),
        (text_pdf([["Geheim"]], password="pw"), "application/pdf", "encrypted_pdf"),
        (b"", "image/png", "corrupt_image"),
        (encoded(scan(["x"]), "PNG")[:200], "image/png", "corrupt_image"),
        (b"\x00\x01binary", "text/plain", "not_text"),
        (b"From: a@example.org\r\n\r\nHallo", "message/rfc822", "no_text_for_type"),
    ],
)
def test_files_without_readable_text_say_why(data: bytes, mime: str, reason: str) -> None:
    with pytest.raises(NoText) as no_text:
        extract_text(data, mime, languages="eng")
    assert (no_text.value.reason, no_text.value.permanent) == (reason, True)


def test_an_image_beyond_the_pixel_limit_is_refused_before_decoding() -> None:
    big = encoded(Image.new("L", (4000, 3000), 255), "PNG")
    with pytest.raises(NoText) as no_text:
        extract_text(big, "image/png", languages="eng", limits=ExtractionLimits(max_pixels=10**6))
    assert no_text.value.reason == "too_many_pixels"


def test_missing_language_data_is_worth_a_retry() -> None:
    with pytest.raises(NoText) as no_text:
        extract_text(encoded(scan(["Hallo"]), "PNG"), "image/png", languages="fra")
    assert (no_text.value.reason, no_text.value.permanent) == ("ocr_unavailable", False)


def test_tesseract_runs_on_one_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "environment"
    fake = tmp_path / "tesseract"
    fake.write_text(f'#!/bin/sh\nenv > "{seen}"\necho broken >&2\nexit 3\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    monkeypatch.setenv("OMP_THREAD_LIMIT", "4")
    monkeypatch.setenv("DOSSIER_PROBE", "kept")
    with pytest.raises(OcrFailed) as failed:
        ocr_image(scan(["x"]), "eng", timeout_seconds=10)
    assert failed.value.reason == "ocr_failed"
    environment = dict(line.split("=", 1) for line in seen.read_text().splitlines() if "=" in line)
    assert environment["OMP_THREAD_LIMIT"] == "1"
    assert environment["DOSSIER_PROBE"] == "kept", "the rest of the environment is passed on"
    assert os.environ["OMP_THREAD_LIMIT"] == "4", "the worker's own environment is unchanged"


def test_ocr_languages_are_checked_and_default_to_the_locale() -> None:
    assert parse_ocr_languages(" DEU + eng ") == "deu+eng"
    for wrong in ("", "deu+", "fra", "eng+eng"):
        with pytest.raises(ValueError, match=r"."):
            parse_ocr_languages(wrong)
    assert [default_ocr_languages(locale) for locale in ("de", "pl", "en", "fr")] == [
        "deu+eng",
        "pol+eng",
        "eng",
        "eng",
    ]
    assert ocr_languages_of(None, "pl") == "pol+eng"
    assert ocr_languages_of("deu", "pl") == "deu"


def test_a_hostile_later_page_is_left_out_and_noted_while_the_reader_survives() -> None:
    """Page two draws three million lines: reading it (text layer and drawing for OCR) happens in
    a child process that dies at its memory ceiling; this process reads the other pages on."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = extract_text(hostile_second_page_pdf(), "application/pdf", languages="eng", ocr=no_ocr)
    assert result.note == "pdf_too_complex"
    assert (result.source, result.page_count, result.ocr_pages) == ("pdf_text", 3, 0)
    assert "Rechnung 4711" in result.text
    assert "Lieferschein 815" in result.text
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 100 * 1024, f"this process grew by {grown >> 10} MiB"


def test_a_page_slower_than_the_limit_is_given_up_with_its_reason() -> None:
    limits = ExtractionLimits(pdf_timeout_seconds=0.5)
    with pytest.raises(NoText) as no_text:
        extract_text(slow_pdf(), "application/pdf", languages="eng", limits=limits, ocr=no_ocr)
    assert no_text.value.reason in {"pdf_render_timeout", "pdf_too_complex"}
    assert no_text.value.permanent


def test_office_text_is_read_by_the_same_isolated_reader() -> None:
    text, pages = read_pdf_text(hostile_second_page_pdf())
    assert pages == 3
    first, second, third = text.split("\f")
    assert ("Rechnung 4711" in first, second, "Lieferschein 815" in third) == (True, "", True)
