"""Saved views on a phone: save the current search as a view (the server's validation shown),
find it in the list, run it, see it as a virtual register in a dossier, delete it."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Demo, a_word_of, new_context, screenshot, search_settled, sign_in

NAME = "Offers to follow up"


def test_save_a_search_as_a_view_run_it_in_a_dossier_and_delete_it(
    browser: Browser, demo: Demo
) -> None:
    context = new_context(browser, demo, "phone")
    page = context.new_page()
    try:
        sign_in(page, demo)
        page.goto("/search")
        screen = page.locator("document-search-screen")
        screen.locator("#dq").fill(a_word_of(demo.offer_title))
        expect(screen.locator("hit-list mark").first).to_be_visible()
        search_settled(page)

        save = screen.locator("save-view-form")
        save.locator("summary").click()
        # The server refuses a view without a name and says why.
        save.get_by_role("button", name="Save").click()
        expect(save.get_by_role("alert")).to_contain_text("Could not save the view")
        expect(save.locator("#v-name")).to_have_attribute("aria-invalid", "true")
        save.locator("#v-name").fill(NAME)
        save.get_by_role("button", name="Save").click()
        expect(save.get_by_role("status")).to_have_text(f"View “{NAME}” saved.")
        expect(save.get_by_role("alert")).to_have_count(0)
        screenshot(page, "15-save-view")

        # Listed with the user's views; opening it runs it across customers.
        page.goto("/views")
        views = page.locator("views-screen")
        expect(views.locator("h1")).to_have_text("Saved views")
        views.locator("ul.views a", has_text=NAME).click()
        expect(views.locator("h1")).to_have_text(NAME)
        hits = views.locator("view-results hit-list ul.hits > li")
        expect(hits.first).to_be_visible()
        expect(views.locator("hit-list mark").first).to_be_visible()
        screenshot(page, "16-view-results")
        view_url = page.url

        # In a dossier: a virtual register after the real ones, within that customer.
        page.goto(f"/customers/{demo.customer_id}")
        dossier = page.locator("dossier-screen")
        expect(dossier.locator("h1")).to_have_text(demo.customer_name)
        tab = dossier.locator("[role=tab]", has_text=NAME)
        expect(tab).to_contain_text("(saved view)")
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        rows = dossier.locator("#panel view-results hit-list ul.hits .row-sub")
        expect(rows.first).to_be_visible()
        subs = rows.all_inner_texts()
        assert all(s.startswith(demo.customer_name) for s in subs), subs
        expect(
            dossier.locator("#panel view-results ul.hits a", has_text=demo.offer_title).first
        ).to_be_visible()
        screenshot(page, "17-view-in-dossier")

        # The owner deletes it, after confirming; it leaves the list and the dossier.
        page.goto(view_url)
        views.get_by_role("button", name="Delete view").click()
        expect(views.get_by_role("alert")).to_contain_text(f"Delete the view “{NAME}”?")
        views.get_by_role("alert").get_by_role("button", name="Delete view").click()
        expect(views.get_by_role("status").filter(has_text="View deleted.")).to_be_visible()
        expect(views.locator("ul.views a", has_text=NAME)).to_have_count(0)
        page.goto(f"/customers/{demo.customer_id}")
        expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)
        expect(page.locator("dossier-screen [role=tab]", has_text=NAME)).to_have_count(0)
    finally:
        context.close()
