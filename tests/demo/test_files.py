"""The demo's file generators: real text layers, readable pictures, parseable e-mails, and content
that the upload checks accept under the names the seeder gives it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io

import pypdfium2 as pdfium
import pytest
from PIL import Image

from backend.demo import files, fonts
from backend.demo.files import ImageSpec, MailSpec, PdfSpec, Table, render
from backend.documents.content import inspect_content, sniff_mime
from backend.errors import ContentMismatch

NAMES = (
    "Zakład Mechaniczny Łódź Sp. z o.o.",
    "Müller & Söhne GmbH",
    "Ørsted Façade ApS",
    "Škoda Servis s.r.o.",
)


def pdf_spec() -> PdfSpec:
    return PdfSpec(
        title="Rechnung RE-2024-00012",
        sender="Demo Handel GmbH · Hafenstraße 12 · 28217 Bremen",
        recipient=(NAMES[0], "ul. Piotrkowska 104", "90-123 Łódź", "POLEN"),
        dateline="Bremen, 5. März 2024",
        paragraphs=("Sehr geehrte Damen und Herren,", f"Kopie an {', '.join(NAMES[1:])}."),
        table=Table(
            ("Pos.", "Bezeichnung", "Menge", "Einzelpreis", "Gesamt"),
            (("1", "Schweißdraht Ø 1,0 mm", "2 Rolle", "46,80 €", "93,60 €"),),
            (12, 84, 24, 25, 25),
            "LLRRR",
        ),
        closing=("Mit freundlichen Grüßen", "Jörg Müller"),
        footer="Demo Handel GmbH",
        author="Jörg Müller",
        created=dt.datetime(2024, 3, 5, 9, tzinfo=dt.UTC),
    )


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    return " ".join(" ".join(pages).split())


def mail_spec() -> MailSpec:
    return MailSpec(
        sender=("Łukasz Żak", "lukasz.zak@zaklad-mechaniczny.pl"),
        recipient=("Małgorzata Wiśniewska", "malgorzata.wisniewska@demo.example"),
        subject="Reklamacja – dostawa LS-2024-00012 (Łódź)",
        body="Szanowni Państwo,\n\nżółć gęślą jaźń.\n\nZ poważaniem\nŁukasz Żak\n",
        sent=dt.datetime(2024, 3, 5, 10, 42, tzinfo=dt.UTC),
        message_id="<0001.20240305@zaklad-mechaniczny.pl>",
    )


@pytest.mark.skipif(fonts.pdf_font() is None, reason="needs DejaVu Sans (fonts-dejavu-core)")
def test_pdf_text_layer_keeps_every_letter() -> None:
    text = pdf_text(render(pdf_spec()))

    for expected in (*NAMES, "Rechnung RE-2024-00012", "90-123 Łódź", "Schweißdraht Ø 1,0 mm"):
        assert expected in text
    assert "93,60 €" in text


def test_pdf_without_dejavu_transliterates_to_latin1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "pdf_font", lambda: None)

    text = pdf_text(render(pdf_spec()))

    assert "Zaklad Mechaniczny Lódz Sp. z o.o." in text
    assert "Müller & Söhne GmbH" in text
    assert "Skoda Servis" in text


def test_to_latin1_spells_what_latin1_lacks() -> None:
    assert fonts.to_latin1("Łódź – „Żółć“ 5 €") == 'Lódz - "Zólc" 5 EUR'
    assert fonts.to_latin1("Ørsted Façade ß") == "Ørsted Façade ß"


@pytest.mark.parametrize("scene", ["delivery", "damage"])
def test_photo_is_a_jpeg_pillow_opens(scene: str) -> None:
    spec = ImageSpec(scene, "Anlieferung LS-2024-00011 · Łódź", "05.03.2024 10:42", 7)  # type: ignore[arg-type]

    data = render(spec)

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (800, 600)
    assert sniff_mime(data) == "image/jpeg"


def test_sketch_is_a_png() -> None:
    data = render(ImageSpec("sketch", "Aufmaß Regalfläche", "05.03.2024", 7, "PNG"))

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
    assert sniff_mime(data) == "image/png"


def test_email_parses_with_its_unicode_headers_and_body() -> None:
    data = render(mail_spec())

    message = email.message_from_bytes(data, policy=email.policy.default)

    assert message["Subject"] == "Reklamacja – dostawa LS-2024-00012 (Łódź)"
    assert message["From"].addresses[0].display_name == "Łukasz Żak"
    assert message["Message-ID"] == "<0001.20240305@zaklad-mechaniczny.pl>"
    assert "żółć gęślą jaźń" in message.get_content()  # type: ignore[attr-defined]


def test_libmagic_detects_each_kind() -> None:
    assert sniff_mime(render(pdf_spec())) == "application/pdf"
    assert sniff_mime(render(ImageSpec("delivery", "x", "y", 1))) == "image/jpeg"
    assert sniff_mime(render(mail_spec())) == "message/rfc822"


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("Rechnung_RE-2024-00012.pdf", pdf_spec()),
        ("Auftragsbestätigung_AB-2024-00003.pdf", pdf_spec()),
        ("IMG_20240305_104233.jpg", ImageSpec("damage", "Schaden", "05.03.2024 10:42", 3)),
        ("Skizze_2024-03-05.png", ImageSpec("sketch", "Aufmaß", "", 3, "PNG")),
        ("Reklamation LS-2024-00012.eml", mail_spec()),
    ],
)
def test_upload_checks_accept_generated_files(name: str, spec: files.FileSpec) -> None:
    accepted, detected = inspect_content(name, render(spec), 10 << 20)

    assert accepted == name
    assert detected == sniff_mime(render(spec))


def test_upload_checks_refuse_a_photo_named_pdf() -> None:
    with pytest.raises(ContentMismatch):
        inspect_content("Rechnung.pdf", render(ImageSpec("delivery", "x", "y", 1)), 10 << 20)


@pytest.mark.parametrize(
    "spec",
    [pdf_spec(), ImageSpec("delivery", "x", "y", 5), mail_spec()],
    ids=["pdf", "jpeg", "eml"],
)
def test_same_spec_gives_same_bytes(spec: files.FileSpec) -> None:
    assert render(spec) == render(spec)
