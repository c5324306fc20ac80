"""The push service and SMTP server stand-ins refuse what real ones refuse (no database)."""

from __future__ import annotations

import json
import ssl
import time
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush_async

from tests.push_service import PushService, verify_vapid
from tests.smtp_server import SmtpServer


def _subscription(service: PushService, name: str) -> dict[str, object]:
    device = service.browser(name)
    return {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth_b64}}


async def test_a_signed_encrypted_push_is_decrypted_and_a_bad_one_refused() -> None:
    service = await PushService.start()
    try:
        key = Vapid02()
        key.generate_keys()
        sub = _subscription(service, "phone")
        await webpush_async(
            sub,
            json.dumps({"hello": "world"}),
            vapid_private_key=key,
            vapid_claims={"sub": "mailto:ops@example.com"},
            ttl=60,
            headers={"Urgency": "high"},
        )
        [got] = service.received["phone"]
        assert (got.payload, got.ttl, got.urgency) == ({"hello": "world"}, 60, "high")

        with pytest.raises(WebPushException) as refused:  # no Urgency header
            await webpush_async(
                sub, "x", vapid_private_key=key, vapid_claims={"sub": "mailto:ops@example.com"}
            )
        assert refused.value.response is not None
        assert refused.value.response.status == 400
        with pytest.raises(WebPushException):  # another audience
            await webpush_async(
                sub,
                "x",
                vapid_private_key=key,
                vapid_claims={"sub": "mailto:ops@example.com", "aud": "https://evil.example"},
                headers={"Urgency": "low"},
            )
        service.answer("phone", 410)
        with pytest.raises(WebPushException) as gone:
            await webpush_async(
                sub,
                "x",
                vapid_private_key=key,
                vapid_claims={"sub": "mailto:ops@example.com"},
                headers={"Urgency": "low"},
            )
        assert gone.value.response is not None
        assert gone.value.response.status == 410
        assert len(service.received["phone"]) == 1
    finally:
        await service.stop()


def test_vapid_expiry_beyond_a_day_is_refused() -> None:
    key = Vapid02()
    key.generate_keys()
    header = key.sign(
        {"sub": "mailto:a@example.com", "aud": "http://x", "exp": int(time.time()) + 90000}
    )["Authorization"]
    with pytest.raises(Exception, match="24 hours"):
        verify_vapid(header, "http://x", time.time())


async def test_smtp_requires_starttls_and_a_password(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path).start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "Hi"
        message.set_content("hello")
        tls = ssl.create_default_context(cafile=str(server.ca_file))
        with pytest.raises(aiosmtplib.SMTPAuthenticationError):
            await aiosmtplib.send(
                message,
                hostname=server.host,
                port=server.port,
                start_tls=True,
                username=server.user,
                password="wrong",
                tls_context=tls,
                timeout=10,
            )
        await aiosmtplib.send(
            message,
            hostname=server.host,
            port=server.port,
            start_tls=True,
            username=server.user,
            password=server.password,
            tls_context=tls,
            timeout=10,
        )
        [received] = server.messages()
        assert received["Subject"] == "Hi"
        assert server.failed_logins >= 1  # the client tries each mechanism offered
    finally:
        server.stop()
