"""When things go wrong: complaints about deliveries, and payment reminders.

A complaint arrives as the customer's e-mail (in their language) or is taken down by the clerk as
a protocol PDF; it opens with status ``open`` and, if it is older than three weeks, is usually
closed later by a metadata change, which the document's history then shows.
"""

from __future__ import annotations

import random

from backend.access.policy import Role
from backend.demo.business import Event, Step
from backend.demo.correspondence import blanks, mail
from backend.demo.files import FileSpec
from backend.demo.formats import german_date, salutation
from backend.demo.plans import Desk, DocumentPlan, Revision, file_name, fill, letter_pdf
from backend.demo.texts import COMPLAINTS
from backend.demo.users import CLERK
from backend.documents.models import MetadataPatch

__all__ = ["complaint", "reminder"]


def complaint(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    assert e.deal is not None
    c = desk.customers[e.customer]
    reason, bodies = COMPLAINTS[e.deal.complaint % len(COMPLAINTS)]
    delivery = e.deal.numbers.get(Step.DELIVERY, "")
    title, lang = f"Reklamation {delivery}: {reason}", c.country.language
    file: FileSpec
    if rng.random() < 0.55:
        subject = f"Reklamacja {delivery}" if lang == "pl" else title
        file, _ = mail(c, e, rng, (subject, bodies[lang]), incoming=True)
        name = file_name(f"Reklamation {delivery}", "eml")
    else:
        said = fill(bodies["de"], blanks(c, e, rng))
        paragraphs = (
            f"Aufgenommen von {CLERK.display_name} am {german_date(e.day)} nach Anruf von "
            f"{c.contacts[0].name}.",
            f"Der Kunde meldet: {said}",
            "Sofortmaßnahme: Ersatzlieferung geprüft, Spedition informiert.",
        )
        protocol = f"Reklamationsprotokoll {delivery}"
        file = letter_pdf(protocol, e.day, c.address_block(), paragraphs, CLERK.display_name)
        name = file_name(protocol, "pdf")
    revisions: tuple[Revision, ...] = ()
    if (desk.today - e.day).days > 21 and rng.random() < 0.85:
        closed = MetadataPatch(index_values={"status": "closed"})
        revisions = (Revision(Role.CLERK, patch=closed),)
    severity = rng.choice(("low", "medium", "medium", "high"))
    values = {"severity": severity, "status": "open", "delivery_number": delivery}
    return DocumentPlan(
        e.customer, "complaint", title, e.day, values, name, file, Role.CLERK, None, revisions
    )


def reminder(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    assert e.deal is not None
    c, number = desk.customers[e.customer], e.deal.numbers.get(Step.INVOICE, "")
    subject = f"Zahlungserinnerung zu Rechnung {number}"
    body = (
        f"sicher ist es Ihrer Aufmerksamkeit entgangen, dass unsere Rechnung {number} noch offen "
        "ist. Bitte überweisen Sie den Betrag innerhalb von sieben Tagen. Sollten Sie inzwischen "
        "gezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos."
    )
    closing = ("Mit freundlichen Grüßen", "Buchhaltung", CLERK.display_name)
    paragraphs = (salutation(None, "de"), body)
    pdf = letter_pdf(
        subject, e.day, c.address_block(), paragraphs, CLERK.display_name, closing=closing
    )
    values = {"direction": "outgoing", "correspondent": c.contacts[0].name}
    registers = ("correspondence", "invoices")
    name = file_name(subject, "pdf")
    return DocumentPlan(
        e.customer, "letter", subject, e.day, values, name, pdf, Role.CLERK, registers
    )
