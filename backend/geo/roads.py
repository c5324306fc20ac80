"""Road distances from an OSRM server's table service (``/table/v1/driving/…``).

One request gives the whole matrix: ``annotations=distance`` answers metres between every pair of
the given coordinates (``lon,lat;lon,lat;…``), by road, in both directions (the matrix is not
symmetric: one-way streets). A pair OSRM cannot connect (``null``) or any failure makes the
caller fall back to straight lines, and says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aiohttp

from backend.geo.models import Point
from backend.geo.ports import GeocoderError

__all__ = ["OsrmTable"]


class OsrmTable:
    def __init__(self, base_url: str, timeout_seconds: float = 10.0, profile: str = "driving"):
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._profile = profile

    async def matrix(self, points: Sequence[Point]) -> list[list[float]]:
        where = ";".join(f"{p.longitude:.6f},{p.latitude:.6f}" for p in points)
        url = f"{self._base}/table/v1/{self._profile}/{where}"
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as session,
                session.get(url, params={"annotations": "distance"}) as response,
            ):
                if response.status != 200:
                    raise GeocoderError("unavailable")
                body: Any = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise GeocoderError(
                "timeout" if isinstance(exc, asyncio.TimeoutError) else "unavailable"
            ) from exc
        return _kilometres(body, len(points))


def _kilometres(body: Any, n: int) -> list[list[float]]:
    if not isinstance(body, dict) or body.get("code") != "Ok":
        raise GeocoderError("unavailable")
    rows = body.get("distances")
    if not isinstance(rows, list) or len(rows) != n:
        raise GeocoderError("malformed_answer")
    matrix: list[list[float]] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != n:
            raise GeocoderError("malformed_answer")
        if any(not isinstance(v, int | float) for v in row):
            raise GeocoderError("no_route")
        matrix.append([float(v) / 1000 for v in row])
    return matrix
