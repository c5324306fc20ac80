"""A local tile server for browser tests: 256 px PNG tiles at ``/{z}/{x}/{y}.png`` (Pillow, a
colour per tile and its numbers drawn on it), with CORS, counting what it served."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw

__all__ = ["TileStub", "running_tile_stub"]

_TILE = re.compile(r"^/(\d{1,2})/(\d+)/(\d+)\.png$")


@lru_cache(maxsize=4096)
def _png(z: int, x: int, y: int) -> bytes:
    colour = (200 - (x * 37) % 60, 215 - (y * 53) % 60, 190 + (z * 7) % 60)
    image = Image.new("RGB", (256, 256), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 255, 255), outline=(150, 150, 150))
    draw.text((8, 8), f"{z}/{x}/{y}", fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class TileStub:
    def __init__(self) -> None:
        self.served: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                m = _TILE.match(self.path)
                if not m:
                    self.send_response(404)
                    self.send_header("Access-Control-Allow-Origin", "*")
                    self.end_headers()
                    return
                body = _png(int(m[1]), int(m[2]), int(m[3]))
                stub.served.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Cache-Control", "public, max-age=86400")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def template(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"


@contextmanager
def running_tile_stub() -> Iterator[TileStub]:
    stub = TileStub()
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()
