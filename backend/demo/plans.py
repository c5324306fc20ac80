"""Document plans: everything the seeder uploads, decided before anything is written.

A :class:`DocumentPlan` is one document as an upload needs it (type, title, date, index values,
file spec) plus its later life (:class:`Revision`: a new version, a metadata change, or both).
:class:`Desk` is the writers' shared state: the customers, today, and the document number counters.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backend.access.policy import Role
from backend.demo.files import FileSpec, PdfSpec, Table
from backend.demo.formats import FOOTER, SENDER_LINE, german_date
from backend.demo.people import CustomerProfile
from backend.documents.models import MetadataPatch

__all__ = ["Desk", "DocumentPlan", "Revision", "amount", "file_name", "fill", "letter_pdf"]


@dataclass(frozen=True, slots=True)
class Revision:
    """A later change by ``by``: new content (``file``), new metadata (``patch``), or both."""

    by: Role
    file: FileSpec | None = None
    filename: str = ""
    comment: str = ""
    patch: MetadataPatch | None = None


@dataclass(frozen=True, slots=True)
class DocumentPlan:
    customer: int  # index into the seeded customers
    type_key: str
    title: str
    day: dt.date
    index_values: dict[str, Any]
    filename: str
    file: FileSpec
    by: Role  # the demo user who uploads it
    registers: tuple[str, ...] | None = None  # register keys; None files by the type's defaults
    revisions: tuple[Revision, ...] = ()


@dataclass(slots=True)
class Desk:
    customers: list[CustomerProfile]
    today: dt.date
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def number(self, prefix: str, day: dt.date, width: int = 5) -> str:
        """The next number in ``prefix``'s series for ``day``'s year: ``RE-2024-00042``."""
        key = (prefix, day.year)
        # A series that starts in the middle of the demo's first year continues an older one.
        self.counters[key] = self.counters.get(key, 2 * day.timetuple().tm_yday - 2) + 1
        return f"{prefix}-{day.year}-{self.counters[key]:0{width}d}"


def amount(value: Decimal, currency: str) -> dict[str, str]:
    """A money index value."""
    return {"amount": f"{value:.2f}", "currency": currency}


def fill(template: str, values: dict[str, object]) -> str:
    """Fill a prose template. Names in use: product, quantity, city, street, offer, delivery,
    contact, manager, credit_limit, terms, year, next_year, month."""
    return template.format_map(values)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(text: str, extension: str) -> str:
    """A file name as people save them: the subject, minus what file systems refuse."""
    stem = " ".join(_UNSAFE.sub(" ", text).split())[:80].strip(" .") or "Dokument"
    return f"{stem}.{extension}"


def letter_pdf(
    title: str,
    day: dt.date,
    recipient: tuple[str, ...],
    paragraphs: tuple[str, ...],
    author: str,
    *,
    table: Table | None = None,
    closing: tuple[str, ...] = (),
    sender: str = SENDER_LINE,
    place: str = "Bremen",
    footer: str = FOOTER,
) -> PdfSpec:
    """A DIN 5008-like business letter; by default from the tenant."""
    return PdfSpec(
        title=title,
        sender=sender,
        recipient=recipient,
        dateline=f"{place}, {german_date(day)}",
        paragraphs=paragraphs,
        table=table,
        closing=closing,
        footer=footer,
        author=author,
        created=dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC),
    )
