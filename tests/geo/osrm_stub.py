"""An OSRM stand-in on 127.0.0.1 answering ``/table/v1/driving/{lon,lat;…}?annotations=distance``
with a road table: great-circle metres times 1.3, plus 500 m against the direction of travel
(from a later to an earlier coordinate), so the table is asymmetric like a real one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from backend.geo.distance import distance_km
from backend.geo.models import Point
from tests.geo.http_stub import serving

__all__ = ["OsrmStub", "running_osrm"]


@dataclass
class OsrmStub:
    behaviour: str = "ok"  # ok | 500 | unreachable_pair
    url: str = ""
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def table(self, points: list[Point]) -> list[list[float | None]]:
        rows: list[list[float | None]] = []
        for i, a in enumerate(points):
            row: list[float | None] = []
            for j, b in enumerate(points):
                metres = distance_km(a, b) * 1300 + (500 if j < i else 0)
                row.append(0.0 if i == j else round(metres, 1))
            rows.append(row)
        if self.behaviour == "unreachable_pair" and len(points) > 1:
            rows[0][1] = None
        return rows


def _handler(stub: OsrmStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            stub.calls.append((parts.path, query))
            prefix = "/table/v1/driving/"
            if stub.behaviour == "500" or not parts.path.startswith(prefix):
                self.send_response(500)
                self.end_headers()
                return
            points = []
            for pair in parts.path.removeprefix(prefix).split(";"):
                lon, lat = pair.split(",")
                points.append(Point(float(lat), float(lon)))
            body: Any = {"code": "Ok", "distances": stub.table(points)}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def running_osrm() -> Iterator[OsrmStub]:
    stub = OsrmStub()
    with serving(_handler(stub)) as url:
        stub.url = url
        yield stub
