# ruff: noqa: E501 (prose reads and diffs better one sentence to a line)
"""Prose for letters, e-mails and complaints, in the customer's language (de, pl or en).

Each entry is ``(subject, body)``; placeholders are filled with :meth:`str.format` from the names
listed at :func:`backend.demo.plans.fill`. Customers write in their own language, the
tenant's sales team answers in it; business documents (offers, invoices …) are always German.
"""

from __future__ import annotations

__all__ = [
    "CLOSINGS",
    "COMPLAINTS",
    "INBOX",
    "INQUIRY",
    "LETTERS_IN",
    "LETTERS_OUT",
    "OFFER_FOLLOW_UP",
    "OUTBOX",
    "Prose",
]

Prose = tuple[str, str]  # subject, body

INQUIRY: dict[str, Prose] = {
    "de": ("Anfrage: {product}", "wir benötigen kurzfristig {quantity} × {product}. Bitte senden Sie "
           "uns ein Angebot mit Liefertermin frei Haus {city}."),
    "pl": ("Zapytanie ofertowe: {product}", "prosimy o ofertę na {quantity} × {product} z dostawą "
           "do {city}. Prosimy również o podanie terminu realizacji."),
    "en": ("Request for quotation: {product}", "could you please quote {quantity} × {product}, "
           "delivered to {city}? Please include your earliest delivery date."),
}  # fmt: skip

OFFER_FOLLOW_UP: dict[str, Prose] = {
    "de": ("Unser Angebot {offer}", "vor einigen Tagen haben wir Ihnen unser Angebot {offer} "
           "gesendet. Haben Sie noch Fragen dazu? Gern passen wir Mengen oder Termine an."),
    "pl": ("Nasza oferta {offer}", "kilka dni temu przesłaliśmy Państwu ofertę {offer}. Czy mają "
           "Państwo pytania? Chętnie dostosujemy ilości lub terminy dostaw."),
    "en": ("Our quotation {offer}", "a few days ago we sent you our quotation {offer}. Do you have "
           "any questions? We are happy to adjust quantities or delivery dates."),
}  # fmt: skip

INBOX: dict[str, tuple[Prose, ...]] = {
    "de": (
        ("Bitte um aktuelle Preisliste {year}", "könnten Sie uns Ihre aktuelle Preisliste für {year} zusenden?"),
        ("Neue Rechnungsanschrift", "bitte senden Sie Rechnungen ab sofort an unsere Buchhaltung in {city}, Stichwort „Kreditoren“."),
        ("Lieferzeiten im Dezember", "wie sind Ihre Lieferzeiten zwischen den Jahren? Wir planen eine Inventur."),
        ("Zertifikate angefordert", "für unser Lieferantenaudit benötigen wir Ihr ISO-9001-Zertifikat und die REACH-Erklärung."),
    ),
    "pl": (
        ("Prośba o aktualny cennik {year}", "uprzejmie prosimy o przesłanie aktualnego cennika na rok {year}."),
        ("Zmiana adresu do faktur", "od przyszłego miesiąca prosimy kierować faktury do naszego działu księgowości w {city}."),
        ("Termin dostawy – pytanie", "czy możliwa jest dostawa przed końcem miesiąca? Nasza linia produkcyjna czeka na części."),
        ("Certyfikaty ISO 9001", "w związku z audytem dostawców prosimy o przesłanie certyfikatu ISO 9001."),
    ),
    "en": (
        ("Price list {year}", "could you send us your current price list for {year}?"),
        ("New invoice address", "from next month, please send all invoices to our accounts department in {city}."),
        ("Delivery times in December", "what are your delivery times over the holidays? We are planning a stocktake."),
        ("ISO 9001 certificate", "for our supplier audit we need your ISO 9001 certificate and REACH declaration."),
    ),
}  # fmt: skip

OUTBOX: dict[str, tuple[Prose, ...]] = {
    "de": (
        ("Betriebsferien zwischen den Jahren", "unser Lager ist vom 24. Dezember bis 1. Januar geschlossen. Bestellungen bis zum 15. Dezember liefern wir noch in diesem Jahr."),
        ("Einladung zur Hausmesse {year}", "wir laden Sie herzlich zu unserer Hausmesse im Mai {year} in Bremen ein. Es erwarten Sie Neuheiten aus der Antriebstechnik."),
        ("Ihre Frage zu Datenblättern", "anbei finden Sie die Links zu den gewünschten Produktdatenblättern in unserem Kundenportal."),
    ),
    "pl": (
        ("Przerwa świąteczna", "nasz magazyn będzie zamknięty od 24 grudnia do 1 stycznia. Zamówienia złożone do 15 grudnia dostarczymy jeszcze w tym roku."),
        ("Zaproszenie na targi {year}", "serdecznie zapraszamy na nasze targi firmowe w maju {year} w Bremie."),
    ),
    "en": (
        ("Holiday closure", "our warehouse is closed from 24 December to 1 January. Orders placed by 15 December will still be delivered this year."),
        ("Invitation to our trade fair {year}", "we would be delighted to welcome you at our in-house fair in Bremen in May {year}."),
    ),
}  # fmt: skip

LETTERS_OUT: tuple[Prose, ...] = (
    ("Preisanpassung zum 1. Januar {next_year}", "aufgrund gestiegener Material- und Energiekosten passen wir unsere Listenpreise zum 1. Januar {next_year} um durchschnittlich 4,5 % an. Bestehende Angebote und Rahmenverträge bleiben unberührt.\nFür Rückfragen steht Ihnen Ihr Kundenbetreuer {manager} gern zur Verfügung."),
    ("Bestätigung Ihres Kreditlimits", "wir freuen uns, Ihnen mitzuteilen, dass wir Ihr Kreditlimit bei uns auf {credit_limit} festgesetzt haben. Es gelten unverändert die Zahlungsbedingungen „{terms}“."),
    ("Neue Allgemeine Verkaufsbedingungen", "zum 1. {month} {year} treten unsere überarbeiteten Allgemeinen Verkaufsbedingungen in Kraft. Die wesentlichen Änderungen betreffen Gefahrübergang und Mängelanzeige.\nDen vollständigen Text finden Sie in unserem Kundenportal."),
    ("Jahresgespräch {year}", "vielen Dank für das angenehme Gespräch in {city}. Wie besprochen halten wir fest: Bonusstaffel wie im Vorjahr, Konsignationslager ab dem zweiten Quartal, nächstes Gespräch im Herbst."),
)  # fmt: skip

LETTERS_IN: tuple[Prose, ...] = (
    ("Änderung der Geschäftsführung", "hiermit teilen wir Ihnen mit, dass {contact} mit Wirkung zum 1. {month} {year} in unsere Geschäftsführung berufen wurde. Bitte passen Sie Ihre Unterlagen an."),
    ("Kündigung des Wartungsvertrags", "hiermit kündigen wir den Wartungsvertrag für unsere Förderanlage fristgerecht zum Jahresende {year}. Bitte bestätigen Sie uns den Eingang dieses Schreibens."),
    ("Umzug unseres Lagers", "ab dem 1. {month} {year} befindet sich unser Lager in {city}, {street}. Bitte liefern Sie ab diesem Datum nur noch an die neue Anschrift."),
)  # fmt: skip

#: Complaint reasons: (short German title, body per language).
COMPLAINTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("Transportschaden", {
        "de": "bei der Lieferung {delivery} war eine Palette beschädigt; mehrere Kartons sind eingedrückt. Fotos folgen.",
        "pl": "w dostawie {delivery} jedna paleta była uszkodzona, kilka kartonów jest zgniecionych. Zdjęcia prześlemy.",
        "en": "in delivery {delivery} one pallet was damaged and several cartons are crushed. Photos to follow.",
    }),
    ("Falsche Menge", {
        "de": "in der Lieferung {delivery} fehlen {quantity} Stück {product}. Bitte liefern Sie umgehend nach.",
        "pl": "w dostawie {delivery} brakuje {quantity} szt. {product}. Prosimy o pilne uzupełnienie.",
        "en": "delivery {delivery} is short of {quantity} pcs {product}. Please send the missing items at once.",
    }),
    ("Falscher Artikel", {
        "de": "statt {product} haben wir mit der Lieferung {delivery} einen anderen Artikel erhalten.",
        "pl": "zamiast {product} w dostawie {delivery} otrzymaliśmy inny artykuł.",
        "en": "instead of {product} delivery {delivery} contained a different article.",
    }),
    ("Korrosion an Lieferteilen", {
        "de": "mehrere Teile aus der Lieferung {delivery} ({product}) zeigen Flugrost. Wir bitten um Stellungnahme.",
        "pl": "kilka części z dostawy {delivery} ({product}) ma ślady rdzy. Prosimy o stanowisko.",
        "en": "several parts from delivery {delivery} ({product}) show surface rust. Please advise.",
    }),
)  # fmt: skip

CLOSINGS = {"de": "Mit freundlichen Grüßen", "pl": "Z poważaniem", "en": "Kind regards"}
