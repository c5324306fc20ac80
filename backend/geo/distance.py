"""Distances on the Earth and the boxes that prefilter them.

Great-circle (haversine) distance on a sphere of the mean Earth radius: within 0.5 % of the
ellipsoidal geodesic everywhere, and about fifty times cheaper than Karney's geodesic, which
matters for route matrices (101 × 101 distances for a route of 100 stops).
"""

from __future__ import annotations

import math

from backend.geo.models import Point

__all__ = [
    "CELLS_PER_DEGREE",
    "EARTH_RADIUS_KM",
    "LatLonBox",
    "bounding_boxes",
    "cell_of",
    "cells_of",
    "distance_km",
]

EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius (IUGG)."""

LatLonBox = tuple[float, float, float, float]
"""(south, north, west, east) in degrees, west ≤ east."""

CELLS_PER_DEGREE = 2
"""Strips of longitude half a degree wide (about 35 km in central Europe): an index on
(strip, latitude) reads a box as a few short latitude ranges instead of one band around the
globe."""


def cell_of(longitude: float | None) -> int | None:
    return None if longitude is None else math.floor(longitude * CELLS_PER_DEGREE)


def cells_of(box: LatLonBox) -> list[int] | None:
    """The strips ``box`` touches, or None when that is more than a quarter of them (then a
    latitude range alone is the better scan)."""
    _, _, west, east = box
    first, last = math.floor(west * CELLS_PER_DEGREE), math.floor(east * CELLS_PER_DEGREE)
    if last - first + 1 > 90 * CELLS_PER_DEGREE:
        return None
    return list(range(first, last + 1))


def distance_km(a: Point, b: Point) -> float:
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_boxes(centre: Point, radius_km: float) -> list[LatLonBox]:
    """Boxes that together hold every point within ``radius_km`` of ``centre``: one box, or two
    where the circle crosses the antimeridian; a full band of longitudes where it reaches a pole."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    south, north = centre.latitude - dlat, centre.latitude + dlat
    if south <= -90 or north >= 90:
        return [(max(south, -90.0), min(north, 90.0), -180.0, 180.0)]
    # The widest longitude span of the circle is at the latitude nearest a pole it reaches.
    widest = max(abs(south), abs(north))
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(widest))))
    if dlon >= 180:
        return [(south, north, -180.0, 180.0)]
    west, east = centre.longitude - dlon, centre.longitude + dlon
    if west < -180:
        return [(south, north, west + 360, 180.0), (south, north, -180.0, east)]
    if east > 180:
        return [(south, north, west, 180.0), (south, north, -180.0, east - 360)]
    return [(south, north, west, east)]
