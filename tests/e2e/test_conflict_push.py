"""The service worker shows "a conflict waits" (pushed to the user whose change lost a merge) in
the user's language, naming the dossier, with the conflicts screen as what its click opens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Demo, new_context, service_worker_ready, sign_in

SHOWN = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
  .map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url}))"""


@pytest.fixture
def push_page(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = new_context(browser, demo, "desktop")
    context.grant_permissions(["notifications"])
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_a_conflict_push_names_the_dossier_and_opens_the_conflicts(
    push_page: Page, demo: Demo
) -> None:
    page = push_page
    sign_in(page, demo)
    service_worker_ready(page)
    cdp = page.context.new_cdp_session(page)
    registrations: dict[str, bool] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.update(
            (r["registrationId"], not r["isDeleted"]) for r in event["registrations"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    live = [rid for rid, alive in registrations.items() if alive]
    assert live, "the service worker is registered"
    payload = {
        "type": "conflict_waiting",
        "conflictId": "conflict-1",
        "customerId": "cust-1",
        "title": "ACME Ltd",
    }
    shown: list[dict[str, Any]] = []
    # A worker still starting may drop a push, as a push service may deliver again: deliver
    # until it shows (the tag makes a repeat replace, not add).
    for _ in range(5):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": demo.base_url, "registrationId": live[-1], "data": json.dumps(payload)},
        )
        for _ in range(20):
            shown = page.evaluate(SHOWN)
            if shown:
                break
            page.wait_for_timeout(100)
        if shown:
            break
    assert shown == [
        {
            "title": "A conflict waits for you",
            "body": "ACME Ltd",
            "tag": "conflict:cust-1",
            "url": "/conflicts",
        }
    ]
