"""Following a dossier in one tap and hearing of a colleague's upload in the app (headless
Chromium): the bell on the dossier's header subscribes, a document another user uploads shows
as the top bar's unread count and as a row of the notification list, which opens it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import Demo, new_context, screenshot, sign_in
from tests.factories import pdf_bytes

CLERK_EMAIL = "joerg.mueller@demo.example"
UPLOAD = """mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) {
  __typename ... on Document { id title } ... on Error { code message } } }"""

#: The documents of the signed-in user's notifications.
_LISTED = """async () => {
  const csrf = (await (await fetch("/auth/session")).json()).csrfToken;
  const r = await fetch("/graphql", {method: "POST",
    headers: {"content-type": "application/json", "x-csrf-token": csrf},
    body: JSON.stringify({query: "{ notifications(first: 100) { ... on NotificationList { items { documentId } } } }"})});
  return (await r.json()).data.notifications.items.map((i) => i.documentId);
}"""

#: What the signed-in user's subscriptions and delivery log say, for a failure's message.
_LOG = """async () => {
  const csrf = (await (await fetch("/auth/session")).json()).csrfToken;
  const r = await fetch("/graphql", {method: "POST",
    headers: {"content-type": "application/json", "x-csrf-token": csrf},
    body: JSON.stringify({query: "{ notificationSubscriptions { targetKind channels } "
      + "notificationDeliveries { channel state lastError } unreadNotificationCount }"})});
  return JSON.stringify(await r.json());
}"""


@pytest.fixture
def desktop(browser: Browser, demo: Demo) -> Iterator[Page]:
    context = new_context(browser, demo, "desktop")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _upload_as_clerk(playwright: Playwright, demo: Demo, title: str) -> str:
    """Another user files a PDF into the dossier through the API, as the PWA's upload does."""
    api = playwright.request.new_context(base_url=demo.base_url)
    try:
        login = api.post(
            "/auth/login",
            data={"email": CLERK_EMAIL, "password": "demo-password", "tenant": "demo"},
        )
        assert login.ok, login.text()
        csrf = {"x-csrf-token": login.json()["csrfToken"]}
        types = api.post(
            "/graphql",
            data={"query": "{ documentTypes { id fields { required } } }"},
            headers=csrf,
        ).json()["data"]["documentTypes"]
        # A type without required index fields: the upload needs nothing but the file.
        free = next(t["id"] for t in types if not any(f["required"] for f in t["fields"]))
        variables = {
            "input": {
                "customerId": demo.customer_id,
                "documentTypeId": free,
                "title": title,
                "file": None,
            }
        }
        answer = api.post(
            "/graphql",
            headers=csrf,
            multipart={
                "operations": json.dumps({"query": UPLOAD, "variables": variables}),
                "map": json.dumps({"0": ["variables.input.file"]}),
                "0": {
                    "name": "letter.pdf",
                    "mimeType": "application/pdf",
                    "buffer": pdf_bytes(title),
                },
            },
        ).json()
        uploaded = answer["data"]["uploadDocument"]
        assert uploaded["__typename"] == "Document", answer
        return str(uploaded["id"])
    finally:
        api.dispose()


def test_follow_a_dossier_and_see_a_colleagues_upload_in_the_list(
    desktop: Page, demo: Demo, playwright: Playwright
) -> None:
    page = desktop
    sign_in(page, demo)
    page.goto(f"/customers/{demo.customer_id}")
    follow = page.get_by_role("button", name="Notify me of new documents in this dossier")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(follow).to_contain_text("Following")

    title = "Letter from the e2e colleague"
    document_id = _upload_as_clerk(playwright, demo, title)

    # Settings lead to the subscriptions, where the dossier is named and its e-mail rhythm set.
    page.locator("dossier-app nav a", has_text="Settings").click()
    page.locator("notification-preferences").get_by_role(
        "link", name="Manage subscriptions"
    ).click()
    subscription = page.locator("subscriptions-screen li.card")
    expect(subscription).to_have_count(1)
    expect(subscription).to_contain_text(demo.customer_name)
    expect(subscription.get_by_role("checkbox", name="New documents")).to_be_checked()
    expect(subscription.get_by_role("checkbox", name="E-mail")).to_be_checked()
    screenshot(page, "subscriptions-desktop")

    # The fan-out runs in the server's worker, which may still be busy with the demo's previews
    # and texts (the demo's mail attachments become documents too, so other events may come
    # first): wait generously for this document's row. The bell reads the count when the app
    # returns to the foreground; a reload stands in for that.
    deadline = time.monotonic() + 180
    while document_id not in page.evaluate(_LISTED):
        assert time.monotonic() < deadline, page.evaluate(_LOG)
        page.wait_for_timeout(2000)
    page.reload()
    bell = page.locator("notification-bell a")
    expect(bell.locator(".badge")).to_have_text(re.compile(r"^[1-9][0-9]*\+?$"))
    expect(bell).to_have_attribute("aria-label", re.compile(r"^Notifications, \d+\+? unread$"))

    bell.click()
    screen = page.locator("notifications-screen")
    row = screen.locator(f"li[data-document='{document_id}']")
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("New document")
    expect(row).to_contain_text("Unread")
    expect(bell.locator(".badge")).to_have_count(0)  # opening the list marks it read

    row.get_by_role("link").click()
    expect(page).to_have_url(f"{demo.base_url}/documents/{document_id}")
    expect(page.locator("document-screen h1")).to_have_text(title)
