"""An agent's day in Chromium: take tickets from the queue, answer with a canned
response and a log, log time, merge a duplicate, bulk-assign, resolve, and
order a catalog item for a client. Screenshots: test-output/screenshots/agent-*.png"""
from tests.browser.test_pages import log_in, nav_link


def open_ticket(page, title):
    page.get_by_role("link", name=title, exact=True).first.click()
    page.get_by_role("heading", name=title).wait_for()
    page.wait_for_load_state("load")  # the page's script has run (the canned select, the status buttons)


def test_an_agents_day(page, screenshots, tmp_path):
    log_in(page, "ivan@zayavka.example")
    nav_link(page, "Tickets").click()
    page.get_by_role("link", name="All open").click()
    page.get_by_role("row", name="Packet loss on the Kyiv core uplink").wait_for()
    screenshots(page, "agent-1-queue")

    # Bulk: take two unassigned tickets into Service Desk L1, assigned to me.
    page.get_by_role("link", name="Unassigned").click()
    for title in ("Backup job failed on fs-01", "Need access logs for last week"):
        page.get_by_role("row", name=title).get_by_role("checkbox").check()
    page.get_by_label("Action").select_option("assign")
    page.locator("#bulk-form select[name=team]").select_option(label="Service Desk L1")
    page.locator("#bulk-form select[name=assignee]").select_option(label="Ivan Bondarenko")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_text("2 tickets changed.").wait_for()
    page.get_by_role("link", name="My tickets").click()
    page.get_by_role("link", name="Backup job failed on fs-01").wait_for()
    screenshots(page, "agent-2-my-tickets")

    # Answer with a canned response and a log file, then log time.
    open_ticket(page, "Backup job failed on fs-01")
    page.locator("#canned-select").select_option(label="Need more details")
    reply_box = page.locator("#reply textarea[name=body]")
    assert "thank you for INC-" in reply_box.input_value()
    log = tmp_path / "backup-fs-01.log"
    log.write_text("2026-11-24 02:00:01 snapshot failed: device busy\n")
    page.locator("#reply input[type=file]").set_input_files(str(log))
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Reply sent.").wait_for()
    page.get_by_role("link", name="backup-fs-01.log").wait_for()
    page.get_by_label("Minutes").fill("20")
    page.get_by_label("Note", exact=True).fill("Read the backup logs")
    page.get_by_role("button", name="Log time").click()
    page.get_by_text("Time logged.").wait_for()
    screenshots(page, "agent-3-ticket-page")

    # Resolve it: the resolution is asked for first.
    page.get_by_role("button", name="Resolve", exact=True).click()
    page.get_by_label("Resolution").select_option("fixed")
    page.get_by_label("What was done").fill("Freed the snapshot device; tonight's backup succeeded.")
    page.locator("#transition-form").get_by_role("button", name="Resolve").click()
    page.get_by_text("Status changed to “Resolved”.").wait_for()

    # Merge a duplicate into the original.
    nav_link(page, "Tickets").click()
    page.get_by_role("link", name="Everything").click()
    original = page.get_by_role("row", name="Mail to gmail.com bounces").get_by_role("link").first.inner_text()
    open_ticket(page, "Gmail rejects our mails")
    page.get_by_label("Merge into ticket").fill(original)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge").click()
    page.get_by_text("was merged into").wait_for()
    page.get_by_text("Bounce 550 5.7.26 for every message to Gmail.").wait_for()
    screenshots(page, "agent-4-merged")

    # Order a catalog item for a client.
    nav_link(page, "Catalog").click()
    page.locator(".card", has_text="New virtual server").get_by_role("link", name="Order for a client").click()
    page.get_by_label("Organization").select_option(label="Lviv Pharma (LVIVPHARM)")
    page.get_by_label("Server name").fill("lims-02")
    page.get_by_label("CPU cores").fill("8")
    page.get_by_label("Memory, GB").fill("32")
    page.get_by_label("Operating system").select_option("Ubuntu 24.04")
    page.get_by_role("button", name="Order").click()
    page.get_by_text("created.").wait_for()
    page.get_by_text("lims-02").first.wait_for()
    screenshots(page, "agent-5-ordered")


def test_the_workspace_in_ukrainian(page, screenshots):
    from tests.browser.test_pages import choose_language

    log_in(page, "maria@zayavka.example")
    nav_link(page, "Tickets").click()
    choose_language(page, "Українська")
    page.get_by_role("link", name="Усі заявки").wait_for()
    screenshots(page, "agent-uk-queue")
    page.get_by_role("link", name="Disk almost full on db-03").click()
    page.get_by_role("heading", name="Disk almost full on db-03").wait_for()
    screenshots(page, "agent-uk-ticket")
    choose_language(page, "English")
    nav_link(page, "Tickets").wait_for()
