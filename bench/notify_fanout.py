"""Measure: one new document fanned out to push and e-mail subscribers through the outbox.

A: the pure cost of what every push needs, for each push subscriber: aes128gcm encryption
(pywebpush) and a VAPID signature, one after the other in one thread.
B: from the upload's commit until the local push receiver (a process of its own, as a push service
is elsewhere) has every push, with ``workers`` job
workers claiming the fan-out job and the batch job it queues (which sends the pushes, then the
e-mails to the outbox folder). The server's sealing processes are running, as they are once it has
sent a push (they start with the first batch and stay). The budget asks B ≤ 1.5 × A: network and
database work should overlap the cryptography, not add to it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPusher

from backend.documents.models import DocumentDraft, NewContent
from backend.http.app import freeze_startup_objects
from backend.notifications.keys import b64url
from backend.notifications.models import DeviceDraft, SubscriptionDraft
from backend.notifications.sealing_pool import warm as warm_sealing
from backend.notifications.wiring import notification_handlers
from backend.runtime import Runtime
from bench.catalog import _principal, make_catalog, make_customer
from bench.push_receiver import Receiver, start_receiver

__all__ = ["NotifyResult", "format_notify_table", "run_notify_benchmark"]

BUDGET = 1.5
PAYLOAD = b'{"type":"document_created","documentId":"x","customerId":"y","title":"Invoice 4711"}'


@dataclass(frozen=True, slots=True)
class NotifyResult:
    engine: str
    push_subscribers: int
    mail_subscribers: int
    workers: int
    crypto_seconds: float
    delivery_seconds: float
    load_average: float
    """The machine's one-minute load average when B ended (other work shares the cores)."""

    @property
    def ratio(self) -> float:
        return self.delivery_seconds / self.crypto_seconds


def _browser_keys() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point), b64url(b"0123456789abcdef")


def _crypto_seconds(devices: list[dict[str, object]]) -> float:
    vapid = Vapid02()
    vapid.generate_keys()
    started = time.perf_counter()
    for device in devices:
        WebPusher(device).encode(PAYLOAD, "aes128gcm")
        vapid.sign({"sub": "mailto:bench@example.com", "aud": "http://127.0.0.1", "exp": 2**31})
    return time.perf_counter() - started


async def run_notify_benchmark(
    runtime: Runtime, *, engine: str, push: int = 1000, mail: int = 1000, workers: int = 4
) -> NotifyResult:
    receiver = await asyncio.get_running_loop().run_in_executor(None, start_receiver)
    with tempfile.TemporaryDirectory(prefix="dossier-mail-") as folder:
        runtime = dataclasses.replace(
            runtime, settings=dataclasses.replace(runtime.settings, data_dir=Path(folder))
        )
        try:
            return await _measure(runtime, receiver, engine, push, mail, workers)
        finally:
            receiver.stop()


async def _measure(
    runtime: Runtime, receiver: Receiver, engine: str, push: int, mail: int, workers: int
) -> NotifyResult:
    catalog = await make_catalog(runtime, users=1)
    customer_id = await make_customer(runtime, catalog, 1)
    services = runtime.services()
    devices: list[dict[str, object]] = []
    for i in range(push + mail):
        user = await services.accounts.create_user(
            catalog.tenant.id, f"subscriber{i}@example.com", f"Subscriber {i}", "viewer", None
        )
        principal = _principal(user)
        channel = "push" if i < push else "email"
        if channel == "push":
            p256dh, auth = _browser_keys()
            endpoint = f"{receiver.origin}/push/{i}"
            await services.notifications.register_device(
                principal, DeviceDraft(endpoint, p256dh, auth, f"Phone {i}")
            )
            devices.append({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}})
        await services.notifications.subscribe(
            principal, SubscriptionDraft("customer", customer_id, channels=[channel])
        )
    crypto = _crypto_seconds(devices)
    await warm_sealing()  # as in a server that has sent before: its sealing processes run
    receiver.expect(push)
    handlers = notification_handlers(runtime)
    stop = asyncio.Event()
    await services.documents.upload(
        catalog.principal,
        DocumentDraft(
            customer_id=customer_id,
            document_type_id=catalog.types["letter"].id,
            title="Invoice 4711",
            document_date=None,
            index_values={},
            register_ids=None,
            content=NewContent(filename="invoice.pdf", data=b"%PDF-1.4\n%%EOF\n"),
        ),
    )
    # As the server does after start-up (backend.http.app.freeze_startup_objects): what the
    # set-up made (and an earlier engine's run left) is out of the collector's sight, so B is
    # this fan-out's own cost, not a scan of the benchmark's heap.
    freeze_startup_objects()
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(runtime.worker(handlers).run_forever(stop)) for _ in range(workers)
    ]
    try:
        await receiver.all_in(600)
        delivery = time.perf_counter() - started
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    return NotifyResult(engine, push, mail, workers, crypto, delivery, os.getloadavg()[0])


def format_notify_table(results: list[NotifyResult]) -> str:
    head = (
        "engine    push + mail subscribers   workers   A encrypt+sign   B delivered   B/A    load"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        verdict = "PASS" if r.ratio <= BUDGET else "FAIL"
        lines.append(
            f"{r.engine:<8}  {r.push_subscribers:>6} + {r.mail_subscribers:<6}          "
            f"{r.workers:>5}   {r.crypto_seconds:12.2f} s   {r.delivery_seconds:9.2f} s   "
            f"{r.ratio:5.1f}×  {r.load_average:4.1f}  {verdict} (≤ {BUDGET}×)"
        )
    return "\n".join(lines)
