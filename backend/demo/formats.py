"""How the demo tenant writes: its letterhead, product range, and German dates and amounts.

Prices are list prices in euro; :func:`price_in` converts them to a customer's currency with fixed
demo rates, so an invoice to Łódź is in złoty and one to Køge in kroner.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from backend.demo.people import CustomerProfile, Person

__all__ = [
    "FOOTER",
    "PRODUCTS",
    "SENDER_LINE",
    "TENANT_ADDRESS",
    "Product",
    "buyer",
    "german_date",
    "money",
    "price_in",
    "salutation",
    "short_date",
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
_RATES = {"EUR": "1", "PLN": "4.30", "CZK": "25.2", "DKK": "7.46", "SEK": "11.3", "HUF": "395"}
_SYMBOLS = {"EUR": "€", "PLN": "zł"}


Product = tuple[str, str, str]  # name, unit, list price in euro

PRODUCTS: tuple[Product, ...] = (
    ("Kugellager 6204-2RS", "Stk.", "4.80"),
    ("Pendelrollenlager 22210 E", "Stk.", "86.50"),
    ("Hydraulikzylinder HZ-50/300", "Stk.", "412.00"),
    ("Zahnriemen HTD 8M-1200", "Stk.", "38.90"),
    ("Edelstahlschrauben M8×30, VPE 100", "VPE", "24.60"),
    ("Förderband-Gurt EP 400/3, lfd. m", "m", "57.00"),
    ("Getriebemotor 0,75 kW, i=20", "Stk.", "689.00"),
    ("Schaltschrank-Montageplatte 600×800", "Stk.", "74.20"),
    ("Dichtungssatz für Pumpe KSB Etanorm", "Satz", "129.00"),
    ("Kettenrad DIN 8187, 1/2\"", "Stk.", "31.40"),
    ("Schweißdraht G3Si1 Ø 1,0 mm, 15 kg", "Rolle", "46.80"),
    ("Linearführung 25 mm, 1 m", "Stk.", "158.00"),
    ("Frequenzumrichter 2,2 kW", "Stk.", "524.00"),
    ("Kühlschmierstoff, Fass 200 l", "Fass", "780.00"),
    ("Wartungspauschale Fördertechnik", "psch.", "950.00"),
)


def german_date(day: dt.date) -> str:
    """``5. März 2024``"""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """``05.03.2024``"""
    return day.strftime("%d.%m.%Y")


def price_in(euro: str, currency: str) -> Decimal:
    """A euro list price in ``currency``, rounded to whole units above 1,000, else to cents."""
    value = Decimal(euro) * Decimal(_RATES.get(currency, "1"))
    step = Decimal("1") if value >= 1000 else Decimal("0.01")
    return value.quantize(step, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


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


def buyer(customer: CustomerProfile) -> Person | None:
    """The customer's first contact, the one who buys (every demo customer has one)."""
    return customer.contacts[0] if customer.contacts else None
