"""The warehouse's paper: delivery notes, the photos taken at the ramp, and sketches on site.

Photos carry a camera's file name (``IMG_20240305_104233.jpg``) and time stamp; damage photos are
filed with the complaints, sketches with the correspondence.
"""

from __future__ import annotations

import datetime as dt
import random

from backend.access.policy import Role
from backend.demo.business import Event, Step
from backend.demo.files import ImageSpec, Table
from backend.demo.plans import Desk, DocumentPlan, letter_pdf
from backend.demo.users import CLERK

__all__ = ["delivery", "picture"]


def delivery(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    assert e.deal is not None
    c, deal = desk.customers[e.customer], e.deal
    number = deal.numbers[Step.DELIVERY] = desk.number("LS", e.day)
    order_number = deal.numbers.get(Step.ORDER, "")
    rows = tuple((str(n), i.product, str(i.quantity), i.unit) for n, i in enumerate(deal.items, 1))
    paragraphs = (
        f"Kundennummer {c.erp_number} · Auftrag {order_number} · Ihre Bestellung "
        f"{deal.purchase_order}",
        f"Versand per Spedition, {rng.randint(1, 4)} Palette(n), Gesamtgewicht "
        f"{rng.randint(40, 900)} kg.",
    )
    closing = ("Ware vollständig und unbeschädigt erhalten:", "", "_" * 40, "Datum, Unterschrift")
    table = Table(("Pos.", "Artikel", "Menge", "Einheit"), rows, (12, 118, 20, 20), "LLRL")
    title, name = f"Lieferschein {number}", f"Lieferschein_{number}.pdf"
    recipient, author = c.address_block(delivery=True), CLERK.display_name
    pdf = letter_pdf(title, e.day, recipient, paragraphs, author, table=table, closing=closing)
    values = {"delivery_number": number, "order_number": order_number}
    return DocumentPlan(e.customer, "delivery_note", title, e.day, values, name, pdf, Role.CLERK)


def picture(desk: Desk, e: Event, rng: random.Random) -> DocumentPlan:
    c = desk.customers[e.customer]
    clock = dt.time(rng.randint(7, 16), rng.randrange(60), rng.randrange(60))
    taken = dt.datetime.combine(e.day, clock)
    stamp = taken.strftime("%d.%m.%Y %H:%M")
    if e.step is Step.SKETCH:
        caption = f"Aufmaß Regalfläche, {c.delivery.label}, {c.delivery.city}"
        sketch = ImageSpec("sketch", caption, stamp, e.token, "PNG")
        values = {"reference": f"Aufmaß {e.day:%m/%Y}"}
        name = f"Skizze_{e.day.isoformat()}.png"
        return DocumentPlan(
            e.customer,
            "photo",
            caption,
            e.day,
            values,
            name,
            sketch,
            Role.SALES,
            ("correspondence",),
        )
    assert e.deal is not None
    number = e.deal.numbers.get(Step.DELIVERY, "")
    damage = e.step is Step.COMPLAINT_PHOTO
    caption = f"{'Schaden' if damage else 'Anlieferung'} {number} · {c.delivery.city}"
    photo = ImageSpec("damage" if damage else "delivery", caption, stamp, e.token, label=number)
    registers = ("complaints",) if damage else None
    name, values = f"IMG_{taken:%Y%m%d_%H%M%S}.jpg", {"reference": number}
    return DocumentPlan(
        e.customer, "photo", f"Foto {caption}", e.day, values, name, photo, Role.CLERK, registers
    )
