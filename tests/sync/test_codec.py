"""Requests from the wire: the version is read first, so old clients hear ``update_required``."""

from __future__ import annotations

import pytest

from sync.codec import decode_pull, decode_push, encode
from sync.errors import Code, SyncRefused
from sync.protocol import MIN_SUPPORTED_VERSION, PROTOCOL_VERSION, SyncError
from tests.sync.world import push_request, update


def test_an_old_client_hears_update_required_even_when_its_message_no_longer_fits() -> None:
    old = b'{"client_id":"a1","protocol_version":0,"mutations":[{"id":1,"op":"set"}]}'
    with pytest.raises(SyncRefused) as refused:
        decode_push(old)
    assert refused.value.code is Code.UPDATE_REQUIRED
    body = encode(SyncError(code=refused.value.code, message=refused.value.message))
    assert b'"update_required"' in body
    assert f'"min_supported_version":{MIN_SUPPORTED_VERSION}'.encode() in body


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"[]",
        b'{"client_id":"a1","protocol_version":1}',
        b'{"client_id":"a1","protocol_version":1,"cursors":{"c":"x"}}',
    ],
)
def test_malformed_requests_are_invalid(data: bytes) -> None:
    with pytest.raises(SyncRefused) as refused:
        decode_pull(data)
    assert refused.value.code is Code.INVALID


def test_a_request_round_trips() -> None:
    request = push_request("a1", update(1, {"title": "a"}, {"title": None}))
    decoded = decode_push(encode(request))
    assert decoded == request
    assert decoded.mutations[0].patch == {"title": None}
    assert decoded.protocol_version == PROTOCOL_VERSION
