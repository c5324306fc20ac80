"""From timeline to document plans: one writer per kind of event, numbers assigned in time order."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from backend.demo.business import Event, Step
from backend.demo.complaints import complaint, reminder
from backend.demo.contracts import contract
from backend.demo.correspondence import email, letter
from backend.demo.logistics import delivery, picture
from backend.demo.paperwork import invoice, offer, order
from backend.demo.people import CustomerProfile
from backend.demo.plans import Desk, DocumentPlan

__all__ = ["plan_documents"]

Writer = Callable[[Desk, Event, random.Random], DocumentPlan]

WRITERS: dict[Step, Writer] = {
    Step.INQUIRY: email,
    Step.OFFER: offer,
    Step.OFFER_FOLLOW_UP: email,
    Step.ORDER: order,
    Step.DELIVERY: delivery,
    Step.DELIVERY_PHOTO: picture,
    Step.INVOICE: invoice,
    Step.REMINDER: reminder,
    Step.COMPLAINT: complaint,
    Step.COMPLAINT_PHOTO: picture,
    Step.LETTER: letter,
    Step.EMAIL: email,
    Step.CONTRACT: contract,
    Step.SKETCH: picture,
}


def plan_documents(
    customers: list[CustomerProfile], events: list[Event], today: dt.date
) -> list[DocumentPlan]:
    """One plan per event, in the events' (time) order. Each writer draws from its own Random,
    seeded by the event, so changing one writer leaves every other document as it was."""
    desk = Desk(customers, today)
    return [WRITERS[e.step](desk, e, random.Random(e.token)) for e in events]
