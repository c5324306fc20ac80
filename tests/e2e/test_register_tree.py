"""Nested registers: a tree on the cover sheet, a second row of tabs for the open branch.

The demo tenant's registers are flat, so the catalog the app receives is rewritten on the way
to nest delivery notes and invoices under orders, as a tenant's tree may.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Route, expect

from tests.e2e.conftest import Demo, new_context, screenshot, sign_in

NESTED = {"delivery_notes": "orders", "invoices": "orders"}


def _nest(route: Route) -> None:
    body = route.request.post_data or ""
    if "query Catalog" not in body:
        route.continue_()
        return
    response = route.fetch()
    answer = response.json()
    registers = answer["data"]["registers"]
    ids = {r["key"]: r["id"] for r in registers}
    for r in registers:
        if r["key"] in NESTED:
            r["parentId"] = ids[NESTED[r["key"]]]
    route.fulfill(response=response, body=json.dumps(answer))


def test_nested_registers_show_as_a_tree_and_a_branch_of_tabs(browser: Browser, demo: Demo) -> None:
    context = new_context(browser, demo, "phone")
    page = context.new_page()
    try:
        page.route("**/graphql", _nest)
        sign_in(page, demo)
        page.goto(f"/customers/{demo.customer_id}")
        dossier = page.locator("dossier-screen")
        expect(dossier.locator("h1")).to_have_text(demo.customer_name)
        # Cover sheet: delivery notes and invoices in a list nested under orders.
        orders = dossier.locator("ul.tree > li", has=page.locator("a", has_text="Aufträge"))
        expect(orders.locator("ul.nested a")).to_have_count(2)
        expect(orders.locator("ul.nested a").first).to_contain_text("Lieferscheine")
        top = dossier.get_by_role("tablist", name="Registers", exact=True)
        expect(top.get_by_role("tab", name=re.compile("Lieferscheine"))).to_have_count(0)
        top.get_by_role("tab", name=re.compile("Aufträge")).click()
        branch = dossier.get_by_role("tablist", name="Registers in Aufträge")
        expect(branch.get_by_role("tab")).to_have_count(3)
        expect(branch.get_by_role("tab", selected=True)).to_contain_text("Aufträge")
        screenshot(page, "13-register-tree")
        # Keyboard: arrows move along the branch, the top row keeps its parent selected.
        branch.get_by_role("tab", selected=True).focus()
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(re.compile(r"/r/delivery_notes$"))
        expect(branch.get_by_role("tab", selected=True)).to_contain_text("Lieferscheine")
        expect(top.get_by_role("tab", selected=True)).to_contain_text("Aufträge")
        focused = page.evaluate(
            """() => document.querySelector('dossier-app').shadowRoot
                 .querySelector('dossier-screen').shadowRoot.activeElement?.id"""
        )
        assert focused == "sub-delivery_notes"
        expect(dossier.locator("#panel")).to_have_attribute("aria-labelledby", "sub-delivery_notes")
    finally:
        context.close()
