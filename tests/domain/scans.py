"""Sample documents for the text extraction tests, made on the fly: scanned pages (Pillow drawing
text in DejaVu Sans at a size a 300 dpi scan of 12 pt print has), PDFs with a text layer (fpdf2
with the same font, so German and Polish letters are real text), and mixtures of both."""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
GERMAN = "Größe Straße Übergabe Äpfel"
POLISH = "Zażółć gęślą jaźń źródło"


def scan(
    lines: Sequence[str], *, size: tuple[int, int] = (1700, 500), mode: str = "L"
) -> Image.Image:
    """A white page with ``lines`` in black, 44 px high letters (12 pt at 300 dpi)."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 44)
    for n, line in enumerate(lines):
        draw.text((80, 60 + n * 80), line, font=font, fill=0)
    return page.convert(mode)


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def tiff_pages(pages: Sequence[Image.Image]) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=list(pages[1:]), compression="tiff_lzw")
    return out.getvalue()


def scanned_pdf(pages: Sequence[Image.Image]) -> bytes:
    """An image-only PDF, as a scanner makes it (Pillow writes no text layer)."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=200.0, save_all=True, append_images=list(pages[1:]))
    return out.getvalue()


def text_pdf(pages: Sequence[Sequence[str] | Image.Image], *, password: str | None = None) -> bytes:
    """A PDF whose pages are text (a list of lines, in its text layer) or a scanned image."""
    document = FPDF(format="A4")
    if password is not None:
        document.set_encryption(owner_password="owner-secret", user_password=password)
    document.add_font("dejavu", fname=FONT)
    document.set_font("dejavu", size=12)
    for page in pages:
        document.add_page()
        if isinstance(page, Image.Image):
            document.image(page, x=0, y=0, w=210)
        else:
            for n, line in enumerate(page):
                document.text(20, 30 + n * 8, line)
    return bytes(document.output())
