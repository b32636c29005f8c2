"""The agent's new-ticket form in Chromium: the requester list follows the organization chosen,
holding only that client's contacts, and the ticket is created for the one picked."""
from playwright.sync_api import expect

from tests.browser.test_pages import log_in


def test_the_requester_list_follows_the_organization(page, screenshots):
    log_in(page, "ivan@zayavka.example")
    page.goto("/tickets/new")
    requester = page.locator("select[name=requester]")
    expect(requester.locator("option")).to_have_count(1)  # no organization yet: nobody to choose
    page.locator("select[name=organization]").select_option(label="Dnipro Logistics (DNIPRO)")
    expect(requester).to_contain_text("Petro Lysenko")  # DNIPRO's people only (earlier walks may add one)
    expect(requester).not_to_contain_text("Roman Hnatyuk")  # Lviv Pharma's
    page.locator("select[name=organization]").select_option(label="Lviv Pharma (LVIVPHARM)")
    expect(requester).to_contain_text("Roman Hnatyuk")
    requester.select_option(label="Roman Hnatyuk <roman@lvivpharma.example>")
    page.get_by_label("Title").fill("VPN to the Lviv lab drops every hour")
    screenshots(page, "agent-new-ticket-requester")
    page.get_by_role("button", name="Create ticket").click()
    expect(page.get_by_text("VPN to the Lviv lab drops every hour").first).to_be_visible()
    expect(page.get_by_text("Roman Hnatyuk").first).to_be_visible()
