"""Address normal form, match quality, distances, boxes and navigation links (pure)."""

from __future__ import annotations

import random

import pytest

from backend.geo.addresses import address_key, normalise
from backend.geo.distance import bounding_boxes, distance_km
from backend.geo.links import navigation_links
from backend.geo.models import Point, Quality
from backend.geo.quality import quality_of


def test_the_normal_form_folds_case_width_and_spaces_but_keeps_letters() -> None:
    assert normalise("  Hauptstraße \t 1 ") == "hauptstrasse 1"
    assert normalise("\uff2c\uff2f\uff24\uff3a\u3000\uff11\uff12") == "lodz 12", (
        "full-width LODZ 12 (NFKC)"
    )
    assert normalise("ŁÓDŹ") == "łódź", "Polish letters stay, only lower case"
    assert normalise("\uff22äckerstraße") == normalise("BÄCKERSTRASSE")
    assert address_key("ul. Piotrkowska 1", "90-001", "Łódź", "PL") == (
        "ul. piotrkowska 1, 90-001 łódź, pl"
    )
    assert address_key("Main St 1", "", "Springfield", "US") == "main st 1, springfield, us"
    assert normalise("Москва, Тверская 1") == "москва, тверская 1"


@pytest.mark.parametrize(
    ("raw", "quality"),
    [
        ({"place_rank": 30, "type": "house"}, Quality.BUILDING),
        ({"place_rank": "28"}, Quality.BUILDING),
        ({"place_rank": 26, "type": "residential", "class": "highway"}, Quality.STREET),
        ({"place_rank": 16, "type": "city"}, Quality.LOCALITY),
        ({"place_rank": 21, "type": "postcode"}, Quality.LOCALITY),
        ({"place_rank": 8, "type": "state"}, Quality.REGION),
        ({"type": "house", "housenumber": "1"}, Quality.BUILDING),  # Photon
        ({"osm_key": "highway", "type": "street"}, Quality.STREET),
        ({"type": "city", "osm_key": "place"}, Quality.LOCALITY),
        ({"type": "country"}, Quality.REGION),
        ({"place_rank": "n/a", "type": "village"}, Quality.LOCALITY),
    ],
)
def test_match_quality(raw: dict[str, object], quality: Quality) -> None:
    assert quality_of(raw) is quality


def test_distances() -> None:
    berlin, warsaw = Point(52.5200, 13.4050), Point(52.2297, 21.0122)
    assert distance_km(berlin, warsaw) == pytest.approx(517.9, abs=1.5)
    assert distance_km(berlin, berlin) == 0.0
    assert distance_km(Point(0, 179.9), Point(0, -179.9)) == pytest.approx(22.24, abs=0.05)


def _inside(boxes: list[tuple[float, float, float, float]], p: Point) -> bool:
    return any(s <= p.latitude <= n and w <= p.longitude <= e for s, n, w, e in boxes)


@pytest.mark.parametrize(
    "centre",
    [Point(52.5, 13.4), Point(0.0, 179.95), Point(-33.9, -179.99), Point(89.9, 0.0), Point(70, 20)],
)
def test_boxes_hold_every_point_within_the_radius(centre: Point) -> None:
    rng = random.Random(7)
    boxes = bounding_boxes(centre, 25.0)
    for _ in range(2000):
        p = Point(
            max(-90.0, min(90.0, centre.latitude + rng.uniform(-0.5, 0.5))),
            (centre.longitude + rng.uniform(-3, 3) + 180) % 360 - 180,
        )
        if distance_km(centre, p) <= 25.0:
            assert _inside(boxes, p), (centre, p)


def test_navigation_links() -> None:
    links = navigation_links(Point(51.7592, 19.456), "Łódź & Co")
    assert links.geo_uri.startswith("geo:51.759200,19.456000?q=51.759200,19.456000(")
    assert "maps.apple.com/?daddr=51.759200%2C19.456000&dirflg=d" in links.apple_maps
    assert links.google_maps == (
        "https://www.google.com/maps/dir/?api=1&destination=51.759200%2C19.456000"
        "&travelmode=driving"
    )
