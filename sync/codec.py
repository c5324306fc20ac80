"""Decoding requests from the wire: the protocol version is read before anything else, so that an
old client whose message no longer fits the current structs still gets ``update_required`` (a
request without a version counts as older than version 1)."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from sync.errors import Code, SyncRefused
from sync.protocol import MIN_SUPPORTED_VERSION, PullRequest, PushRequest
from sync.versions import check_client

__all__ = ["decode_pull", "decode_push", "encode"]

_Request = TypeVar("_Request", PullRequest, PushRequest)


class _Envelope(msgspec.Struct):
    protocol_version: int = 0
    client_id: str = ""


def _decode(data: bytes, kind: type[_Request]) -> _Request:
    try:
        envelope = msgspec.json.decode(data, type=_Envelope)
    except msgspec.DecodeError as error:
        raise SyncRefused(Code.INVALID, str(error)) from None
    if envelope.protocol_version < MIN_SUPPORTED_VERSION:
        check_client(envelope.protocol_version, envelope.client_id)
    try:
        return msgspec.json.decode(data, type=kind)
    except msgspec.DecodeError as error:
        raise SyncRefused(Code.INVALID, str(error)) from None


def decode_pull(data: bytes) -> PullRequest:
    return _decode(data, PullRequest)


def decode_push(data: bytes) -> PushRequest:
    return _decode(data, PushRequest)


def encode(message: msgspec.Struct) -> bytes:
    return msgspec.json.encode(message)
