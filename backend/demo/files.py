"""Generated document files: PDFs with a real text layer, photos and sketches, e-mails.

Each kind has a frozen spec and a pure renderer; :func:`render` dispatches. The same spec always
gives the same bytes (PDF creation dates and e-mail headers come from the spec, image noise from its
seed), so a re-seeded demo stores identical blobs. Renderers aim at a few milliseconds per file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
import textwrap
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as email_policy
from email.utils import format_datetime
from typing import Any, Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw

from backend.demo.fonts import image_font, pdf_font, to_latin1

__all__ = ["FileSpec", "ImageSpec", "MailSpec", "PdfSpec", "Table", "render"]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]  # millimetres, summing to at most 170
    align: str  # one letter per column: L, C or R


@dataclass(frozen=True, slots=True)
class PdfSpec:
    title: str
    sender: str  # one line above the address window
    recipient: tuple[str, ...]
    dateline: str
    paragraphs: tuple[str, ...]  # before the table
    table: Table | None = None
    closing: tuple[str, ...] = ()  # after the table
    footer: str = ""
    author: str = ""
    created: dt.datetime | None = None

    def revised(self, **changes: Any) -> PdfSpec:
        """This document with ``changes`` (field names as above): a later version of it."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class ImageSpec:
    scene: Literal["delivery", "damage", "sketch"]
    caption: str
    stamp: str
    seed: int
    format: Literal["JPEG", "PNG"] = "JPEG"
    size: tuple[int, int] = (800, 600)


@dataclass(frozen=True, slots=True)
class MailSpec:
    sender: tuple[str, str]  # display name, address
    recipient: tuple[str, str]
    subject: str
    body: str
    sent: dt.datetime
    message_id: str  # "<…@…>"
    in_reply_to: str | None = None


FileSpec = PdfSpec | ImageSpec | MailSpec


class _Pdf(FPDF):
    demo_footer = ""
    demo_family = "Helvetica"

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.demo_family, size=7)
        self.set_text_color(110)
        self.cell(0, 4, f"{self.demo_footer}   –   {self.page_no()}/{{nb}}", align="C")


def _line(pdf: FPDF, width: float, height: float, text: str, align: str = "L") -> None:
    pdf.cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(spec: PdfSpec) -> bytes:
    font = pdf_font()
    text = (lambda s: s) if font else to_latin1
    pdf = _Pdf(format="A4")
    if font:
        pdf.add_font("DejaVu", fname=str(font))
        pdf.demo_family = "DejaVu"
    pdf.demo_footer = text(spec.footer)
    pdf.set_margins(22, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.set_title(text(spec.title))
    pdf.set_author(text(spec.author))
    pdf.set_creator("Dossier demo")
    if spec.created is not None:
        pdf.set_creation_date(spec.created)
    pdf.add_page()
    pdf.set_font(pdf.demo_family, size=7)
    pdf.set_y(45)
    _line(pdf, 85, 4, text(spec.sender))
    pdf.set_font(pdf.demo_family, size=10)
    for row in spec.recipient:
        _line(pdf, 85, 5, text(row))
    pdf.set_y(90)
    _line(pdf, 0, 5, text(spec.dateline), align="R")
    pdf.ln(4)
    pdf.set_font(pdf.demo_family, size=13)
    pdf.multi_cell(0, 6, text(spec.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(pdf.demo_family, size=10)

    def paragraphs(items: tuple[str, ...]) -> None:
        for paragraph in items:
            for wrapped in textwrap.wrap(paragraph, 92) or [""]:
                _line(pdf, 0, 5, text(wrapped))
            pdf.ln(2)

    paragraphs(spec.paragraphs)
    if spec.table is not None:
        t = spec.table
        pdf.set_font(pdf.demo_family, size=9)
        for i, cells in enumerate((t.header, *t.rows)):
            for cell, width, align in zip(cells, t.widths, t.align, strict=True):
                pdf.cell(width, 6, text(cell), border="B" if i == 0 else 0, align=align)
            pdf.ln(6)
        pdf.set_font(pdf.demo_family, size=10)
        pdf.ln(4)
    paragraphs(spec.closing)
    return bytes(pdf.output())


def _shade(rng: random.Random, rgb: tuple[int, int, int], spread: int = 18) -> tuple[int, int, int]:
    r, g, b = (max(0, min(255, c + rng.randint(-spread, spread))) for c in rgb)
    return r, g, b


def render_image(spec: ImageSpec) -> bytes:
    rng = random.Random(spec.seed)
    w, h = spec.size
    if spec.scene == "sketch":
        image = Image.new("RGB", spec.size, "white")
        draw = ImageDraw.Draw(image)
        for x in range(0, w, 20):
            draw.line([(x, 0), (x, h)], fill=(205, 225, 245))
        for y in range(0, h, 20):
            draw.line([(0, y), (w, y)], fill=(205, 225, 245))
        x0, y0 = rng.randrange(60, 200, 20), rng.randrange(80, 160, 20)
        x1, y1 = rng.randrange(w - 240, w - 80, 20), rng.randrange(h - 200, h - 100, 20)
        draw.rectangle([x0, y0, x1, y1], outline="black", width=3)
        door = rng.randrange(x0 + 40, x1 - 100, 20)
        draw.line([(door, y1), (door + 60, y1)], fill="white", width=5)
        draw.arc([door, y1 - 60, door + 120, y1 + 60], 180, 270, fill="black", width=2)
        length = (x1 - x0) / 100
        draw.text((x0, y0 - 28), f"{length:.2f} m".replace(".", ","), "black", image_font(18))
    else:
        image = Image.new("RGB", spec.size, _shade(rng, (196, 190, 178)))
        draw = ImageDraw.Draw(image)
        floor = int(h * rng.uniform(0.55, 0.65))
        draw.rectangle([0, floor, w, h], fill=_shade(rng, (120, 118, 112)))
        for _ in range(rng.randint(1, 3) if spec.scene == "delivery" else 1):
            px = rng.randint(20, w - 300)
            py = rng.randint(floor + 20, h - 140)
            draw.rectangle([px, py + 100, px + 260, py + 120], fill=_shade(rng, (150, 110, 60)))
            for row in range(rng.randint(2, 4)):
                for col in range(3):
                    bx, by = px + col * 86, py + 100 - (row + 1) * 70
                    draw.rectangle(
                        [bx, by, bx + 84, by + 68], _shade(rng, (190, 150, 95)), (120, 90, 50)
                    )
            draw.rectangle([px + 95, py + 40, px + 165, py + 62], fill="white")
        if spec.scene == "damage":
            cx, cy = w // 2 + rng.randint(-80, 80), floor + rng.randint(-60, 40)
            draw.polygon([(cx - 30, cy - 10), (cx + 25, cy - 25), (cx + 10, cy + 30)], (60, 40, 25))
            draw.ellipse([cx - 70, cy - 60, cx + 70, cy + 60], outline=(220, 20, 20), width=6)
        draw.text((w - 230, h - 36), spec.stamp, (255, 190, 40), image_font(20))
    draw.rectangle([0, 0, w, 36], fill=(30, 30, 30))
    draw.text((12, 8), spec.caption, "white", image_font(18))
    out = io.BytesIO()
    if spec.format == "JPEG":
        image.save(out, "JPEG", quality=72)
    else:
        image.save(out, "PNG", optimize=False)
    return out.getvalue()


def render_email(spec: MailSpec) -> bytes:
    message = EmailMessage(policy=email_policy)
    message["From"] = Address(display_name=spec.sender[0], addr_spec=spec.sender[1])
    message["To"] = Address(display_name=spec.recipient[0], addr_spec=spec.recipient[1])
    message["Subject"] = spec.subject
    message["Date"] = format_datetime(spec.sent)
    message["Message-ID"] = spec.message_id
    if spec.in_reply_to:
        message["In-Reply-To"] = spec.in_reply_to
        message["References"] = spec.in_reply_to
    message.set_content(spec.body)
    return message.as_bytes()


def render(spec: FileSpec) -> bytes:
    if isinstance(spec, PdfSpec):
        return render_pdf(spec)
    if isinstance(spec, ImageSpec):
        return render_image(spec)
    return render_email(spec)
