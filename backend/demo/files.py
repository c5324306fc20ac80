"""Generated document files: PDFs with a real text layer, pictures (:mod:`backend.demo.images`),
e-mails.

Each kind has a frozen spec and a pure renderer; :func:`render` dispatches. The same spec always
gives the same bytes (PDF creation dates and e-mail headers come from the spec, image noise from its
seed), so a re-seeded demo stores identical blobs. Renderers aim at a few milliseconds per file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as email_policy
from email.utils import format_datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from backend.demo.fonts import pdf_font, to_latin1
from backend.demo.images import ImageSpec, render_image

__all__ = [
    "FileSpec",
    "ImageSpec",
    "MailSpec",
    "PdfSpec",
    "Table",
    "render",
    "render_email",
    "render_image",
    "render_pdf",
]


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
    annex: tuple[str, ...] = ()  # on pages of their own after the letter (terms and conditions)
    footer: str = ""
    author: str = ""
    created: dt.datetime | None = None

    def revised(self, **changes: Any) -> PdfSpec:
        """This document with ``changes`` (field names as above): a later version of it."""
        return dataclasses.replace(self, **changes)


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
        self.cell(0, 4, f"{self.demo_footer}{self.page_no()}/{{nb}}", align="C")


def _line(pdf: FPDF, width: float, height: float, text: str, align: str = "L") -> None:
    pdf.cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(spec: PdfSpec) -> bytes:
    font = pdf_font()
    text = (lambda s: s) if font else to_latin1
    pdf = _Pdf(format="A4")
    if font:
        pdf.add_font("DejaVu", fname=str(font))
        pdf.demo_family = "DejaVu"
        # The font's glyph boxes are right as they are; fontTools would recompute every one
        # while fpdf2 embeds the subset, a third of the time a PDF takes.
        ttfont = getattr(pdf.fonts.get("dejavu"), "ttfont", None)
        if ttfont is not None:
            ttfont.recalcBBoxes = False
    pdf.demo_footer = text(f"{spec.footer}   –   " if spec.footer else "")
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
            for wrapped in textwrap.wrap(paragraph, 98) or [""]:
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
    if spec.annex:
        pdf.add_page()
        pdf.set_font(pdf.demo_family, size=12)
        _line(pdf, 0, 7, text(spec.annex[0]))
        pdf.ln(3)
        pdf.set_font(pdf.demo_family, size=10)
        paragraphs(spec.annex[1:])
    return bytes(pdf.output())


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
