"""Correspondence: e-mails in the customer's language, and German business letters.

Customers write in their own language (:attr:`Country.language`), and the sales team answers in
it. E-mails are real RFC 5322 messages with stable Message-IDs. Inquiries and follow-ups on offers
are filed under correspondence and offers; everything else under the type's default register.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from backend.access.policy import Role
from backend.demo.business import Event, Step
from backend.demo.files import MailSpec
from backend.demo.formats import TENANT_ADDRESS, money, salutation
from backend.demo.people import CustomerProfile, Person
from backend.demo.plans import Desk, DocumentPlan, Revision, file_name, fill, letter_pdf
from backend.demo.texts import (
    CLOSINGS,
    INBOX,
    INQUIRY,
    LETTERS_IN,
    LETTERS_OUT,
    OFFER_FOLLOW_UP,
    OUTBOX,
    Prose,
)
from backend.demo.users import SALES
from backend.documents.models import MetadataPatch

__all__ = ["blanks", "email", "letter", "mail"]

_SIGNATURE = f"{SALES.display_name}\nVertrieb · Demo Handel GmbH · Hafenstraße 12 · 28217 Bremen"
_TO_SALES = f"Dear Ms {SALES.display_name.split()[-1]},"
_MONTHS = ("Januar", "April", "Juli", "Oktober")


def blanks(c: CustomerProfile, e: Event, rng: random.Random) -> dict[str, object]:
    """Values for the placeholders of :mod:`backend.demo.texts`."""
    item = e.deal.items[0] if e.deal else None
    numbers = e.deal.numbers if e.deal else {}
    limit = c.key_data.get("credit_limit") or {"amount": "0", "currency": "EUR"}
    return {
        "product": item.product if item else "Kugellager 6204-2RS",
        "quantity": item.quantity if item else rng.randint(5, 50),
        "city": c.delivery.city,
        "street": c.delivery.street,
        "offer": numbers.get(Step.OFFER, ""),
        "delivery": numbers.get(Step.DELIVERY, ""),
        "contact": c.contacts[-1].name,
        "manager": c.key_data["account_manager"],
        "credit_limit": money(Decimal(limit["amount"]), limit["currency"]),
        "terms": c.key_data["payment_terms"],
        "year": e.day.year,
        "next_year": e.day.year + 1,
        "month": rng.choice(_MONTHS),
    }


def mail(
    c: CustomerProfile, e: Event, rng: random.Random, prose: Prose, incoming: bool
) -> tuple[MailSpec, Person]:
    """An e-mail between one of the customer's contacts and the sales team, either way."""
    contact, lang = rng.choice(c.contacts), c.country.language
    values = blanks(c, e, rng)
    subject, body = fill(prose[0], values), fill(prose[1], values)
    if lang == "en":  # German and Polish letters go on in lower case after the salutation
        body = body[:1].upper() + body[1:]
    ours = (SALES.display_name, SALES.email)
    if incoming:
        sender, recipient, domain = (contact.name, contact.email), ours, contact.email.split("@")[1]
        greeting = _TO_SALES if lang == "en" else salutation(None, lang)
        signature = f"{contact.name}\n{contact.role} · {c.name}\n{contact.phone}"
    else:
        sender, recipient, domain = ours, (contact.name, contact.email), "demo.example"
        greeting, signature = salutation(contact, lang), _SIGNATURE
    sent = dt.datetime.combine(e.day, dt.time(rng.randint(7, 17), rng.randrange(60)), dt.UTC)
    text = f"{greeting}\n\n{body}\n\n{CLOSINGS[lang]}\n{signature}\n"
    message_id = f"<{e.token:08x}.{e.day:%Y%m%d}@{domain}>"
    return MailSpec(sender, recipient, subject, text, sent, message_id), contact


def email(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    c = desk.customers[e.customer]
    lang = c.country.language
    registers: tuple[str, ...] | None = ("correspondence", "offers")
    if e.step is Step.INQUIRY:
        prose, incoming = INQUIRY[lang], True
    elif e.step is Step.OFFER_FOLLOW_UP:
        prose, incoming = OFFER_FOLLOW_UP[lang], False
    else:
        incoming, registers = rng.random() < 0.6, None
        prose = rng.choice((INBOX if incoming else OUTBOX)[lang])
    spec, contact = mail(c, e, rng, prose, incoming)
    values = {"direction": "incoming" if incoming else "outgoing", "correspondent": contact.name}
    name = file_name(spec.subject, "eml")
    return DocumentPlan(
        e.customer, "email", spec.subject, e.day, values, name, spec, Role.SALES, registers
    )


def letter(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    """A letter to the customer or, from German-speaking customers now and then, one from them."""
    c, contact = desk.customers[e.customer], desk.customers[e.customer].contacts[0]
    incoming = c.country.language == "de" and rng.random() < 0.3
    values = blanks(c, e, rng)
    subject, body = (fill(p, values) for p in rng.choice(LETTERS_IN if incoming else LETTERS_OUT))
    paragraphs = (salutation(None if incoming else contact, "de"), *body.split("\n"))
    if incoming:
        a = c.billing
        pdf = letter_pdf(
            subject,
            e.day,
            TENANT_ADDRESS,
            paragraphs,
            contact.name,
            closing=("Mit freundlichen Grüßen", c.name, contact.name),
            sender=f"{c.name} · {a.street} · {a.postal_code} {a.city}",
            place=a.city,
            footer=c.name,
        )
    else:
        closing = ("Mit freundlichen Grüßen", "Demo Handel GmbH", SALES.display_name)
        pdf = letter_pdf(
            subject, e.day, c.address_block(), paragraphs, SALES.display_name, closing=closing
        )
    revisions: tuple[Revision, ...] = ()
    if rng.random() < 0.04:  # a clerk sharpens a vague title later
        revisions = (Revision(Role.CLERK, patch=MetadataPatch(title=f"{subject} ({c.name})")),)
    index = {"direction": "incoming" if incoming else "outgoing", "correspondent": contact.name}
    name = file_name(f"Brief {e.day.isoformat()} {subject}", "pdf")
    by = Role.CLERK if incoming else Role.SALES
    return DocumentPlan(e.customer, "letter", subject, e.day, index, name, pdf, by, None, revisions)
