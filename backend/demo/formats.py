"""How the demo tenant writes: its letterhead, German dates and amounts, salutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from backend.demo.people import Person

__all__ = [
    "FOOTER",
    "SENDER_LINE",
    "TENANT_ADDRESS",
    "german_date",
    "money",
    "salutation",
]

TENANT_ADDRESS = ("Demo Handel GmbH", "Hafenstraße 12", "28217 Bremen", "DEUTSCHLAND")
SENDER_LINE = "Demo Handel GmbH · Hafenstraße 12 · 28217 Bremen"
FOOTER = (
    "Demo Handel GmbH · Amtsgericht Bremen HRB 00000 · USt-IdNr. DE000000000 · "
    "IBAN DE00 0000 0000 0000 0000 00"
)
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
_SYMBOLS = {"EUR": "€", "PLN": "zł"}


def german_date(day: dt.date) -> str:
    """``5. März 2024``"""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def money(amount: Decimal, currency: str) -> str:
    """``1.234,50 €``, ``12.300,00 zł``, ``4.100,00 DKK``"""
    grouped = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{grouped} {_SYMBOLS.get(currency, currency)}"


def salutation(person: Person | None, language: str) -> str:
    if language == "pl":
        if person is None:
            return "Szanowni Państwo,"
        return "Szanowna Pani," if person.female else "Szanowny Panie,"
    if language == "en":
        if person is None:
            return "Dear Sir or Madam,"
        return f"Dear {'Ms' if person.female else 'Mr'} {person.last},"
    if person is None:
        return "Sehr geehrte Damen und Herren,"
    if person.female:
        return f"Sehr geehrte Frau {person.last},"
    return f"Sehr geehrter Herr {person.last},"
