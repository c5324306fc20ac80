"""Push notifications in the PWA (headless Chromium): enabling them in the settings registers this
browser as a device (the browser's own ``pushManager.subscribe`` cannot reach a push service here,
so it is replaced by one answering a real key pair), the device list removes it again, and the
service worker shows a push delivered through the DevTools protocol in the user's language."""

from __future__ import annotations

import base64
import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Demo, notifications_after_push, sign_in


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_enable_push_list_the_device_and_remove_it(push_page: Page, demo: Demo) -> None:
    page = push_page
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    subscription = {
        "endpoint": "https://push.example.com/send/e2e-device",
        "keys": {"p256dh": _b64url(point), "auth": _b64url(os.urandom(16))},
    }
    page.add_init_script(
        f"""PushManager.prototype.subscribe = async function (options) {{
              window.__subscribedWith = options.applicationServerKey.byteLength;
              return {{ toJSON: () => ({json.dumps(subscription)}) }};
            }};"""
    )
    sign_in(page, demo)
    page.locator("dossier-app nav a", has_text="Settings").click()
    settings = page.locator("settings-screen")
    expect(settings).to_contain_text("No device receives notifications yet.")
    settings.get_by_role("button", name="Notify me on this device").click()
    expect(settings.locator(".devices li")).to_have_count(1)
    expect(settings.locator(".devices li")).to_contain_text("This browser")
    assert page.evaluate("window.__subscribedWith") == 65, "subscribed with the VAPID key's bytes"
    settings.get_by_role("button", name="Remove This browser").click()
    expect(settings.locator(".devices li")).to_have_count(0)
    expect(settings).to_contain_text("No device receives notifications yet.")


def test_the_service_worker_shows_a_push_and_its_document_link(push_page: Page, demo: Demo) -> None:
    sign_in(push_page, demo)
    payload = {
        "type": "document_created",
        "documentId": "doc-1",
        "customerId": "cust-1",
        "title": "Invoice 4711",
    }
    shown = notifications_after_push(push_page, demo, payload)
    assert shown == [
        {
            "title": "New document",
            "body": "Invoice 4711",
            "tag": "document:doc-1",
            "url": "/documents/doc-1",
        }
    ]
