"""Framework contracts: two pages of clauses, drawn up by the admin and, most of the time, later
replaced by the countersigned version (a second version of the same document)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from backend.access.policy import Role
from backend.demo.business import Event
from backend.demo.formats import german_date, money
from backend.demo.plans import Desk, DocumentPlan, Revision, letter_pdf
from backend.demo.users import ADMIN

__all__ = ["contract"]

_CLAUSES = (
    ("§ 1 Gegenstand", "Der Lieferant liefert dem Kunden Ersatz- und Verschleißteile aus seinem "
     "jeweils gültigen Sortiment zu den Bedingungen dieses Vertrags."),
    ("§ 2 Preise", "Es gelten die Listenpreise abzüglich eines Rahmenrabatts von {discount} %. "
     "Preisänderungen kündigt der Lieferant mit einer Frist von drei Monaten an."),
    ("§ 3 Lieferung", "Lieferungen erfolgen frei Haus an die Lieferanschrift des Kunden in {city}. "
     "Der Lieferant hält für den Kunden einen Sicherheitsbestand der Schnelldreher vor."),
    ("§ 4 Zahlung", "Zahlungsbedingungen: {terms}. Das Kreditlimit beträgt {credit_limit}."),
    ("§ 5 Gewährleistung", "Offensichtliche Mängel sind binnen acht Tagen nach Anlieferung "
     "schriftlich anzuzeigen; die gesetzlichen Rechte bleiben unberührt."),
    ("§ 6 Laufzeit", "Der Vertrag beginnt am {start} und endet am {end}. Er verlängert sich um "
     "jeweils ein Jahr, wenn er nicht sechs Monate vor Ablauf gekündigt wird."),
    ("§ 7 Vertraulichkeit", "Die Parteien behandeln Preise und Konditionen dieses Vertrags "
     "vertraulich, auch über sein Ende hinaus."),
    ("§ 8 Schlussbestimmungen", "Änderungen bedürfen der Schriftform. Gerichtsstand ist Bremen; "
     "es gilt deutsches Recht unter Ausschluss des UN-Kaufrechts."),
)  # fmt: skip


def contract(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    c = desk.customers[e.customer]
    number = desk.number("RV", e.day, width=3)
    start = (e.day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    end = start.replace(year=start.year + rng.choice((2, 3))) - dt.timedelta(days=1)
    limit = c.key_data.get("credit_limit") or {"amount": "0", "currency": "EUR"}
    blanks = {
        "discount": rng.choice((3, 5, 7, 8)),
        "city": c.delivery.city,
        "terms": c.key_data["payment_terms"],
        "credit_limit": money(Decimal(limit["amount"]), limit["currency"]),
        "start": german_date(start),
        "end": german_date(end),
    }
    a = c.billing
    parties = (
        "zwischen der Demo Handel GmbH, Hafenstraße 12, 28217 Bremen – nachstehend „Lieferant“ – "
        f"und {c.name}, {a.street}, {a.postal_code} {a.city} – nachstehend „Kunde“ –"
    )
    clauses = tuple(f"{head}: {text.format_map(blanks)}" for head, text in _CLAUSES)
    title = f"Rahmenvertrag {number} über Ersatz- und Verschleißteile"
    closing = (f"Bremen / {a.city}", "Ort, Datum, Unterschriften", f"Demo Handel GmbH · {c.name}")
    draft = letter_pdf(
        title, e.day, c.address_block(), (parties, *clauses), ADMIN.display_name, closing=closing
    )
    revisions: tuple[Revision, ...] = ()
    signed_on = e.day + dt.timedelta(days=rng.randint(5, 20))
    if signed_on <= desk.today and rng.random() < 0.6:
        signatures = (
            f"Beidseitig unterzeichnet am {german_date(signed_on)}: "
            f"gez. {ADMIN.display_name}, gez. {c.contacts[0].name}"
        )
        signed = draft.revised(closing=(closing[0], signatures, closing[2]))
        name = f"Rahmenvertrag_{number}_unterschrieben.pdf"
        revisions = (Revision(Role.ADMIN, signed, name, "Gegengezeichnete Fassung"),)
    values = {
        "contract_number": number,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
    }
    name = f"Rahmenvertrag_{number}.pdf"
    return DocumentPlan(
        e.customer, "contract", title, e.day, values, name, draft, Role.ADMIN, None, revisions
    )
