"""The service worker shows "a conflict waits" (pushed to the user whose change lost a merge) in
the user's language, naming the dossier, with the conflicts screen as what its click opens."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import Demo, notifications_after_push, sign_in


def test_a_conflict_push_names_the_dossier_and_opens_the_conflicts(
    push_page: Page, demo: Demo
) -> None:
    sign_in(push_page, demo)
    payload = {
        "type": "conflict_waiting",
        "conflictId": "conflict-1",
        "customerId": "cust-1",
        "title": "ACME Ltd",
    }
    shown = notifications_after_push(push_page, demo, payload)
    assert shown == [
        {
            "title": "A conflict waits for you",
            "body": "ACME Ltd",
            "tag": "conflict:cust-1",
            "url": "/conflicts",
        }
    ]
