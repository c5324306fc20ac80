"""A Nominatim stand-in on 127.0.0.1: ``/search`` and ``/reverse`` answering JSON like the real
server (format=json), in a thread of the test process, so geopy talks real HTTP to it.

Answers are chosen per request by :attr:`NominatimStub.behaviour` (``ok``, ``none``, ``slow``,
``429``, ``malformed``, ``bad_number``, ``500``, ``refused``); places are found by a word of the query
(:attr:`NominatimStub.places`). Every request is recorded with its arrival time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.geo.http_stub import serving

__all__ = ["NominatimStub", "Request", "running_stub"]


@dataclass(frozen=True)
class Request:
    path: str
    query: dict[str, str]
    user_agent: str
    at: float


@dataclass
class NominatimStub:
    #: word of the query (case-folded) -> (lat, lon, place_rank, type, display name)
    places: dict[str, tuple[float, float, int, str, str]] = field(default_factory=dict)
    behaviour: str = "ok"
    retry_after: int = 1
    slow_seconds: float = 3.0
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def find(self, text: str) -> tuple[float, float, int, str, str] | None:
        folded = text.casefold()
        for word, place in self.places.items():
            if word in folded:
                return place
        return None

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        behaviour = self.behaviour
        if behaviour == "slow":
            time.sleep(self.slow_seconds)
        if behaviour == "429":
            return 429, {"Retry-After": str(self.retry_after)}, b'{"error": "too many requests"}'
        if behaviour == "500":
            return 500, {}, b"internal error"
        if behaviour == "refused":
            return 403, {}, b"forbidden"
        if behaviour == "malformed":
            return 200, {}, b"<html>this is no JSON</html>"
        if path == "/search":
            text = " ".join(query.get(k, "") for k in ("q", "street", "postalcode", "city"))
            place = None if behaviour == "none" else self.find(text)
            body: Any = [] if place is None else [self._json(place)]
            if behaviour == "bad_number" and body:
                body[0]["lat"] = "north-ish"
        elif path == "/reverse":
            place = None if behaviour == "none" else next(iter(self.places.values()), None)
            body = {"error": "Unable to geocode"} if place is None else self._json(place)
        else:
            return 404, {}, b"not found"
        return 200, {}, json.dumps(body).encode()

    @staticmethod
    def _json(place: tuple[float, float, int, str, str]) -> dict[str, Any]:
        lat, lon, rank, kind, name = place
        return {
            "place_id": 1,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
            "osm_type": "node",
            "osm_id": 1,
            "lat": str(lat),
            "lon": str(lon),
            "class": "building" if kind == "house" else "place",
            "type": kind,
            "place_rank": rank,
            "importance": 0.3,
            "display_name": name,
            "boundingbox": [str(lat), str(lat), str(lon), str(lon)],
        }

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def _handler(stub: NominatimStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            stub.requests.append(
                Request(parts.path, query, self.headers.get("User-Agent", ""), time.time())
            )
            status, headers, body = stub.answer(parts.path, query)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def running_stub(stub: NominatimStub | None = None) -> Iterator[NominatimStub]:
    """Serve ``stub`` on a free port of 127.0.0.1 until the generator is closed."""
    stub = stub or NominatimStub()
    with serving(_handler(stub)) as url:
        stub.url = url
        yield stub
