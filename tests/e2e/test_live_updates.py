"""Live updates in the PWA (headless Chromium): a dossier open in the browser shows a document
that another user uploads meanwhile, without a reload: the server's job publishes the event, the
app's graphql-transport-ws subscription hears it and the dossier reads its documents again."""

from __future__ import annotations

import json
import uuid

from playwright.sync_api import Page, Playwright, WebSocket, expect

from tests.e2e.conftest import DEMO_PASSWORD, Demo, service_worker_ready, sign_in

#: The demo's clerk, who files documents in every dossier.
CLERK_EMAIL = "joerg.mueller@demo.example"
UPLOAD = """mutation($i: UploadDocumentInput!) { uploadDocument(input: $i) {
  __typename ... on Document { id title } ... on Error { code message } } }"""
LETTER = """{ documentTypes { id key } }"""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload_as_clerk(playwright: Playwright, demo: Demo, title: str) -> str:
    api = playwright.request.new_context(base_url=demo.base_url)
    try:
        signed_in = api.post(
            "/auth/login",
            data={"email": CLERK_EMAIL, "password": DEMO_PASSWORD, "tenant": "demo"},
        )
        assert signed_in.ok, signed_in.text()
        headers = {"x-csrf-token": signed_in.json()["csrfToken"]}
        types = api.post("/graphql", data={"query": LETTER}, headers=headers).json()
        letter = next(t["id"] for t in types["data"]["documentTypes"] if t["key"] == "letter")
        variables = {
            "i": {
                "customerId": demo.customer_id,
                "documentTypeId": letter,
                "title": title,
                "indexValues": {"direction": "incoming"},
                "file": None,
            }
        }
        answer = api.post(
            "/graphql",
            headers=headers,
            multipart={
                "operations": json.dumps({"query": UPLOAD, "variables": variables}),
                "map": json.dumps({"0": ["variables.i.file"]}),
                "0": {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF},
            },
        ).json()
        document = answer["data"]["uploadDocument"]
        assert document["__typename"] == "Document", answer
        return str(document["id"])
    finally:
        api.dispose()


def _subscribed(page: Page, sent: list[str], timeout_ms: int = 20_000) -> None:
    """Wait until the app has asked for the live events, and a little for the server to listen."""
    waited = 0
    while not any('"subscribe"' in frame for frame in sent):
        assert waited < timeout_ms, f"no subscription within {timeout_ms} ms: {sent}"
        page.wait_for_timeout(100)
        waited += 100
    page.wait_for_timeout(500)


def test_an_open_dossier_shows_a_document_another_user_uploads(
    page: Page, demo: Demo, playwright: Playwright
) -> None:
    sent: list[str] = []

    def watch(socket: WebSocket) -> None:
        if socket.url.endswith("/graphql"):
            socket.on("framesent", lambda frame: sent.append(str(frame)))

    page.on("websocket", watch)
    sign_in(page, demo)
    service_worker_ready(page)
    sent.clear()
    page.goto(f"/customers/{demo.customer_id}")
    expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)
    page.locator("dossier-screen [role=tab]", has_text="All").click()
    title = f"Live letter {uuid.uuid4().hex[:8]}"
    page.fill("dossier-screen #f-text", title)
    rows = page.locator("dossier-screen ul.documents a", has_text=title)
    expect(rows).to_have_count(0)
    page.evaluate("window.__notReloaded = true")
    _subscribed(page, sent)
    _upload_as_clerk(playwright, demo, title)
    # Live events follow the notification job; on a fresh demo server that job queues behind the
    # demo's preview and text extraction, which take a while on a busy machine.
    expect(rows).to_have_count(1, timeout=120_000)
    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
