"""Geocoding through geopy: Nominatim (``/search``, ``/reverse``) or Photon, at a configured URL.

geopy's async adapter (aiohttp) does the HTTP; this module turns its answers into
:class:`~backend.geo.models.GeocodeMatch` and its errors into
:class:`~backend.geo.ports.GeocoderError` with stable reasons. Nominatim is asked with a
structured query (street, postal code, city, restricted to the country), which matches far better
than free text; Photon takes free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from geopy.adapters import AioHTTPAdapter
from geopy.exc import (
    ConfigurationError,
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import Nominatim, Photon
from geopy.location import Location

from backend.geo.models import GeocodeMatch, Point
from backend.geo.ports import GeocoderError
from backend.geo.quality import quality_of
from backend.settings import GeocoderKind, GeoSettings

__all__ = ["GeopyGeocoder"]


def _error(exc: Exception) -> GeocoderError:
    if isinstance(exc, GeocoderRateLimited):
        return GeocoderError("rate_limited", retry_after=exc.retry_after)
    if isinstance(exc, GeocoderTimedOut):
        return GeocoderError("timeout")
    if isinstance(exc, GeocoderParseError):
        return GeocoderError("malformed_answer")
    if isinstance(
        exc,
        GeocoderQueryError
        | GeocoderAuthenticationFailure
        | GeocoderInsufficientPrivileges
        | ConfigurationError,
    ):
        return GeocoderError("refused", permanent=True)
    if isinstance(exc, GeocoderUnavailable | GeocoderServiceError):
        return GeocoderError("unavailable")
    return GeocoderError("malformed_answer")


def _match(location: Location | None, kind: GeocoderKind) -> GeocodeMatch | None:
    if location is None:
        return None
    raw: Mapping[str, Any] = location.raw
    if kind is GeocoderKind.PHOTON:
        raw = raw.get("properties") or {}
    latitude, longitude = float(location.latitude), float(location.longitude)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise GeocoderError("malformed_answer")
    return GeocodeMatch(
        point=Point(latitude, longitude),
        quality=quality_of(raw),
        display_name=str(location.address or "")[:1000],
    )


class GeopyGeocoder:
    def __init__(self, settings: GeoSettings) -> None:
        if settings.geocoder_url is None:
            raise ValueError("no geocoder URL configured")
        parts = urlsplit(settings.geocoder_url)
        self._scheme = parts.scheme
        self._domain = parts.netloc + parts.path.rstrip("/")
        self._kind = settings.geocoder
        self._sent_as = settings.user_agent
        self._timeout = settings.timeout_seconds
        self.provider = settings.geocoder.value

    def _client(self) -> Nominatim | Photon:
        common: dict[str, Any] = {
            "domain": self._domain,
            "scheme": self._scheme,
            "user_agent": self._sent_as,
            "timeout": self._timeout,
            "adapter_factory": AioHTTPAdapter,
        }
        if self._kind is GeocoderKind.PHOTON:
            return Photon(**common)
        return Nominatim(**common)

    async def search(
        self, street: str, postal_code: str, city: str, country: str
    ) -> GeocodeMatch | None:
        try:
            async with self._client() as client:
                if isinstance(client, Nominatim):
                    query = {"street": street, "postalcode": postal_code, "city": city}
                    location = await client.geocode(
                        {k: v for k, v in query.items() if v},
                        exactly_one=True,
                        country_codes=country.lower(),
                    )
                else:
                    location = await client.geocode(
                        ", ".join(
                            p for p in (street, f"{postal_code} {city}".strip(), country) if p
                        ),
                        exactly_one=True,
                    )
                return _match(location, self._kind)
        except GeocoderError:
            raise
        except (GeopyError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise _error(exc) from exc

    async def reverse(self, point: Point) -> GeocodeMatch | None:
        try:
            async with self._client() as client:
                location = await client.reverse((point.latitude, point.longitude), exactly_one=True)
                return _match(location, self._kind)
        except GeocoderError:
            raise
        except (GeopyError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise _error(exc) from exc
