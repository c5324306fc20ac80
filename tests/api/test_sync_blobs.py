"""``PUT /sync/blobs/{sha256}``: resumable chunks, resuming after an interruption, hash
verification, idempotence, bad ranges, limits, authentication and tenants (both engines)."""

from __future__ import annotations

import asyncio
import hashlib
import os

import httpx
import pytest

from backend.persistence.scope import tenant_scope
from backend.runtime import Runtime
from tests.api.conftest import Api, browser, sign_in
from tests.factories import make_tenant_context, runtime_with


def blob(size: int = 10_000) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


async def send(
    api: Api, digest: str, data: bytes, start: int | None = None, total: int | None = None
) -> httpx.Response:
    headers = {"X-CSRF-Token": api.csrf}
    if start is not None:
        last = start + len(data) - 1
        headers["Content-Range"] = f"bytes {start}-{last}/{total}"
    return await api.client.put(f"/sync/blobs/{digest}", content=data, headers=headers)


async def stored(api: Api, digest: str) -> bool:
    return await api.ctx.runtime.blobs.exists(api.ctx.tenant.id, digest)


async def uploads_held(api: Api) -> int:
    """Rows of uploads in progress (and their chunks) the tenant has."""
    with tenant_scope(api.ctx.tenant.id):
        rows = await api.ctx.runtime.database.fetch(
            "SELECT (SELECT COUNT(*) FROM blob_upload WHERE tenant = {}) "
            "+ (SELECT COUNT(*) FROM blob_upload_chunk WHERE tenant = {}) AS n",
            api.ctx.tenant.id,
            api.ctx.tenant.id,
        )
    return int(rows[0]["n"])


async def test_a_whole_blob_in_one_request_is_stored_and_idempotent(api: Api) -> None:
    data, digest = blob()
    first = await send(api, digest, data)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "sha256": digest,
        "size": len(data),
        "received": len(data),
        "complete": True,
    }
    assert await stored(api, digest)
    again = await send(api, digest, data)
    assert again.status_code == 200
    assert again.json()["complete"] is True
    status = await api.client.get(f"/sync/blobs/{digest}")
    assert status.json()["complete"] is True


async def test_chunks_accumulate_and_the_last_one_stores_the_blob(api: Api) -> None:
    data, digest = blob(10_000)
    r1 = await send(api, digest, data[:4000], 0, len(data))
    assert (r1.status_code, r1.json()["received"], r1.headers["Upload-Offset"]) == (
        202,
        4000,
        "4000",
    )
    assert not await stored(api, digest)
    r2 = await send(api, digest, data[4000:8000], 4000, len(data))
    assert (r2.status_code, r2.json()["received"]) == (202, 8000)
    r3 = await send(api, digest, data[8000:], 8000, len(data))
    assert r3.status_code == 200, r3.text
    assert r3.json()["complete"] is True
    assert await api.ctx.runtime.blobs.get(api.ctx.tenant.id, digest) == data
    assert await uploads_held(api) == 0, "the chunks left the database with the blob"


async def test_an_interrupted_upload_resumes_from_the_offset_the_server_gives(api: Api) -> None:
    data, digest = blob(9_000)
    await send(api, digest, data[:3000], 0, len(data))
    # The answer to the second chunk was lost: the client does not know whether it arrived.
    await send(api, digest, data[3000:6000], 3000, len(data))
    head = await api.client.head(f"/sync/blobs/{digest}")
    assert head.status_code == 200
    assert (head.headers["Upload-Offset"], head.headers["Upload-Length"]) == ("6000", "9000")
    # Sending it again changes nothing; a chunk past the offset is refused with where to resume.
    again = await send(api, digest, data[3000:6000], 3000, len(data))
    assert (again.status_code, again.json()["received"]) == (202, 6000)
    ahead = await send(api, digest, data[7000:], 7000, len(data))
    assert ahead.status_code == 409
    assert ahead.json()["error"]["code"] == "upload_offset_mismatch"
    assert (ahead.json()["error"]["received"], ahead.headers["Upload-Offset"]) == (6000, "6000")
    # A chunk overlapping what is held adds only its new bytes.
    done = await send(api, digest, data[5000:], 5000, len(data))
    assert done.status_code == 200, done.text
    assert await api.ctx.runtime.blobs.get(api.ctx.tenant.id, digest) == data


async def test_content_that_is_not_the_named_hash_is_discarded(api: Api) -> None:
    data, digest = blob(6_000)
    forged = data[:3000] + bytes(3000)
    await send(api, digest, forged[:3000], 0, len(forged))
    wrong = await send(api, digest, forged[3000:], 3000, len(forged))
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "hash_mismatch"
    assert not await stored(api, digest)
    assert await uploads_held(api) == 0
    assert (await api.client.get(f"/sync/blobs/{digest}")).status_code == 404
    whole = await send(api, digest, forged)
    assert whole.json()["error"]["code"] == "hash_mismatch"
    assert not await stored(api, digest)
    # The right bytes are taken afterwards, from the start.
    assert (await send(api, digest, data)).status_code == 200


@pytest.mark.parametrize(
    ("content_range", "body", "code"),
    [
        ("bytes=0-9/100", b"x" * 10, "invalid_range"),
        ("bytes 9-0/100", b"x" * 10, "invalid_range"),
        ("bytes 0-9/5", b"x" * 10, "invalid_range"),
        ("bytes 0-9/100", b"x" * 11, "invalid_range"),
        ("items 0-9/100", b"x" * 10, "invalid_range"),
        (None, b"", "invalid_range"),
    ],
)
async def test_bad_ranges_are_refused_with_a_stable_code(
    api: Api, content_range: str | None, body: bytes, code: str
) -> None:
    _, digest = blob(100)
    headers = {"X-CSRF-Token": api.csrf}
    if content_range is not None:
        headers["Content-Range"] = content_range
    response = await api.client.put(f"/sync/blobs/{digest}", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert await uploads_held(api) == 0


async def test_a_chunk_naming_another_total_or_an_unknown_hash_is_refused(api: Api) -> None:
    data, digest = blob(1000)
    await send(api, digest, data[:500], 0, 1000)
    other = await send(api, digest, data[500:], 500, 2000)
    assert (other.status_code, other.json()["error"]["code"]) == (422, "invalid_range")
    assert (await api.client.get(f"/sync/blobs/{digest}")).json()["received"] == 500
    bad = await api.client.put(
        "/sync/blobs/not-a-hash", content=b"abc", headers={"X-CSRF-Token": api.csrf}
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid")
    assert (await api.client.get(f"/sync/blobs/{'0' * 64}")).status_code == 404


async def test_an_upload_above_the_limit_is_refused_before_anything_is_kept(
    runtime: Runtime,
) -> None:
    small = runtime_with(runtime, max_upload_bytes=1000)
    async with browser(small) as client:
        api = await sign_in(client, await make_tenant_context(small))
        data, digest = blob(2000)
        response = await send(api, digest, data[:500], 0, 2000)
        assert (response.status_code, response.json()["error"]["code"]) == (
            413,
            "upload_too_large",
        )
        assert await uploads_held(api) == 0


async def test_two_devices_uploading_the_same_blob_at_once_store_it_once(
    api: Api, runtime: Runtime
) -> None:
    data, digest = blob(40_000)
    async with browser(runtime) as other_client:
        other = await sign_in(other_client, api.ctx)

        async def upload(who: Api) -> list[int]:
            codes = []
            for start in range(0, len(data), 8000):
                r = await send(who, digest, data[start : start + 8000], start, len(data))
                codes.append(r.status_code)
            return codes

        first, second = await asyncio.gather(upload(api), upload(other))
    assert first[-1] == 200
    assert second[-1] == 200
    assert set(first + second) <= {200, 202}
    assert await api.ctx.runtime.blobs.get(api.ctx.tenant.id, digest) == data
    assert await uploads_held(api) == 0


async def test_uploads_need_a_signed_in_writer_and_stay_in_their_tenant(
    api: Api, runtime: Runtime
) -> None:
    data, digest = blob(1000)
    async with browser(runtime) as nobody:
        anonymous = await nobody.put(f"/sync/blobs/{digest}", content=data)
        assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (
            401,
            "unauthenticated",
        )
        assert (await nobody.get(f"/sync/blobs/{digest}")).status_code == 401
    no_csrf = await api.client.put(f"/sync/blobs/{digest}", content=data)
    assert (no_csrf.status_code, no_csrf.json()["error"]["code"]) == (403, "csrf_failed")
    await send(api, digest, data[:400], 0, 1000)
    async with browser(runtime) as client:
        viewer = await sign_in(client, api.ctx, role="viewer")
        refused = await send(viewer, digest, data)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    async with browser(runtime) as client:
        stranger = await sign_in(client, await make_tenant_context(runtime))
        assert (await stranger.client.get(f"/sync/blobs/{digest}")).status_code == 404
        # The other tenant's upload of the same content is its own, from byte 0.
        theirs = await send(stranger, digest, data[400:], 400, 1000)
        assert theirs.status_code == 409
        assert (await send(stranger, digest, data)).status_code == 200
        assert not await stored(api, digest)
    assert (await api.client.get(f"/sync/blobs/{digest}")).json()["received"] == 400
