"""The sales documents of one :class:`~backend.demo.business.Deal`, always German: offer, order
confirmation, invoice.

Numbers come from the :class:`Desk` in event order; amounts (index values) are gross, in the
customer's currency, as on the printed document. Some offers are revised (a new version at a
discount, and the amount changed to match); some invoices are corrected or their due date deferred.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from backend.access.policy import Role
from backend.demo.business import Deal, Event, Step
from backend.demo.files import Table
from backend.demo.formats import german_date, salutation
from backend.demo.people import CustomerProfile
from backend.demo.plans import Desk, DocumentPlan, Revision, amount, letter_pdf
from backend.demo.pricing import priced_table, totals, vat_rate
from backend.demo.users import CLERK, SALES
from backend.documents.models import MetadataPatch

__all__ = ["invoice", "offer", "order"]

_GREETING = ("Mit freundlichen Grüßen", "Demo Handel GmbH")
_DISCOUNT = Decimal("0.97")
#: Printed after every offer, on a page of its own: offers are the demo's multi-page PDFs.
_TERMS = (
    "Allgemeine Verkaufs- und Lieferbedingungen der Demo Handel GmbH",
    "1. Geltung: Diese Bedingungen gelten für alle Angebote, Lieferungen und Leistungen der Demo "
    "Handel GmbH gegenüber Unternehmern. Abweichende Bedingungen des Kunden gelten nur, wenn wir "
    "ihnen schriftlich zugestimmt haben.",
    "2. Angebote: Unsere Angebote sind freibleibend, soweit sie nicht ausdrücklich als verbindlich "
    "bezeichnet sind. Abbildungen, Maße und Gewichte sind nur annähernd maßgebend.",
    "3. Preise: Alle Preise verstehen sich in Euro zuzüglich der gesetzlichen Umsatzsteuer, ab "
    "Lager Bremen, einschließlich Verpackung. Frachtkosten werden gesondert ausgewiesen.",
    "4. Lieferung: Liefertermine sind nur verbindlich, wenn wir sie schriftlich bestätigt haben. "
    "Teillieferungen sind zulässig, soweit sie dem Kunden zumutbar sind.",
    "5. Gefahrübergang: Die Gefahr geht mit der Übergabe an den Spediteur auf den Kunden über, "
    "auch wenn wir die Fracht übernommen haben.",
    "6. Zahlung: Rechnungen sind innerhalb der vereinbarten Frist ohne Abzug zahlbar. Bei "
    "Zahlungsverzug berechnen wir Verzugszinsen in gesetzlicher Höhe.",
    "7. Eigentumsvorbehalt: Die gelieferte Ware bleibt bis zur vollständigen Bezahlung aller "
    "Forderungen aus der Geschäftsverbindung unser Eigentum.",
    "8. Mängelrüge: Offensichtliche Mängel sind unverzüglich, spätestens binnen acht Tagen nach "
    "Anlieferung, schriftlich anzuzeigen. Versteckte Mängel sind unverzüglich nach ihrer "
    "Entdeckung anzuzeigen.",
    "9. Haftung: Wir haften bei Vorsatz und grober Fahrlässigkeit unbeschränkt, bei leichter "
    "Fahrlässigkeit nur für die Verletzung wesentlicher Vertragspflichten und begrenzt auf den "
    "vorhersehbaren, typischen Schaden.",
    "10. Datenschutz: Wir verarbeiten die Daten des Kunden zur Abwicklung der Geschäftsbeziehung "
    "nach den geltenden Vorschriften zum Datenschutz.",
    "11. Gerichtsstand und Recht: Gerichtsstand ist Bremen. Es gilt deutsches Recht unter "
    "Ausschluss des UN-Kaufrechts.",
)


def _gross(deal: Deal, c: CustomerProfile, factor: Decimal = Decimal(1)) -> dict[str, str]:
    return amount(totals(deal.items, vat_rate(c.country.code), factor)[2], c.country.currency)


def _table(deal: Deal, c: CustomerProfile, factor: Decimal = Decimal(1)) -> Table:
    return priced_table(deal.items, c.country.currency, vat_rate(c.country.code), factor)


def offer(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    assert e.deal is not None
    c, deal = desk.customers[e.customer], e.deal
    number = deal.numbers[Step.OFFER] = desk.number("AN", e.day)
    title, valid = f"Angebot {number}", e.day + dt.timedelta(days=30)
    closing = (
        f"Dieses Angebot gilt bis zum {german_date(valid)}. Lieferzeit: etwa {rng.randint(2, 6)} "
        f"Wochen nach Auftragseingang. Zahlungsbedingungen: {c.key_data['payment_terms']}.",
        *_GREETING,
        SALES.display_name,
    )
    first = letter_pdf(
        title,
        e.day,
        c.address_block(),
        (salutation(c.contacts[0], "de"), "vielen Dank für Ihre Anfrage. Gern bieten wir an:"),
        SALES.display_name,
        table=_table(deal, c),
        closing=closing,
    ).revised(annex=_TERMS)
    revisions: tuple[Revision, ...] = ()
    if rng.random() < 0.12:
        note = "wie besprochen gewähren wir Ihnen auf alle Positionen 3 % Projektrabatt:"
        revised = Revision(
            by=Role.SALES,
            file=first.revised(
                paragraphs=(first.paragraphs[0], note), table=_table(deal, c, _DISCOUNT)
            ),
            filename=f"Angebot_{number}_v2.pdf",
            comment="Überarbeitet: 3 % Projektrabatt",
            patch=MetadataPatch(index_values={"amount": _gross(deal, c, _DISCOUNT)}),
        )
        revisions = (revised,)
    values = {"offer_number": number, "amount": _gross(deal, c), "valid_until": valid.isoformat()}
    name = f"Angebot_{number}.pdf"
    return DocumentPlan(
        e.customer, "offer", title, e.day, values, name, first, Role.SALES, None, revisions
    )


def order(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    assert e.deal is not None
    c, deal = desk.customers[e.customer], e.deal
    number = deal.numbers[Step.ORDER] = desk.number("AB", e.day)
    offer_number = deal.numbers.get(Step.OFFER, "")
    week = (e.day + dt.timedelta(days=rng.randint(7, 21))).isocalendar()
    a = c.delivery
    paragraphs = (
        salutation(c.contacts[0], "de"),
        f"wir danken für Ihre Bestellung {deal.purchase_order} zu unserem Angebot {offer_number} "
        "und bestätigen sie wie folgt:",
    )
    closing = (
        f"Voraussichtlicher Liefertermin: KW {week.week}/{week.year}. Lieferanschrift: {a.label}, "
        f"{a.street}, {a.postal_code} {a.city}.",
        *_GREETING,
        SALES.display_name,
    )
    title, recipient = f"Auftragsbestätigung {number}", c.address_block()
    pdf = letter_pdf(
        title,
        e.day,
        recipient,
        paragraphs,
        SALES.display_name,
        table=_table(deal, c),
        closing=closing,
    )
    values = {"order_number": number, "amount": _gross(deal, c), "offer_number": offer_number}
    name = f"Auftragsbestätigung_{number}.pdf"
    return DocumentPlan(e.customer, "order", title, e.day, values, name, pdf, Role.SALES)


def invoice(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    assert e.deal is not None
    c, deal = desk.customers[e.customer], e.deal
    number = deal.numbers[Step.INVOICE] = desk.number("RE", e.day)
    order_number = deal.numbers.get(Step.ORDER, "")
    due = e.day + dt.timedelta(days=c.payment_days)
    exempt = (
        "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b UStG). "
        f"Ihre USt-IdNr.: {c.key_data['vat_id']}."
    )
    closing = (
        *((exempt,) if c.country.code != "DE" else ()),
        f"Zahlbar bis zum {german_date(due)} ({c.key_data['payment_terms']}). Bitte geben Sie "
        "bei Zahlung die Rechnungsnummer an.",
        *_GREETING,
    )
    references = (
        f"Kundennummer {c.erp_number} · Auftrag {order_number} · Lieferschein "
        f"{deal.numbers.get(Step.DELIVERY, '')}"
    )
    title, paragraphs = f"Rechnung {number}", (references, "wir berechnen Ihnen:")
    pdf = letter_pdf(
        title,
        e.day,
        c.address_block(),
        paragraphs,
        CLERK.display_name,
        table=_table(deal, c),
        closing=closing,
    )
    revisions: list[Revision] = []
    if rng.random() < 0.05:
        fixed = f"{references} · Ihre Bestellung {deal.purchase_order}"
        corrected = pdf.revised(title=f"{title} (korrigiert)", paragraphs=(fixed, paragraphs[1]))
        name = f"Rechnung_{number}_korrigiert.pdf"
        revisions.append(Revision(Role.CLERK, corrected, name, "Korrektur: Bestellnummer ergänzt"))
    if rng.random() < 0.05:  # payment deferred: the due date moves, the invoice stays
        later = {"due_date": (due + dt.timedelta(days=14)).isoformat()}
        revisions.append(Revision(Role.CLERK, patch=MetadataPatch(index_values=later)))
    values = {
        "invoice_number": number,
        "amount": _gross(deal, c),
        "due_date": due.isoformat(),
        "order_number": order_number,
    }
    name = f"Rechnung_{number}.pdf"
    return DocumentPlan(
        e.customer, "invoice", title, e.day, values, name, pdf, Role.CLERK, None, tuple(revisions)
    )
