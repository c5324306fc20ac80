"""Posting sealed Web Push messages over HTTP/1.1 with kept-alive connections, light on CPU.

A fan-out posts a thousand small requests to a few push services from the event loop that also
runs the fan-out. aiohttp's client spent about as much CPU per request as sealing the message;
this one writes each request as one buffer and parses the answer with httptools (the C parser
uvicorn serves with), about a seventh of that CPU. One request at a time per connection (no
pipelining: when a service closes a connection, only the one request on it is in doubt); the
caller bounds how many are in flight, and a connection goes back to be reused for the next
message while the service keeps it alive. A kept-alive connection the service had closed before
it answered is opened afresh once, as other clients do.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

__all__ = ["PushAnswer", "PushClient", "PushHTTPError"]

TEXT_KEPT = 200
"""Bytes of an answer's body kept for the delivery log."""


class PushHTTPError(OSError):
    """The push service could not be reached, closed the connection or answered nonsense."""


class _ClosedUnanswered(PushHTTPError):
    """The connection ended before any byte of an answer (a kept-alive one may just have been
    closed by the service: the request is sent again on a fresh connection)."""


@dataclass(frozen=True, slots=True)
class PushAnswer:
    status: int
    text: str
    """The start of the answer's body."""


@dataclass(frozen=True, slots=True)
class _Target:
    scheme: str
    host: str
    port: int
    head: bytes
    """The request line and Host header."""


_CONTEXT: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = ssl.create_default_context()
    return _CONTEXT


def _target(url: str) -> _Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushHTTPError(f"not an http(s) endpoint: {url[:80]!r}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    netloc = parts.netloc.rpartition("@")[2]
    if any(c in target + netloc for c in " \r\n\t"):
        raise PushHTTPError(f"endpoint with white space: {url[:80]!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    head = f"POST {target} HTTP/1.1\r\nHost: {netloc}\r\n".encode()
    return _Target(parts.scheme, parts.hostname, port, head)


class _Connection(asyncio.Protocol):
    """One connection, one request at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[PushAnswer] | None = None
        self._body = bytearray()
        self._answering = False
        self._headers_done = False
        self.closed = False
        self.keep_alive = False

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._answering = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(PushHTTPError(f"malformed answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._headers_done:
            self._complete()  # an answer whose body ends with the connection
        elif not self._answering:
            self._fail(_ClosedUnanswered("connection closed before an answer"))
        else:
            self._fail(PushHTTPError(f"connection lost mid-answer: {exc or 'closed'}"))

    # -- httptools callbacks
    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        room = TEXT_KEPT - len(self._body)
        if room > 0:
            self._body += body[:room]

    def on_message_complete(self) -> None:
        self.keep_alive = self._parser.should_keep_alive()
        self._complete()

    # --
    def request(self, data: bytes) -> asyncio.Future[PushAnswer]:
        assert self._transport is not None
        waiter = asyncio.get_running_loop().create_future()
        if self.closed:
            waiter.set_exception(_ClosedUnanswered("connection already closed"))
            return waiter
        self._waiter = waiter
        self._body.clear()
        self._answering = self._headers_done = self.keep_alive = False
        self._transport.write(data)
        return waiter

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    def _complete(self) -> None:
        waiter, self._waiter = self._waiter, None
        self._headers_done = False
        if waiter is not None and not waiter.done():
            text = bytes(self._body).decode(errors="replace")
            waiter.set_result(PushAnswer(self._parser.get_status_code(), text))

    def _fail(self, exc: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)


class PushClient:
    """Connections kept per push service (scheme, host, port); close with :meth:`close`."""

    def __init__(self, timeout_seconds: float) -> None:
        self._timeout = timeout_seconds
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._targets: dict[str, _Target] = {}

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> PushAnswer:
        """POST ``body``; the answer, or :class:`PushHTTPError` / :class:`TimeoutError`."""
        target = self._targets.get(url)
        if target is None:
            target = self._targets[url] = _target(url)
        fields = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        data = b"".join(
            (
                target.head,
                fields.encode(),
                b"Content-Type: application/octet-stream\r\n",
                b"Content-Length: %d\r\n\r\n" % len(body),
                body,
            )
        )
        key = (target.scheme, target.host, target.port)
        idle = self._idle.setdefault(key, [])
        connection: _Connection | None = None
        answer: PushAnswer | None = None
        try:
            async with asyncio.timeout(self._timeout):
                while idle and connection is None:
                    connection = idle.pop()
                    if connection.closed:
                        connection = None
                if connection is not None:
                    try:
                        answer = await connection.request(data)
                    except _ClosedUnanswered:
                        connection = None  # the service closed it while idle: once afresh
                if connection is None or answer is None:
                    connection = await self._connect(target)
                    answer = await connection.request(data)
        except BaseException:
            if connection is not None:
                connection.close()  # an answer may still come: never reuse it
            raise
        assert connection is not None
        assert answer is not None
        if connection.keep_alive and not connection.closed:
            idle.append(connection)
        else:
            connection.close()
        return answer

    async def _connect(self, target: _Target) -> _Connection:
        loop = asyncio.get_running_loop()
        secure = target.scheme == "https"
        _, connection = await loop.create_connection(
            _Connection,
            target.host,
            target.port,
            ssl=_tls() if secure else None,
            server_hostname=target.host if secure else None,
        )
        return connection

    def close(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
