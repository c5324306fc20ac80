"""A Web Push service on 127.0.0.1 that checks what a real one checks, and browsers to receive.

:class:`PushService` is a real HTTP server (aiohttp) in the test's event loop. For each POST to a
device's endpoint it verifies the VAPID ``Authorization: vapid t=…, k=…`` header (an ES256 JWT
signed by the key ``k``, ``aud`` the endpoint's origin, ``exp`` in the future and at most 24 hours
ahead, ``sub`` a ``mailto:`` or ``https:`` URL; RFC 8292), requires ``Content-Encoding: aes128gcm``
and the ``TTL`` and ``Urgency`` headers (RFC 8030), and decrypts the body with the device's private
key and auth secret (RFC 8291) — what the browser would show is what the test sees. A device can be
told to answer 404, 410, 429 or 500 instead, or to hold its answers back.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

__all__ = ["Browser", "PushService", "Received", "b64url", "unb64url"]

URGENCIES = frozenset({"very-low", "low", "normal", "high"})


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Received:
    """One push as the device decrypted it."""

    payload: dict[str, Any]
    ttl: int
    urgency: str
    vapid_key: str
    size: int
    """Bytes of the encrypted body on the wire."""


@dataclass
class Browser:
    """A device's push subscription: its ECDH key pair and auth secret, as a browser makes them."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def verify_vapid(header: str, audience: str, now: float) -> str:
    """Check a ``vapid t=…, k=…`` header for ``audience``; return the key ``k``."""
    scheme, _, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise Refused(401, f"not a vapid authorization: {scheme!r}")
    parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
    token, key = parts.get("t", ""), parts.get("k", "")
    try:
        head_b64, claims_b64, signature_b64 = token.split(".")
        head = json.loads(unb64url(head_b64))
        claims = json.loads(unb64url(claims_b64))
        signature = unb64url(signature_b64)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    except ValueError as exc:
        raise Refused(401, f"malformed token: {exc}") from None
    if head.get("alg") != "ES256" or len(signature) != 64:
        raise Refused(401, "not an ES256 token")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Refused(403, "bad signature") from None
    if claims.get("aud") != audience:
        raise Refused(403, f"audience {claims.get('aud')!r} is not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now or exp > now + 24 * 3600:
        raise Refused(403, f"expiry {exp!r} is not within the next 24 hours")
    sub = str(claims.get("sub", ""))
    if not sub.startswith(("mailto:", "https:")):
        raise Refused(403, f"sub {sub!r} is neither mailto: nor https:")
    return key


class PushService:
    """Start with ``await PushService.start()``; make devices with :meth:`browser`."""

    def __init__(self) -> None:
        self.origin = ""
        self.browsers: dict[str, Browser] = {}
        self.received: dict[str, list[Received]] = {}
        self.answers: dict[str, int] = {}
        self.attempts: dict[str, int] = {}
        self.refusals: list[str] = []
        self.stalls: dict[str, asyncio.Event] = {}
        self._arrivals = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    @classmethod
    async def start(cls) -> PushService:
        service = cls()
        app = web.Application()
        app.router.add_post("/push/{name}", service._receive)
        service._runner = web.AppRunner(app)
        await service._runner.setup()
        site = web.TCPSite(service._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        service.origin = f"http://127.0.0.1:{port}"
        return service

    async def stop(self) -> None:
        for stall in self.stalls.values():
            stall.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def browser(self, name: str) -> Browser:
        device = Browser(name, f"{self.origin}/push/{name}")
        self.browsers[name] = device
        self.received[name] = []
        return device

    def answer(self, name: str, status: int | None) -> None:
        """Answer ``status`` for ``name`` from now on (None: accept again)."""
        if status is None:
            self.answers.pop(name, None)
        else:
            self.answers[name] = status

    def stall(self, name: str) -> asyncio.Event:
        """Hold every answer to ``name`` until the returned event is set (a slow push service);
        the message is taken (and counted as received) only then."""
        self.stalls[name] = asyncio.Event()
        return self.stalls[name]

    async def wait_until(self, done: Callable[[], bool]) -> None:
        """Wait until ``done()`` holds, looking again as each request arrives and is answered."""
        async with self._arrivals:
            await self._arrivals.wait_for(done)

    async def _arrived(self) -> None:
        async with self._arrivals:
            self._arrivals.notify_all()

    def payloads(self, name: str) -> list[dict[str, Any]]:
        return [r.payload for r in self.received.get(name, [])]

    async def _receive(self, request: web.Request) -> web.Response:
        try:
            return await self._answer(request)
        finally:
            await self._arrived()

    async def _answer(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.attempts[name] = self.attempts.get(name, 0) + 1
        device = self.browsers.get(name)
        if device is None:
            return web.Response(status=404, text="no such subscription")
        try:
            key = verify_vapid(
                request.headers.get("Authorization", ""),
                f"{urlsplit(self.origin).scheme}://{urlsplit(self.origin).netloc}",
                time.time(),
            )
            if request.headers.get("Content-Encoding") != "aes128gcm":
                raise Refused(415, "Content-Encoding must be aes128gcm")
            ttl = request.headers.get("TTL", "")
            if not ttl.isdigit():
                raise Refused(400, "TTL header missing")
            urgency = request.headers.get("Urgency", "")
            if urgency not in URGENCIES:
                raise Refused(400, f"Urgency {urgency!r} missing or unknown")
            body = await request.read()
            if len(body) > 4096:
                raise Refused(413, "payload larger than 4 KB")
        except Refused as refused:
            self.refusals.append(f"{name}: {refused.status} {refused.reason}")
            return web.Response(status=refused.status, text=refused.reason)
        stall = self.stalls.get(name)
        if stall is not None:
            await self._arrived()
            await stall.wait()
        status = self.answers.get(name)
        if status is not None:
            headers = {"Retry-After": "1"} if status == 429 else {}
            return web.Response(status=status, headers=headers, text="as told")
        plain = http_ece.decrypt(
            body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm"
        )
        self.received[name].append(
            Received(json.loads(plain), int(ttl), urgency, key, size=len(body))
        )
        return web.Response(status=201, headers={"Location": f"/message/{dt.datetime.now()}"})
