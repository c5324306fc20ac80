"""A fan-out's pushes go out as one batch job: sent together, logged in bulk, each failure
retried on its own, access checked again at send time, never twice (both engines)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal

import pytest

from backend.access.policy import Principal, ScopeKind
from backend.jobs.models import Job, JobFailed, JobState
from backend.notifications import sealing_pool
from backend.notifications.events import DELIVER_JOB, DOCUMENT_JOB, SEND_JOB
from backend.notifications.reading import Reader
from backend.notifications.wiring import notification_jobs
from backend.persistence.scope import tenant_scope
from tests.notifications.conftest import Stand
from tests.smtp_server import SmtpServer


async def _jobs_of(stand: Stand, kind: str) -> list[dict[str, object]]:
    with tenant_scope(stand.ctx.tenant.id):
        return await stand.runtime.database.fetch(
            "SELECT payload, state, attempts, last_error FROM job WHERE tenant = {} AND kind = {}",
            stand.ctx.tenant.id,
            kind,
        )


def _job(stand: Stand, kind: str, payload: dict[str, object]) -> Job:
    return Job(
        id="replay",
        tenant_id=stand.ctx.tenant.id,
        kind=kind,
        payload=payload,
        state=JobState.RUNNING,
        attempts=2,
        max_attempts=8,
        run_after=stand.clock(),
        lease_until=None,
        locked_by=None,
        last_error=None,
        created_at=stand.clock(),
        finished_at=None,
    )


async def _fan_out_only(stand: Stand) -> None:
    """Run the fan-out as a worker does that stops right after recording the deliveries: the
    batch is left to its ``notify.send`` job."""
    jobs = notification_jobs(stand.runtime, send_at_fan_out=False)
    worker = stand.runtime.worker({DOCUMENT_JOB: jobs.fan_out.handle_document})
    while await worker.run_once() is not None:
        pass


async def test_one_fan_out_is_one_send_job_for_the_pushes_and_one_for_the_mails(
    stand: Stand,
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    names = []
    for i in range(6):
        user, _ = await ctx.user("sales", email=f"rep{i}@example.com")
        for device in ("phone", "tablet"):
            await stand.device(user, f"{device}-{i}")
            names.append(f"{device}-{i}")
        channels = ["push", "email"] if i % 2 else ["push"]
        await stand.subscribe(
            user, target_kind="customer", target_id=customer.id, channels=channels
        )
    document = await ctx.document(customer)
    await stand.drain()

    for name in names:
        assert [p["documentId"] for p in stand.push.payloads(name)] == [document.id]
    sends = await _jobs_of(stand, SEND_JOB)
    sizes = sorted(len(json.loads(str(s["payload"]))["deliveries"]) for s in sends)
    assert sizes == [3, 12], "the 12 pushes, then the 3 mails"
    assert {s["state"] for s in sends} == {"done"}
    assert await _jobs_of(stand, DELIVER_JOB) == [], "no job per delivery"
    states = [(d["channel"], d["state"], d["attempts"]) for d in await stand.deliveries()]
    assert sorted(states) == [("email", "sent", 1)] * 3 + [("push", "sent", 1)] * 12
    assert stand.push.refusals == []


async def test_the_fan_out_sends_the_batch_due_now_itself_and_nothing_twice(
    stand: Stand,
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    for i in range(3):
        rep, _ = await ctx.user("sales", email=f"rep{i}@example.com")
        await stand.device(rep, f"phone-{i}")
        await stand.subscribe(
            rep, target_kind="customer", target_id=customer.id, channels=["push", "email"]
        )
    document = await ctx.document(customer)
    jobs = notification_jobs(stand.runtime)
    fan_out = stand.runtime.worker({DOCUMENT_JOB: jobs.fan_out.handle_document})
    assert await fan_out.run_once() is not None
    assert await fan_out.run_once() is None, "the send job is not left for any worker"

    for i in range(3):
        assert [p["documentId"] for p in stand.push.payloads(f"phone-{i}")] == [document.id]
    sends = await _jobs_of(stand, SEND_JOB)
    assert [(s["state"], s["attempts"]) for s in sends] == [("done", 1)] * 2, "pushes, mails"
    states = sorted((d["channel"], d["state"], d["attempts"]) for d in await stand.deliveries())
    assert states == [("email", "sent", 1)] * 3 + [("push", "sent", 1)] * 3
    assert await stand.drain() == 0
    assert stand.push.attempts == {f"phone-{i}": 1 for i in range(3)}


async def test_the_pushes_leave_before_the_other_subscribers_are_read(
    stand: Stand, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    pushed, mailed = set(), set()
    for i, channels in enumerate([["push"], ["push", "email"], ["email"], ["email"]]):
        rep, _ = await ctx.user("sales", email=f"rep{i}@example.com")
        if "push" in channels:
            await stand.device(rep, f"phone-{i}")
            pushed.add(rep.id)
        else:
            mailed.add(rep.id)
        await stand.subscribe(rep, target_kind="customer", target_id=customer.id, channels=channels)
    reads: list[tuple[set[str], int]] = []
    principals = Reader.principals

    async def spy(
        reader: Reader, tenant_id: str, user_ids: list[str], now: dt.datetime
    ) -> dict[str, Principal]:
        arrived = sum(len(r) for r in stand.push.received.values())
        reads.append((set(user_ids), arrived))
        return await principals(reader, tenant_id, user_ids, now)

    monkeypatch.setattr(Reader, "principals", spy)
    await ctx.document(customer)
    jobs = notification_jobs(stand.runtime)
    assert await stand.runtime.worker({DOCUMENT_JOB: jobs.fan_out.handle_document}).run_once()

    assert reads == [(pushed, 0), (mailed, 2)], "push subscribers first, the rest after the pushes"
    states = sorted((d["channel"], d["state"]) for d in await stand.deliveries())
    assert states == [("email", "sent")] * 3 + [("push", "sent")] * 2


async def test_a_fan_out_whose_worker_dies_mid_send_leaves_its_batch_to_another(
    stand: Stand, smtp: SmtpServer
) -> None:
    """The batch a fan-out sends itself is a job held by its worker: when that worker dies with
    pushes in flight, another worker takes the job once the lease has run out and sends what
    was not logged as sent; each delivery is logged once."""
    ctx = stand.ctx
    customer = await ctx.customer()
    names = ["fast", "slow"]
    for name in names:
        rep, _ = await ctx.user("sales", email=f"{name}@example.com")
        await stand.device(rep, name)
        await stand.subscribe(
            rep, target_kind="customer", target_id=customer.id, channels=["push", "email"]
        )
    slow = stand.push.stall("slow")
    document = await ctx.document(customer)
    dying = asyncio.create_task(stand.drain())
    await stand.push.wait_until(
        lambda: bool(stand.push.attempts.get("slow") and stand.push.payloads("fast"))
    )
    dying.cancel()  # the worker dies with the slow push unanswered and nothing logged yet
    with contextlib.suppress(asyncio.CancelledError):
        await dying
    [send] = await _jobs_of(stand, SEND_JOB)
    assert send["state"] == "running", "the pushes' batch, held by the dead worker"
    assert await stand.drain() == 0, "not another's while the lease holds"
    assert len(smtp.messages()) == 0

    slow.set()
    stand.clock.advance(seconds=61)
    await stand.drain()
    for name in names:
        # Unlogged when the worker died, so sent again: at least once, at most twice.
        assert {p["documentId"] for p in stand.push.payloads(name)} == {document.id}
        assert 1 <= len(stand.push.payloads(name)) <= 2
    assert stand.push.attempts["fast"] == 2
    sends = sorted((s["state"], s["attempts"]) for s in await _jobs_of(stand, SEND_JOB))
    assert sends == [("done", 1), ("done", 2)], "the mails recorded by the fan-out's rerun"
    states = sorted((d["channel"], d["state"], d["attempts"]) for d in await stand.deliveries())
    assert states == [("email", "sent", 1)] * 2 + [("push", "sent", 1)] * 2
    assert len(smtp.messages()) == 2
    assert await stand.drain() == 0


async def test_running_a_send_job_again_sends_nothing_twice(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "phone")
    await stand.subscribe(
        rep, target_kind="customer", target_id=customer.id, channels=["push", "email"]
    )
    await ctx.document(customer)
    await stand.drain()
    for send in await _jobs_of(stand, SEND_JOB):
        payload = json.loads(str(send["payload"]))
        with tenant_scope(ctx.tenant.id):
            sending = notification_jobs(stand.runtime).sending
            await sending.handle_send(_job(stand, SEND_JOB, payload))
    assert len(stand.push.payloads("phone")) == 1
    assert stand.push.attempts == {"phone": 1}


async def test_failed_pushes_are_retried_one_by_one_and_gone_devices_removed(
    stand: Stand,
) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    rep, _ = await ctx.user("sales")
    await stand.device(rep, "fine")
    await stand.device(rep, "busy")
    await stand.device(rep, "dead")
    await stand.device(rep, "broken")
    await stand.subscribe(rep, target_kind="customer", target_id=customer.id)
    stand.push.answer("busy", 429)
    stand.push.answer("dead", 410)
    stand.push.answer("broken", 500)
    await ctx.document(customer)
    await stand.drain()

    assert len(stand.push.payloads("fine")) == 1
    log = {str(d["dedupe_key"]).rsplit(":", 1)[1]: d for d in await stand.deliveries()}
    devices = await ctx.runtime.services().notifications.devices(await ctx.principal_of(rep))
    by_name = {d.name: d.id for d in devices}
    assert sorted(by_name) == ["broken", "busy", "fine"], "the dead device is removed"
    assert log[by_name["fine"]]["state"] == "sent"
    for name, status in (("busy", "429"), ("broken", "500")):
        row = log[by_name[name]]
        assert (row["state"], row["attempts"]) == ("pending", 1)
        assert status in str(row["last_error"])
    [dropped] = [d for d in log.values() if d["state"] == "dropped"]
    assert dropped["last_error"] == "gone: 410"
    retries = await _jobs_of(stand, DELIVER_JOB)
    assert len(retries) == 2, "one retry job per failed push"

    stand.push.answer("busy", None)
    stand.push.answer("broken", None)
    stand.clock.advance(seconds=10)
    await stand.drain()
    assert len(stand.push.payloads("busy")) == 1
    assert len(stand.push.payloads("broken")) == 1
    assert len(stand.push.payloads("fine")) == 1, "the batch is not sent again"
    log = {str(d["dedupe_key"]).rsplit(":", 1)[1]: d for d in await stand.deliveries()}
    for name in ("busy", "broken"):
        assert (log[by_name[name]]["state"], log[by_name[name]]["attempts"]) == ("sent", 2)


async def test_access_is_checked_again_when_the_batch_is_sent(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    keeps, _ = await ctx.user("sales")
    loses, _ = await ctx.user("none")
    grant = await ctx.grant(loses, "viewer", ScopeKind.CUSTOMER, customer.id)
    for user, name in ((keeps, "keeps"), (loses, "loses")):
        await stand.device(user, f"{name}-phone")
        await stand.device(user, f"{name}-tablet")
        await stand.subscribe(user, target_kind="customer", target_id=customer.id)
    await ctx.document(customer)
    await _fan_out_only(stand)
    assert len(await stand.deliveries()) == 4, "both users could read it at the fan-out"
    await ctx.runtime.services().access.revoke(ctx.principal, grant.id)
    await stand.drain()

    assert len(stand.push.payloads("keeps-phone")) == 1
    assert len(stand.push.payloads("keeps-tablet")) == 1
    assert stand.push.attempts.get("loses-phone") is None
    assert stand.push.attempts.get("loses-tablet") is None
    states = sorted((str(d["state"]), str(d["last_error"])) for d in await stand.deliveries())
    assert states == [("dropped", "no_access")] * 2 + [("sent", "None")] * 2


async def test_pushes_in_quiet_hours_wait_in_a_batch_of_their_own(stand: Stand) -> None:
    ctx = stand.ctx
    customer = await ctx.customer()
    awake, _ = await ctx.user("sales")
    asleep, _ = await ctx.user("sales")
    await stand.device(awake, "awake")
    await stand.device(asleep, "asleep")
    for user in (awake, asleep):
        await stand.subscribe(user, target_kind="customer", target_id=customer.id)
    await ctx.runtime.services().notifications.set_preferences(
        await ctx.principal_of(asleep), "America/New_York", "22:00", "07:00", None
    )
    # 2030-01-15 04:00 UTC is 23:00 in New York: quiet until 07:00 there, 12:00 UTC.
    stand.clock.now = dt.datetime(2030, 1, 15, 4, 0, tzinfo=dt.UTC)
    await ctx.document(customer)
    await stand.drain()
    assert len(stand.push.payloads("awake")) == 1
    assert stand.push.payloads("asleep") == []
    assert len(await _jobs_of(stand, SEND_JOB)) == 2
    stand.clock.now = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
    await stand.drain()
    assert len(stand.push.payloads("asleep")) == 1
    assert len(stand.push.payloads("awake")) == 1


async def test_a_send_job_with_a_bad_payload_fails_at_once_and_touches_nothing(
    stand: Stand,
) -> None:
    sending = notification_jobs(stand.runtime).sending
    with tenant_scope(stand.ctx.tenant.id):
        for payload in ({}, {"deliveries": "abc"}, {"deliveries": [1, 2]}, {"deliveries": ["x"]}):
            with pytest.raises(JobFailed) as failed:
                await sending.handle_send(_job(stand, SEND_JOB, payload))
            assert failed.value.permanent
            assert failed.value.reason.startswith("invalid_payload")
        # Unknown (or another tenant's) ids: nothing to send, nothing written.
        unknown = "0b7a1f52-3c1e-4f7e-9a53-6f1d2c3b4a59"
        await sending.handle_send(_job(stand, SEND_JOB, {"deliveries": [unknown]}))
    assert await stand.deliveries() == []


async def test_a_sealing_process_that_died_loses_no_push(stand: Stand) -> None:
    """A sealing process killed (out of memory, an operator) breaks the pool: that batch is
    sealed in the sending process instead, and the next batch gets a fresh pool."""
    ctx = stand.ctx
    customer = await ctx.customer()
    user, _ = await ctx.user("sales", email="rep@example.com")
    await stand.device(user, "phone")
    await stand.subscribe(user, target_kind="customer", target_id=customer.id, channels=["push"])
    await sealing_pool.warm()
    broken = sealing_pool.sealing_pool()
    for pid in await asyncio.gather(
        *(asyncio.get_running_loop().run_in_executor(broken, os.getpid) for _ in range(3))
    ):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    first = await ctx.document(customer)
    await stand.drain()
    second = await ctx.document(customer)
    await stand.drain()

    assert [p["documentId"] for p in stand.push.payloads("phone")] == [first.id, second.id]
    assert sealing_pool.sealing_pool() is not broken
    states = [(d["state"], d["attempts"]) for d in await stand.deliveries()]
    assert states == [("sent", 1)] * 2
