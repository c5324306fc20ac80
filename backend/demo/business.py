"""Two years of business as a timeline of events, before a single word is written.

A deal runs inquiry → offer → order → delivery (now and then photographed) → invoice, sometimes with
a complaint or a payment reminder; around the deals there are letters, e-mails, framework
contracts and the odd sketch. :func:`timeline` draws events customer by customer with a seeded
``Random``, keeps exactly ``count`` of them and sorts them by day, so that document numbers,
assigned later in that order, count up with time as an ERP's would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from backend.demo.people import CustomerProfile
from backend.demo.pricing import PRODUCTS, LineItem, price_in

__all__ = ["Deal", "Event", "Step", "timeline"]


class Step(StrEnum):
    INQUIRY = "inquiry"
    OFFER = "offer"
    OFFER_FOLLOW_UP = "offer_follow_up"
    ORDER = "order"
    DELIVERY = "delivery"
    DELIVERY_PHOTO = "delivery_photo"
    INVOICE = "invoice"
    REMINDER = "reminder"
    COMPLAINT = "complaint"
    COMPLAINT_PHOTO = "complaint_photo"
    LETTER = "letter"
    EMAIL = "email"
    CONTRACT = "contract"
    SKETCH = "sketch"


@dataclass(eq=False, slots=True)
class Deal:
    """One sale; ``numbers`` fills up (offer, order, delivery …) as its documents are written."""

    items: tuple[LineItem, ...]
    purchase_order: str
    complaint: int  # which complaint text, if it comes to one
    numbers: dict[Step, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    day: dt.date
    step: Step
    customer: int
    deal: Deal | None
    token: int  # random bits for everything the writer chooses: wording, times, image seeds


def _items(rng: random.Random, currency: str, segment: str) -> tuple[LineItem, ...]:
    chosen = rng.sample(PRODUCTS, rng.randint(1, 5 if segment == "C" else 7))
    scale = {"A": 8, "B": 4, "C": 2}[segment]
    return tuple(
        LineItem(
            name,
            unit,
            rng.randint(1, scale * (1 if Decimal(price) > 300 else 6)),
            price_in(price, currency),
        )
        for name, unit, price in chosen
    )


def _deal(
    rng: random.Random, customer: int, profile: CustomerProfile, start: dt.date
) -> list[Event]:
    deal = Deal(
        _items(rng, profile.country.currency, profile.key_data["segment"]),
        purchase_order=f"{rng.choice(('PO', 'BE', 'ZAM'))} {rng.randint(4500000, 4599999)}",
        complaint=rng.randrange(1000),
    )
    steps: list[tuple[int, Step]] = []
    if rng.random() < 0.35:
        steps.append((-rng.randint(1, 6), Step.INQUIRY))
    steps.append((0, Step.OFFER))
    day = 0
    if profile.status == "prospect" or rng.random() < 0.3:
        if rng.random() < 0.5:
            steps.append((rng.randint(10, 25), Step.OFFER_FOLLOW_UP))
    else:
        day += rng.randint(3, 21)
        steps.append((day, Step.ORDER))
        day += rng.randint(2, 18)
        delivered = day
        steps.append((day, Step.DELIVERY))
        if rng.random() < 0.25:
            steps.append((day, Step.DELIVERY_PHOTO))
        day += rng.randint(0, 2)
        steps.append((day, Step.INVOICE))
        if rng.random() < 0.15:
            complained = delivered + rng.randint(1, 8)
            steps.append((complained, Step.COMPLAINT))
            if rng.random() < 0.6:
                steps.append((complained, Step.COMPLAINT_PHOTO))
        if rng.random() < 0.08:
            steps.append((day + profile.payment_days + rng.randint(8, 20), Step.REMINDER))
    return [
        Event(start + dt.timedelta(days=offset), step, customer, deal, rng.getrandbits(32))
        for offset, step in steps
    ]


def _scenario(
    rng: random.Random,
    customer: int,
    profile: CustomerProfile,
    first: dt.date,
    last: dt.date,
    contracted: set[int],
) -> list[Event]:
    if profile.status == "inactive":  # went quiet a year ago
        last = min(last, first + dt.timedelta(days=330))
    start = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
    kind = rng.choices(("deal", "letter", "email", "contract", "sketch"), (34, 14, 28, 3, 2))[0]
    if kind == "deal":
        return _deal(rng, customer, profile, start)
    if kind == "contract" and customer not in contracted and profile.status != "prospect":
        contracted.add(customer)
        return [Event(start, Step.CONTRACT, customer, None, rng.getrandbits(32))]
    step = {"letter": Step.LETTER, "sketch": Step.SKETCH}.get(kind, Step.EMAIL)
    return [Event(start, step, customer, None, rng.getrandbits(32))]


def timeline(
    rng: random.Random, customers: list[CustomerProfile], count: int, today: dt.date
) -> list[Event]:
    """Exactly ``count`` events (none if there are no customers), on days up to ``today``."""
    if not customers:
        return []
    first, last = today - dt.timedelta(days=730), today - dt.timedelta(days=3)
    weights = [c.weight for c in customers]
    contracted: set[int] = set()
    events: list[Event] = []
    round_robin = list(range(len(customers)))  # every customer gets something first
    while len(events) < count:
        if round_robin:
            customer = round_robin.pop(0)
        else:
            customer = rng.choices(range(len(customers)), weights)[0]
        drawn = _scenario(rng, customer, customers[customer], first, last, contracted)
        events.extend(e for e in drawn if first <= e.day <= today)
    # The sort is stable: a deal's events on one day (delivery, its photo, the invoice) keep
    # their order, so their numbers are assigned in that order too.
    return sorted(events[:count], key=lambda e: e.day)
