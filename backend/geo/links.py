"""Links that hand a stop to the phone's navigation app."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from backend.geo.models import NavigationLinks, Point

__all__ = ["navigation_links"]


def _coordinates(point: Point) -> str:
    return f"{point.latitude:.6f},{point.longitude:.6f}"


def navigation_links(point: Point, label: str = "") -> NavigationLinks:
    """``geo:`` (RFC 5870; Android opens the chosen map app), Apple Maps and Google Maps
    directions to ``point``, with ``label`` shown where the app supports one."""
    at = _coordinates(point)
    query = f"{at}({label})" if label else at
    return NavigationLinks(
        geo_uri=f"geo:{at}?q={quote(query, safe=',()')}",
        apple_maps="https://maps.apple.com/?"
        + urlencode({"daddr": at, "dirflg": "d", **({"q": label} if label else {})}),
        google_maps="https://www.google.com/maps/dir/?"
        + urlencode({"api": "1", "destination": at, "travelmode": "driving"}),
    )
