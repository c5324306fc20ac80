"""PDF previews: page one rendered by PDFium, the page count, and refusals with stable reasons for
encrypted, corrupt and empty files (no database needed)."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from PIL import Image

from backend.documents.imaging import PreviewRefused
from backend.documents.pdf_preview import render_page, render_pdf, screen_size


def pdf(
    pages: int = 3, *, size: str | tuple[float, float] = "A4", password: str | None = None
) -> bytes:
    document = FPDF(format=size)
    if password is not None:
        document.set_encryption(owner_password="owner-secret", user_password=password)
    document.set_font("helvetica", size=24)
    for n in range(pages):
        document.add_page()
        document.set_fill_color(20, 60, 200)
        document.rect(10, 10, 60, 40, style="F")
        document.text(20, 80, f"Page {n + 1}")
    return bytes(document.output())


def test_page_one_of_an_a4_letter_and_its_page_count() -> None:
    preview = render_pdf(pdf(3))
    assert preview.page_count == 3
    sizes = {r.kind: (r.width, r.height) for r in preview.renditions}
    assert sizes["screen"][1] == 1600, "portrait: the height fits the screen rendition"
    assert sizes["thumbnail"][1] == 320
    assert abs(sizes["thumbnail"][0] / 320 - 210 / 297) < 0.01, "A4 proportions kept"
    screen = next(r for r in preview.renditions if r.kind == "screen")
    image = Image.open(io.BytesIO(screen.data))
    assert image.format == "WEBP"
    # The blue box in the top left corner is drawn where the page has it.
    red, _green, blue = image.convert("RGB").getpixel(
        (int(image.width * 0.15), int(image.height * 0.05))
    )
    assert blue > 150 > red


def test_a_page_of_absurd_size_renders_small() -> None:
    preview = render_pdf(pdf(1, size=(5000.0, 100.0)))  # millimetres: 5 m by 10 cm
    screen = next(r for r in preview.renditions if r.kind == "screen")
    assert screen.width == 1600
    assert screen.height < 100


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "corrupt_pdf"),
        (b"%PDF-1.7\nthis is not a pdf at all", "corrupt_pdf"),
        (pdf(2)[:300], "corrupt_pdf"),
        (pdf(1, password="open-sesame"), "encrypted_pdf"),
    ],
    ids=["empty", "garbage", "truncated", "encrypted"],
)
def test_refusals_have_stable_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(PreviewRefused) as refused:
        render_pdf(data)
    assert refused.value.reason == reason


def test_too_many_pages_is_refused_before_rendering() -> None:
    with pytest.raises(PreviewRefused) as refused:
        render_pdf(pdf(5), max_pages=4)
    assert refused.value.reason == "too_many_pages"


def test_the_first_pages_each_get_a_screen_image_and_every_page_its_size() -> None:
    preview = render_pdf(pdf(5), pages=3)
    assert preview.page_count == 5
    assert sorted((r.kind, r.page) for r in preview.renditions) == [
        ("screen", 1),
        ("screen", 2),
        ("screen", 3),
        ("thumbnail", 1),
    ]
    screens = {r.page: (r.width, r.height) for r in preview.renditions if r.kind == "screen"}
    assert len(preview.page_sizes) == 5
    assert preview.page_sizes[0] == screens[1], "the announced size is the rendered size"
    assert preview.page_sizes[4] == screens[1], "A4 throughout"


def test_a_later_page_renders_alone_and_a_missing_page_is_refused() -> None:
    data = pdf(5)
    page = render_page(data, 4)
    assert (page.kind, page.page, page.height) == ("screen", 4, 1600)
    assert Image.open(io.BytesIO(page.data)).format == "WEBP"
    for missing in (0, 6, -1):
        with pytest.raises(PreviewRefused) as refused:
            render_page(data, missing)
        assert refused.value.reason == "page_out_of_range"


def test_screen_sizes_follow_the_pages_proportions() -> None:
    assert screen_size(595.0, 842.0) == (1131, 1600)
    assert screen_size(842.0, 595.0) == (1600, 1131)
    assert screen_size(0.0, 100.0) == (1600, 1600), "a page without size shows square"
