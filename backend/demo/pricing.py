"""What the demo tenant sells and what it costs: products, line items, totals, the price table.

List prices are in euro; :func:`price_in` converts them to a customer's currency at fixed demo
rates, so an invoice to Łódź is in złoty and one to Køge in kroner. Only German customers pay
German VAT: deliveries elsewhere in the EU are VAT-exempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from backend.demo.files import Table
from backend.demo.formats import money

__all__ = ["PRODUCTS", "LineItem", "Product", "price_in", "priced_table", "totals", "vat_rate"]

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
    ('Kettenrad DIN 8187, 1/2"', "Stk.", "31.40"),
    ("Schweißdraht G3Si1 Ø 1,0 mm, 15 kg", "Rolle", "46.80"),
    ("Linearführung 25 mm, 1 m", "Stk.", "158.00"),
    ("Frequenzumrichter 2,2 kW", "Stk.", "524.00"),
    ("Kühlschmierstoff, Fass 200 l", "Fass", "780.00"),
    ("Wartungspauschale Fördertechnik", "psch.", "950.00"),
)
_RATES = {"EUR": "1", "PLN": "4.30", "CZK": "25.2", "DKK": "7.46", "SEK": "11.3", "HUF": "395"}
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LineItem:
    product: str
    unit: str
    quantity: int
    unit_price: Decimal  # in the customer's currency

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


def price_in(euro: str, currency: str) -> Decimal:
    """A euro list price in ``currency``: whole units from 1,000 up, else cents."""
    value = Decimal(euro) * Decimal(_RATES.get(currency, "1"))
    step = Decimal(1) if value >= 1000 else _CENT
    return value.quantize(step, ROUND_HALF_UP).quantize(_CENT)


def vat_rate(country: str) -> Decimal:
    return Decimal("0.19") if country == "DE" else Decimal(0)


def totals(
    items: Sequence[LineItem], rate: Decimal, factor: Decimal = Decimal(1)
) -> tuple[Decimal, Decimal, Decimal]:
    """Net, VAT and gross of ``items`` with every price times ``factor``, each to the cent."""
    net = (sum((i.total for i in items), Decimal(0)) * factor).quantize(_CENT, ROUND_HALF_UP)
    vat = (net * rate).quantize(_CENT, ROUND_HALF_UP)
    return net, vat, net + vat


def priced_table(
    items: Sequence[LineItem], currency: str, rate: Decimal, factor: Decimal = Decimal(1)
) -> Table:
    """Position, description, quantity, unit and total price, then net, VAT and gross."""
    rows = [
        (
            str(n),
            i.product,
            f"{i.quantity} {i.unit}",
            money(i.unit_price * factor, currency),
            money(i.total * factor, currency),
        )
        for n, i in enumerate(items, 1)
    ]
    net, vat, gross = totals(items, rate, factor)
    rows.append(("", "Summe netto", "", "", money(net, currency)))
    if vat:
        rows.append(("", f"zzgl. {rate * 100:.0f} % USt.", "", "", money(vat, currency)))
    rows.append(("", "Gesamtbetrag", "", "", money(gross, currency)))
    header = ("Pos.", "Bezeichnung", "Menge", "Einzelpreis", "Gesamt")
    return Table(header, tuple(rows), (12, 84, 24, 25, 25), "LLRRR")
