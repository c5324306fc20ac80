"""Raw material for demo customers: countries with real cities, streets, names and company forms.

Everything here is plain data. Coordinates are the real city centres; :mod:`backend.demo.people`
scatters addresses a few kilometres around them. Postal code patterns use ``#`` for a random digit.
Names are deliberately full of the letters that break naive software: ł, ż, ő, ø, å, ř, ß …
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COUNTRIES", "Country", "Place"]


@dataclass(frozen=True, slots=True)
class Place:
    city: str
    postal: str  # pattern, "#" is a random digit
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Country:
    """One country's raw material. Surnames are "masculine|feminine" where the language inflects."""

    code: str
    name: str  # in German, the tenant's language, for address blocks
    language: str  # language of the customer's own letters and e-mails: de, pl or en
    currency: str
    phone_prefix: str
    tld: str
    weight: int  # how many of the tenant's customers are here, relatively
    places: tuple[Place, ...]
    streets: tuple[str, ...]
    street_format: str  # "{street} {number}" or "{number} {street}"
    first_names: tuple[str, ...]  # "m:Name" or "f:Name"
    surnames: tuple[str, ...]
    trades: tuple[str, ...]
    company_patterns: tuple[str, ...]  # with {surname}, {trade}, {city}


# fmt: off
COUNTRIES: tuple[Country, ...] = (
    Country(
        "PL", "Polen", "pl", "PLN", "+48", "pl", 30,
        (
            Place("Łódź", "9#-###", 51.7592, 19.4560),
            Place("Kraków", "3#-###", 50.0647, 19.9450),
            Place("Gdańsk", "80-###", 54.3520, 18.6466),
            Place("Wrocław", "5#-###", 51.1079, 17.0385),
            Place("Poznań", "6#-###", 52.4064, 16.9252),
            Place("Szczecin", "7#-###", 53.4285, 14.5528),
            Place("Bielsko-Biała", "43-3##", 49.8224, 19.0584),
            Place("Zielona Góra", "65-###", 51.9356, 15.5062),
            Place("Rzeszów", "35-###", 50.0412, 21.9991),
        ),
        ("ul. Piotrkowska", "ul. Żeromskiego", "ul. Świętokrzyska", "ul. Łąkowa", "ul. Źródlana",
         "ul. Księżycowa", "al. Niepodległości", "ul. Przemysłowa", "ul. Wólczańska"),
        "{street} {number}",
        ("m:Łukasz", "m:Zbigniew", "m:Paweł", "m:Wojciech", "m:Michał", "m:Jędrzej",
         "f:Małgorzata", "f:Grażyna", "f:Agnieszka", "f:Bożena", "f:Jolanta", "f:Żaneta"),
        ("Wiśniewski|Wiśniewska", "Dąbrowski|Dąbrowska", "Nowak", "Wójcik", "Jóźwiak",
         "Grzegorczyk", "Kowalczyk", "Szczęsny|Szczęsna", "Żak", "Łoś", "Ślusarczyk"),
        ("Zakład Mechaniczny", "Przedsiębiorstwo Handlowe", "Hurtownia Części", "Fabryka Łożysk",
         "Usługi Techniczne", "Przetwórstwo Metali"),
        ("{trade} {city} Sp. z o.o.", "{trade} {surname} Sp. z o.o.", "{surname} i Synowie Sp.j.",
         "PHU {surname}", "{trade} „{surname}” S.A."),
    ),
    Country(
        "DE", "Deutschland", "de", "EUR", "+49", "de", 30,
        (
            Place("München", "80###", 48.1351, 11.5820),
            Place("Köln", "50###", 50.9375, 6.9603),
            Place("Düsseldorf", "40###", 51.2277, 6.7735),
            Place("Nürnberg", "90###", 49.4521, 11.0767),
            Place("Lübeck", "235##", 53.8655, 10.6866),
            Place("Würzburg", "970##", 49.7913, 9.9534),
            Place("Görlitz", "028##", 51.1528, 14.9872),
            Place("Osnabrück", "490##", 52.2799, 8.0472),
            Place("Saarbrücken", "661##", 49.2402, 6.9969),
        ),
        ("Königstraße", "Mühlenweg", "Schloßallee", "Am Großen Garten", "Industriestraße",
         "Gärtnerweg", "Brückenstraße", "Hüttenstraße", "Rößlegasse"),
        "{street} {number}",
        ("m:Jürgen", "m:Jörg", "m:Günther", "m:Björn", "m:Sören", "m:Matthias",
         "f:Bärbel", "f:Käthe", "f:Ursula", "f:Jülide", "f:Henrike", "f:Anneliese"),
        ("Müller", "Schäfer", "Köhler", "Groß", "Weiß", "Jäger", "Krüger", "Möller", "Schröder",
         "Fuß", "Böttcher"),
        ("Maschinenbau", "Metallbau", "Fördertechnik", "Landtechnik", "Stahlhandel", "Kältetechnik",
         "Werkzeugbau"),
        ("{surname} & Söhne GmbH", "{surname} {trade} GmbH", "{trade} {surname} KG",
         "{surname} GmbH & Co. KG", "{trade} {city} GmbH"),
    ),
    Country(
        "AT", "Österreich", "de", "EUR", "+43", "at", 10,
        (
            Place("Wien", "1#0#", 48.2082, 16.3738),
            Place("Graz", "80##", 47.0707, 15.4395),
            Place("Linz", "40##", 48.3069, 14.2858),
            Place("Salzburg", "50##", 47.8095, 13.0550),
            Place("Innsbruck", "60##", 47.2692, 11.4041),
            Place("Wörgl", "6300", 47.4894, 12.0646),
        ),
        ("Mariahilfer Straße", "Grünbergstraße", "Hauptplatz", "Schönbrunner Straße",
         "Färbergasse", "Götzner Straße"),
        "{street} {number}",
        ("m:Jörg", "m:Günter", "m:Florian", "m:Thomas", "f:Lieselotte", "f:Theresia", "f:Jana"),
        ("Pölzl", "Hödl", "Grünwald", "Fürst", "Weißensteiner", "Strauß", "Pöschl"),
        ("Holzbau", "Anlagenbau", "Gießerei", "Eisenwaren", "Seilbahntechnik"),
        ("{surname} {trade} GmbH", "{surname} & Partner OG", "{trade} {surname} KG"),
    ),
    Country(
        "CZ", "Tschechien", "de", "CZK", "+420", "cz", 10,
        (
            Place("Praha", "1## 00", 50.0755, 14.4378),
            Place("Brno", "6## 00", 49.1951, 16.6068),
            Place("Plzeň", "30# 00", 49.7384, 13.3736),
            Place("České Budějovice", "370 0#", 48.9745, 14.4743),
            Place("Ústí nad Labem", "400 0#", 50.6607, 14.0323),
            Place("Hradec Králové", "500 0#", 50.2092, 15.8328),
            Place("Mladá Boleslav", "293 01", 50.4114, 14.9032),
        ),
        ("Náměstí Míru", "Husova", "Žižkova", "Křižíkova", "Vodičkova", "Palackého třída"),
        "{street} {number}",
        ("m:Jiří", "m:Tomáš", "m:Lukáš", "m:Přemysl", "f:Růžena", "f:Zdeňka", "f:Věra"),
        ("Dvořák|Dvořáková", "Černý|Černá", "Novotný|Novotná", "Kučera|Kučerová",
         "Růžička|Růžičková", "Šťastný|Šťastná", "Kříž|Křížová"),
        ("Strojírny", "Slévárna", "Kovovýroba", "Servis"),
        ("{surname} {trade} s.r.o.", "{trade} {city} a.s.", "{surname} a syn s.r.o."),
    ),
    Country(
        "DK", "Dänemark", "en", "DKK", "+45", "dk", 8,
        (
            Place("København", "1###", 55.6761, 12.5683),
            Place("Aarhus", "8000", 56.1629, 10.2039),
            Place("Odense", "50##", 55.4038, 10.4024),
            Place("Køge", "4600", 55.4580, 12.1821),
            Place("Næstved", "4700", 55.2299, 11.7609),
            Place("Helsingør", "3000", 56.0361, 12.6136),
        ),
        ("Østergade", "Nørrebrogade", "Søndergade", "Vesterbrogade", "Åboulevarden"),
        "{street} {number}",
        ("m:Søren", "m:Jørgen", "m:Bjørn", "m:Mads", "f:Mette", "f:Åse", "f:Signe"),
        ("Ørsted", "Sørensen", "Kjær", "Bækgaard", "Høj", "Løkke", "Mølgaard"),
        ("Façade", "Maskinfabrik", "Stål", "Smedie", "Køleteknik"),
        ("{surname} {trade} ApS", "{surname} & Søn A/S", "{trade} {city} A/S"),
    ),
    Country(
        "SK", "Slowakei", "de", "EUR", "+421", "sk", 4,
        (
            Place("Bratislava", "8## 0#", 48.1486, 17.1077),
            Place("Košice", "040 01", 48.7164, 21.2611),
            Place("Žilina", "010 01", 49.2231, 18.7394),
        ),
        ("Štúrova", "Hlavná", "Mierová", "Ďumbierska"),
        "{street} {number}",
        ("m:Ľubomír", "m:Peter", "f:Ľudmila", "f:Zuzana"),
        ("Kováč|Kováčová", "Ďurica|Ďuricová", "Hraško|Hrašková"),
        ("Strojárne", "Kovoobrábanie"),
        ("{trade} {surname} s.r.o.", "{surname} {trade} a.s."),
    ),
    Country(
        "HU", "Ungarn", "en", "HUF", "+36", "hu", 4,
        (
            Place("Győr", "90##", 47.6875, 17.6504),
            Place("Debrecen", "40##", 47.5316, 21.6273),
            Place("Pécs", "76##", 46.0727, 18.2323),
        ),
        ("Kossuth Lajos utca", "Fő utca", "Széchenyi tér", "Rákóczi út"),
        "{street} {number}.",
        ("m:Gergő", "m:Ödön", "f:Erzsébet", "f:Zsófia"),
        ("Szőke", "Kovács", "Győri", "Tóth", "Bíró"),
        ("Gépgyártó", "Fémipari"),
        ("{surname} és Társa Kft.", "{trade} {city} Zrt."),
    ),
    Country(
        "SE", "Schweden", "en", "SEK", "+46", "se", 4,
        (
            Place("Malmö", "21# ##", 55.6050, 13.0038),
            Place("Göteborg", "41# ##", 57.7089, 11.9746),
            Place("Linköping", "58# ##", 58.4108, 15.6214),
        ),
        ("Storgatan", "Drottninggatan", "Södra Förstadsgatan", "Östra Hamngatan"),
        "{street} {number}",
        ("m:Åke", "m:Göran", "f:Märta", "f:Linnéa"),
        ("Åkesson", "Öberg", "Sjöström", "Ångström"),
        ("Mekaniska", "Verkstad", "Stålteknik"),
        ("{surname} {trade} AB", "{trade} i {city} AB"),
    ),
)
# fmt: on
