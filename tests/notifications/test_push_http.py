"""The push client keeps connections alive, and never mistakes a lost answer for a sent push
(no database)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from backend.notifications.push_http import PushClient, PushHTTPError

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[bool]]
"""Reads one request and answers it; False ends the connection."""


class Server:
    """A raw HTTP server on 127.0.0.1 whose answers the test writes byte by byte."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append(head + await reader.readexactly(length))
                if not await self._answer(reader, writer, len(self.requests)):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


def _created() -> Answer:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: int) -> bool:
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        return True

    return answer


HEADERS = {"Authorization": "vapid t=x, k=y", "Content-Encoding": "aes128gcm", "TTL": "60"}


async def test_one_connection_serves_one_message_after_another() -> None:
    server = Server(_created())
    origin = await server.start()
    client = PushClient(5)
    try:
        answers = [await client.post(f"{origin}/push/{i}", b"sealed", HEADERS) for i in range(5)]
    finally:
        client.close()
        await server.stop()
    assert [a.status for a in answers] == [201] * 5
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /push/0 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nContent-Encoding: aes128gcm\r\n" in first
    assert b"\r\nContent-Length: 6\r\n\r\nsealed" in first


async def test_chunked_and_close_delimited_answers_are_read_to_their_end() -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> bool:
        if n == 1:
            writer.write(
                b"HTTP/1.1 429 Too Many\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"5\r\nslow \r\n4\r\ndown\r\n0\r\n\r\n"
            )
            await writer.drain()
            return True
        writer.write(b"HTTP/1.1 410 Gone\r\nConnection: close\r\n\r\nunsubscribed")
        await writer.drain()
        return False

    server = Server(answer)
    origin = await server.start()
    client = PushClient(5)
    try:
        busy = await client.post(f"{origin}/push/a", b"x", HEADERS)
        gone = await client.post(f"{origin}/push/b", b"x", HEADERS)
        again = await client.post(f"{origin}/push/c", b"x", HEADERS)  # a fresh connection
    finally:
        client.close()
        await server.stop()
    assert (busy.status, busy.text) == (429, "slow down")
    assert (gone.status, gone.text) == (410, "unsubscribed")
    assert again.status == 410
    assert server.connections == 2


async def test_a_kept_connection_the_service_closed_is_opened_again_once() -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: int) -> bool:
        writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        return False  # closes after answering, without saying so

    server = Server(answer)
    origin = await server.start()
    client = PushClient(5)
    try:
        first = await client.post(f"{origin}/push/a", b"x", HEADERS)
        await asyncio.sleep(0.05)  # the close reaches the client while the connection is idle
        second = await client.post(f"{origin}/push/b", b"x", HEADERS)
    finally:
        client.close()
        await server.stop()
    assert (first.status, second.status) == (201, 201)
    assert server.connections == 2
    assert len(server.requests) == 2  # each message once


async def test_a_connection_lost_before_the_answer_is_an_error_not_a_success() -> None:
    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter, __: int) -> bool:
        return False  # reads the push, never answers

    server = Server(answer)
    origin = await server.start()
    client = PushClient(5)
    try:
        with pytest.raises(PushHTTPError):
            await client.post(f"{origin}/push/a", b"x", HEADERS)
    finally:
        client.close()
        await server.stop()
    assert len(server.requests) == 1  # a fresh connection is not tried twice


async def test_a_service_that_does_not_answer_times_out() -> None:
    async def answer(reader: asyncio.StreamReader, _: asyncio.StreamWriter, __: int) -> bool:
        await reader.read()  # holds the answer back until the client gives up
        return False

    server = Server(answer)
    origin = await server.start()
    client = PushClient(0.2)
    try:
        with pytest.raises(TimeoutError):
            await client.post(f"{origin}/push/a", b"x", HEADERS)
    finally:
        client.close()
        await server.stop()


async def test_an_endpoint_that_cannot_be_posted_to_is_an_error() -> None:
    client = PushClient(1)
    for endpoint in ("ftp://push.example/x", "https:///nohost", "https://push.example/a b"):
        with pytest.raises(PushHTTPError):
            await client.post(endpoint, b"x", HEADERS)
    with pytest.raises(ConnectionRefusedError):
        await client.post("http://127.0.0.1:1/push/a", b"x", HEADERS)  # nothing listens
