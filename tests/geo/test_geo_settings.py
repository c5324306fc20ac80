"""Settings of geocoding and routing: parsed once, refused when wrong."""

from __future__ import annotations

import pytest

from backend.errors import SettingsError
from backend.settings import GeocoderKind, load_settings


def test_no_geocoder_unless_configured() -> None:
    geo = load_settings({}).geo
    assert geo.geocoder_url is None
    assert not geo.geocoding
    assert geo.routing_url is None


def test_a_full_configuration() -> None:
    geo = load_settings(
        {
            "DOSSIER_GEOCODER_URL": "https://geo.example.org/nominatim/",
            "DOSSIER_GEOCODER": "Photon",
            "DOSSIER_GEOCODER_USER_AGENT": "dossier-acme/1.0 (it@acme.example)",
            "DOSSIER_GEOCODER_TIMEOUT_SECONDS": "2.5",
            "DOSSIER_GEOCODER_MIN_INTERVAL_MS": "0",
            "DOSSIER_ROUTING_URL": "http://osrm.internal:5000",
        }
    ).geo
    assert geo.geocoder_url == "https://geo.example.org/nominatim"
    assert geo.geocoder is GeocoderKind.PHOTON
    assert (geo.timeout_seconds, geo.min_interval_ms) == (2.5, 0)
    assert geo.routing_url == "http://osrm.internal:5000"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"DOSSIER_GEOCODER_URL": "ftp://geo.example.org"}, "DOSSIER_GEOCODER_URL"),
        ({"DOSSIER_GEOCODER": "google"}, "DOSSIER_GEOCODER"),
        (
            {"DOSSIER_GEOCODER_URL": "https://nominatim.openstreetmap.org"},
            "DOSSIER_GEOCODER_USER_AGENT",
        ),
        ({"DOSSIER_GEOCODER_TIMEOUT_SECONDS": "0"}, "DOSSIER_GEOCODER_TIMEOUT_SECONDS"),
        ({"DOSSIER_GEOCODER_TIMEOUT_SECONDS": "soon"}, "DOSSIER_GEOCODER_TIMEOUT_SECONDS"),
        ({"DOSSIER_GEOCODER_MIN_INTERVAL_MS": "-1"}, "DOSSIER_GEOCODER_MIN_INTERVAL_MS"),
        ({"DOSSIER_ROUTING_URL": "osrm:5000"}, "DOSSIER_ROUTING_URL"),
    ],
)
def test_wrong_settings_are_refused(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert refused.value.setting == setting
