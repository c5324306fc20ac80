"""Demo customers with addresses, contacts and key data.

:func:`make_customers` is pure: the same ``Random`` state gives the same customers. ERP numbers
count up from ``KD-10001``; company names are unique; e-mail addresses are the ASCII
transliterations a mail administrator would hand out (Jörg Müller → ``joerg.mueller``). Key data
follows :data:`backend.demo.catalog.COVER_SCHEMA`.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from backend.customers.models import Address, AddressKind, Contact, CustomerDraft
from backend.demo.places import COUNTRIES, Country, Place
from backend.demo.users import ACCOUNT_MANAGERS

__all__ = ["CustomerProfile", "Person", "ascii_words", "make_customers"]

PAYMENT_TERMS = (
    ("30 Tage netto", 30),
    ("14 Tage 2 % Skonto, 30 Tage netto", 30),
    ("10 Tage 3 % Skonto, 45 Tage netto", 45),
    ("60 Tage netto", 60),
    ("Vorkasse", 0),
)
CONTACT_ROLES = ("Geschäftsführung", "Buchhaltung", "Lager und Logistik", "Technik", "Qualität")
_VAT = {"AT": ("ATU", 8), "DE": ("DE", 9), "PL": ("PL", 10), "CZ": ("CZ", 8), "DK": ("DK", 8)}
_FEATURED = (
    ("PL", "Zakład Mechaniczny Łódź Sp. z o.o.", "A"),
    ("DE", "Müller & Söhne GmbH", "A"),
    ("DK", "Ørsted Façade ApS", "B"),
    ("CZ", "Škoda Servis s.r.o.", "B"),
)
#: Words left out of e-mail domains: legal forms and the "and" of "… & Sons".
_NOT_IN_DOMAINS = {"sp", "z", "o", "s", "r", "a", "i", "j", "es", "und", "gmbh", "co", "kg", "og"}
_NOT_IN_DOMAINS |= {"aps", "ab", "kft", "zrt", "syn", "son", "tarsa", "partner"}
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
_TRANSLIT_MORE = str.maketrans({"å": "aa", "ł": "l", "đ": "d"})


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``: "Łukasz Jóźwiak" → ["lukasz", "jozwiak"]."""
    lowered = text.lower().translate(_TRANSLIT).translate(_TRANSLIT_MORE)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    return re.findall(r"[a-z0-9]+", plain)


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str
    female: bool
    email: str
    phone: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    """A customer as the seeder knows it: the draft to create plus what documents need to say."""

    erp_number: str
    name: str
    country: Country
    status: str
    key_data: dict[str, Any]
    payment_days: int
    billing: Address
    delivery: Address
    contacts: tuple[Person, ...]
    weight: float  # how much paper this customer produces, relatively

    def draft(self) -> CustomerDraft:
        return CustomerDraft(
            erp_number=self.erp_number,
            name=self.name,
            status=self.status,
            key_data=dict(self.key_data),
            addresses=[self.billing, self.delivery],
            contacts=[Contact(p.name, p.role, p.email, p.phone) for p in self.contacts],
        )

    def address_block(self, delivery: bool = False) -> tuple[str, ...]:
        a = self.delivery if delivery else self.billing
        label = (a.label,) if delivery and a.label else ()
        return (self.name, *label, a.street, f"{a.postal_code} {a.city}", self.country.name.upper())


def _digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def _address(
    rng: random.Random, c: Country, place: Place, kind: AddressKind, label: str
) -> Address:
    street = c.street_format.format(street=rng.choice(c.streets), number=rng.randint(1, 180))
    return Address(
        kind=kind,
        street=street,
        postal_code=_digits(rng, place.postal),
        city=place.city,
        country=c.code,
        label=label,
        latitude=round(place.latitude + rng.uniform(-0.04, 0.04), 6),
        longitude=round(place.longitude + rng.uniform(-0.06, 0.06), 6),
    )


def _person(rng: random.Random, c: Country, domain: str, role: str) -> Person:
    gender, first = rng.choice(c.first_names).split(":")
    forms = rng.choice(c.surnames).split("|")
    last = forms[-1] if gender == "f" else forms[0]
    local = ".".join(ascii_words(first) + ascii_words(last))
    phone = f"{c.phone_prefix} {rng.randint(10, 99)} {_digits(rng, '### ## ##')}"
    return Person(first, last, gender == "f", f"{local}@{domain}", phone, role)


def _company_name(rng: random.Random, c: Country, place: Place) -> str:
    surname = rng.choice(c.surnames).split("|")[0]
    pattern = rng.choice(c.company_patterns)
    return pattern.format(surname=surname, trade=rng.choice(c.trades), city=place.city)


def _new_company(rng: random.Random, taken: set[str], suffix: str) -> tuple[Country, Place, str]:
    """A company in a country drawn by weight, named unlike those ``taken`` (tried hard)."""
    country = rng.choices(COUNTRIES, [c.weight for c in COUNTRIES])[0]
    place = rng.choice(country.places)
    name = _company_name(rng, country, place)
    for _ in range(20):
        if name not in taken:
            return country, place, name
        place = rng.choice(country.places)
        name = _company_name(rng, country, place)
    return country, place, f"{name} ({suffix})"


def _key_data(
    rng: random.Random, c: Country, segment: str, status: str, today: dt.date
) -> dict[str, Any]:
    terms, _ = rng.choice(PAYMENT_TERMS)
    prefix, length = _VAT.get(c.code, (c.code, 9))
    data: dict[str, Any] = {
        "segment": segment,
        "vat_id": prefix + _digits(rng, "#" * length),
        "payment_terms": terms,
        "account_manager": rng.choice(ACCOUNT_MANAGERS),
    }
    if status != "prospect":
        low, high = {"A": (50, 250), "B": (10, 50), "C": (2, 10)}[segment]
        data["credit_limit"] = {"amount": f"{rng.randint(low, high) * 1000}.00", "currency": "EUR"}
        since = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(365 * 17))
        data["customer_since"] = min(since, today - dt.timedelta(days=800)).isoformat()
    return data


def make_customers(rng: random.Random, count: int, today: dt.date) -> list[CustomerProfile]:
    """``count`` customers, the four featured ones first, the rest spread by country weight."""
    by_code = {c.code: c for c in COUNTRIES}
    names: set[str] = set()
    domains: set[str] = set()
    result: list[CustomerProfile] = []
    for i in range(count):
        if i < len(_FEATURED):
            code, name, segment = _FEATURED[i]
            country, status = by_code[code], "active"
            place = next((p for p in country.places if p.city in name), country.places[0])
        else:
            country, place, name = _new_company(rng, names, str(i + 1))
            segment = rng.choices("ABC", (20, 45, 35))[0]
            status = rng.choices(("active", "prospect", "inactive", "blocked"), (85, 5, 7, 3))[0]
        names.add(name)
        words = [w for w in ascii_words(name) if w not in _NOT_IN_DOMAINS][:3]
        domain = "-".join(words) or "firma"
        while f"{domain}.{country.tld}" in domains:
            domain += str(rng.randrange(10))
        domain = f"{domain}.{country.tld}"
        domains.add(domain)
        other = place if rng.random() < 0.6 else rng.choice(country.places)
        label = rng.choice(("Zentrallager", "Werk II", "Außenlager", "Warenannahme Tor 3"))
        roles = ("Einkauf", *rng.sample(CONTACT_ROLES, rng.randint(0, 2)))
        key_data = _key_data(rng, country, segment, status, today)
        result.append(
            CustomerProfile(
                erp_number=f"KD-{10001 + i}",
                name=name,
                country=country,
                status=status,
                key_data=key_data,
                payment_days=dict(PAYMENT_TERMS)[key_data["payment_terms"]],
                billing=_address(rng, country, place, AddressKind.BILLING, "Rechnungsanschrift"),
                delivery=_address(rng, country, other, AddressKind.DELIVERY, label),
                contacts=tuple(_person(rng, country, domain, role) for role in roles),
                weight={"A": 5.0, "B": 3.0, "C": 1.5}[segment]
                * (0.3 if status == "prospect" else 1),
            )
        )
    return result
