"""The live camera view in capture, with Chromium's fake camera (a moving test pattern).

Its own browser: the fake media flags let getUserMedia answer without a prompt or a real device.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Demo, new_context, screenshot, sign_in

FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_CAMERA])
    yield b
    b.close()


@pytest.fixture
def phone(camera_browser: Browser, demo: Demo) -> Iterator[Page]:
    context = new_context(camera_browser, demo, "phone", permissions=["camera"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors


def test_two_shots_from_the_live_camera_become_one_two_page_document(
    phone: Page, demo: Demo
) -> None:
    page = phone
    sign_in(page, demo)
    page.goto(f"/customers/{demo.customer_id}")
    page.locator("dossier-screen a", has_text="Add document").first.click()
    capture = page.locator("capture-screen")
    expect(capture.locator(".chosen")).to_contain_text(demo.customer_name)
    capture.get_by_role("button", name="Live camera").click()
    shutter = capture.locator("camera-view").get_by_role("button", name="Take picture")
    expect(shutter).to_be_enabled()
    page.wait_for_function(
        """() => document.querySelector('dossier-app').shadowRoot.querySelector('capture-screen')
             .shadowRoot.querySelector('camera-view').shadowRoot.querySelector('video').videoWidth > 0"""
    )
    shutter.click()
    expect(capture.locator(".pages li")).to_have_count(1)
    shutter.click()
    expect(capture.locator(".pages li")).to_have_count(2)
    screenshot(page, "10-capture-live-camera")
    capture.locator("camera-view").get_by_role("button", name="Done").click()
    expect(capture.locator("camera-view")).to_have_count(0)
    # The viewfinder let go of the camera.
    assert page.evaluate("document.querySelectorAll('video').length") == 0
    capture.locator("#type").select_option(label="Foto")
    title = "Signed order from the live camera"
    capture.locator("#title").fill(title)
    capture.get_by_role("button", name="Upload").click()
    document = page.locator("document-screen")
    expect(document.locator("h1")).to_have_text(title, timeout=30_000)
    expect(document).to_contain_text("scan-")  # both shots joined into one PDF
    document_url = page.url
    # The worker renders the preview; the page count comes with it.
    deadline = time.monotonic() + 90
    while not document.get_by_text("Page 1 of 2").is_visible():
        assert time.monotonic() < deadline, "no two-page preview"
        page.wait_for_timeout(1500)
        page.goto(document_url)
        expect(document.locator("h1")).to_have_text(title)
    # And the dossier lists it.
    page.goto(f"/customers/{demo.customer_id}/all")
    page.fill("dossier-screen #f-text", title)
    expect(page.locator("dossier-screen ul.documents a", has_text=title)).to_have_count(1)


def test_a_refused_camera_falls_back_to_the_photo_input(
    camera_browser: Browser, demo: Demo
) -> None:
    context = new_context(camera_browser, demo, "phone")
    page = context.new_page()
    try:
        sign_in(page, demo)
        # What a refused permission prompt answers.
        page.add_init_script(
            """navigator.mediaDevices.getUserMedia = () =>
                 Promise.reject(new DOMException('denied', 'NotAllowedError'));"""
        )
        page.goto("/capture")
        capture = page.locator("capture-screen")
        capture.get_by_role("button", name="Live camera").click()
        expect(capture.get_by_role("alert")).to_contain_text("permission denied")
        expect(capture.get_by_role("button", name="Live camera")).to_have_count(0)
        expect(capture.locator("label[for=camera]")).to_be_visible()
    finally:
        context.close()
