"""Document search on a phone: words found with highlighted snippets, a hit opens the document
and back returns to the same words and filters, the same search inside one dossier, and offline
the last answer for the query stays."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Demo, a_word_of, new_context, screenshot, search_settled, sign_in


def search_for(page: Page, word: str) -> None:
    page.locator("document-search-screen #dq").fill(word)


def test_find_documents_by_their_words_and_open_one(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo, "phone")
    page = context.new_page()
    try:
        sign_in(page, demo)
        page.locator("dossier-app .bar a[href='/search']").click()
        screen = page.locator("document-search-screen")
        expect(screen.locator("h1")).to_have_text("Search documents")
        word = a_word_of(demo.offer_title)
        search_for(page, word)
        hits = screen.locator("hit-list ul.hits > li")
        expect(hits.first).to_be_visible()
        # The found words are marked in the snippet, as text.
        expect(screen.locator("hit-list mark").first).to_be_visible()
        assert screen.locator("hit-list mark").first.inner_text().lower() == word.lower()
        expect(screen.locator("hit-list .total")).to_contain_text("documents")
        assert page.url.endswith(f"/search?q={word}")
        screenshot(page, "13-document-search")

        # The filters fold away on a phone; sorting by date asks again.
        expect(screen.locator("#d-sort")).to_be_hidden()
        screen.locator("details.filters summary").click()
        screen.locator("#d-sort").select_option("date")
        search_settled(page)
        expect(hits.first).to_be_visible()

        first = screen.locator("hit-list ul.hits a").first
        title = first.locator(".row-title").inner_text()
        first.click()
        expect(page.locator("document-screen h1")).to_have_text(title)

        # Back returns to the words typed and the order chosen (both in the address); offline
        # the same query's last answer is shown.
        page.go_back()
        expect(screen.locator("#dq")).to_have_value(word)
        assert page.url.endswith(f"/search?q={word}&sort=date")
        expect(screen.locator("#d-sort")).to_have_value("date")
        search_settled(page)
        expect(hits.first).to_be_visible()
        page.context.set_offline(True)
        search_for(page, word + " ")
        expect(
            screen.get_by_role("status").filter(has_text="Showing what this search found")
        ).to_be_visible()
        expect(hits.first).to_be_visible()
        search_for(page, "zzzqqq")
        expect(
            screen.get_by_role("status").filter(has_text="Search needs a connection")
        ).to_be_visible()
        expect(hits).to_have_count(0)
        page.context.set_offline(False)
    finally:
        context.close()


def test_search_inside_a_dossier_finds_only_its_documents(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo, "phone")
    page = context.new_page()
    try:
        sign_in(page, demo)
        page.goto(f"/customers/{demo.customer_id}")
        expect(page.locator("dossier-screen h1")).to_have_text(demo.customer_name)
        page.locator("dossier-screen").get_by_role("link", name="Search in this dossier").click()
        screen = page.locator("document-search-screen")
        expect(screen.locator(".scope")).to_contain_text(f"Only in {demo.customer_name}")
        # Without words: the dossier's documents, newest first.
        expect(screen.locator("hit-list ul.hits > li").first).to_be_visible()
        search_for(page, a_word_of(demo.offer_title))
        expect(screen.locator("hit-list mark").first).to_be_visible()
        search_settled(page)
        subs = screen.locator("hit-list ul.hits .row-sub").all_inner_texts()
        assert subs
        assert all(s.startswith(demo.customer_name) for s in subs), subs
        expect(
            screen.locator("hit-list ul.hits a", has_text=demo.offer_title).first
        ).to_be_visible()
        screenshot(page, "14-dossier-search")
    finally:
        context.close()
