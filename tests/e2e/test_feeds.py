"""The in-tray and today screens fill from the server and read from the local store."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Demo, new_context, screenshot, sign_in


def test_in_tray_and_today_list_what_was_filed_across_customers(
    browser: Browser, demo: Demo
) -> None:
    context = new_context(browser, demo, "phone")
    page = context.new_page()
    try:
        sign_in(page, demo)
        page.goto(f"/customers/{demo.customer_id}")  # a recent customer for today's list
        expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)
        page.locator("dossier-app nav a", has_text="In-tray").click()
        inbox = page.locator("feed-screen")
        expect(inbox.locator("h1")).to_have_text("In-tray")
        # The demo was filed just now: the newest documents of every demo customer are here.
        expect(inbox.locator("ul.documents li").first).to_be_visible()
        assert inbox.locator("ul.documents li").count() > 10
        expect(inbox.locator("h2.day").first).to_be_visible()
        screenshot(page, "11-in-tray")
        page.locator("dossier-app nav a", has_text="Today").click()
        today = page.locator("feed-screen")
        expect(today.locator("h1")).to_have_text("Today")
        expect(today.get_by_role("heading", name="New today")).to_be_visible()
        expect(today.locator("ul.documents li").first).to_be_visible()
        expect(today.get_by_role("heading", name="Recent")).to_be_visible()
        expect(
            today.locator("section[aria-labelledby=h-recent] a", has_text=demo.customer_name)
        ).to_be_visible()
        screenshot(page, "12-today")
        # Offline, the stored feed still shows.
        page.context.set_offline(True)
        page.locator("dossier-app nav a", has_text="In-tray").click()
        expect(inbox.locator("ul.documents li").first).to_be_visible()
        expect(inbox.get_by_role("status").first).to_contain_text("Offline")
        first = inbox.locator("ul.documents a").first
        title = first.locator(".row-title").inner_text()
        page.context.set_offline(False)
        first.click()
        expect(page.locator("document-screen h1")).to_have_text(title)
    finally:
        context.close()
