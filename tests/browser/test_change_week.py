"""A manager's week with problems and changes, in Chromium: three monitoring incidents are
gathered from the workspace into a problem, which becomes a known error and raises a normal
change; the CAB approves it (two approvals); the calendar shows it beside the demo's PostgreSQL
upgrade and flags the conflict; the affected client sees the planned work in the cabinet and
gets the mail in the SMTP sink. Screenshots: test-output/screenshots/change-week-*.png"""
from app.demo_desk import KYIV, next_sunday
from tests.browser.test_pages import log_in, nav_link
from tests.conftest import smtp_sink
from tests.helpers import run_jobs

INCIDENTS = ("No monitoring graphs for db-03 since 03:00", "Grafana dashboards are empty",
             "Monitoring alerts stopped coming")
PROBLEM = "Monitoring agent hangs after log rotation"
SUMMARY = "Monitoring agent upgrade on your servers: graphs may pause for a few minutes."


def log_out(page):
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You have been logged out.").wait_for()


def status_button(page, name):
    page.locator(".transition-buttons").get_by_role("button", name=name, exact=True).click()


def approve(page, email, number, comment, screenshots=None):
    log_in(page, email)
    nav_link(page, "Changes").click()
    page.get_by_role("link", name="CAB approvals").click()
    card = page.locator(".approval-card", has_text=number)
    card.get_by_placeholder("Your comment (it goes into the history)").fill(comment)
    if screenshots:
        screenshots(page, "change-week-5-cab-queue")
    card.get_by_role("button", name="Approve").click()
    page.get_by_text(f"{number}: your approval is recorded.").wait_for()
    log_out(page)


def test_a_managers_week_of_problems_and_changes(page, screenshots, live_app, console_errors):
    with smtp_sink(live_app) as sink:
        run_jobs(live_app)  # what earlier tests left queued
        sink.messages.clear()
        walk(page, screenshots, live_app, sink, console_errors)


def walk(page, screenshots, live_app, sink, console_errors):
    # Monday: a problem for the monitoring incidents, gathered from the workspace.
    log_in(page, "manager@zayavka.example")
    nav_link(page, "Tickets").click()
    page.get_by_role("link", name="New ticket").click()
    page.get_by_label("Kind").select_option("problem")
    page.get_by_label("Organization").select_option(label="Dnipro Logistics (DNIPRO)")
    page.get_by_label("Title").fill(PROBLEM)
    page.get_by_label("Category").fill("monitoring")
    page.get_by_role("button", name="Create ticket").click()
    page.get_by_role("heading", name=PROBLEM).wait_for()
    problem = page.locator("h1 .text-muted").inner_text()

    nav_link(page, "Tickets").click()
    page.get_by_role("link", name="All open").click()
    for title in INCIDENTS:
        page.get_by_role("row", name=title).get_by_role("checkbox").check()
    page.get_by_label("Action").select_option("link")
    page.locator("#bulk-form input[name=problem]").fill(problem)
    screenshots(page, "change-week-1-workspace-bulk-link")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_text("3 tickets changed.").wait_for()

    # Tuesday: the root cause is found; the workaround makes it a known error.
    page.goto(f"/tickets/{problem}")
    panel = page.locator("#problem-panel")
    for title in INCIDENTS:
        panel.get_by_text(title).wait_for()
    panel.get_by_label("Root cause").fill("The log rotation leaves the exporter's textfile collector blocked.")
    panel.get_by_label("Workaround").fill("Restart the exporter: systemctl restart node_exporter")
    panel.get_by_role("button", name="Save and mark as known error").click()
    page.get_by_text(f"{problem} is a known error now.").wait_for()
    screenshots(page, "change-week-2-known-error")

    # An agent opening one of the incidents is offered the workaround.
    panel.locator("li", has_text=INCIDENTS[1]).get_by_role("link").click()
    page.locator("#known-errors").get_by_text("Restart the exporter").wait_for()
    screenshots(page, "change-week-3-incident-offered-known-error")

    # Wednesday: one click raises a normal change, planned on the night of the PostgreSQL upgrade.
    page.goto(f"/tickets/{problem}")
    page.get_by_role("button", name="Raise a change").click()
    page.get_by_text("raised: plan it and submit it.").wait_for()
    start, end = next_sunday(3).astimezone(KYIV), next_sunday(5).astimezone(KYIV)
    page.get_by_label("Is it the first time we make this change?").check()
    page.get_by_label("Planned start").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Planned end").fill(end.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Implementation plan").fill("Upgrade node_exporter to 1.8 on every server; it no longer blocks.")
    page.get_by_label("Backout plan").fill("Reinstall 1.7 from the local mirror.")
    page.get_by_label("Test plan").fill("Graphs fill in within five minutes on each server.")
    page.get_by_label("Summary for the clients").fill(SUMMARY)
    screenshots(page, "change-week-4-change-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Change saved.").wait_for()
    change = page.locator("h1 .text-muted").inner_text()
    assert page.locator("#change-panel").get_by_text("Risk: Medium").is_visible()  # suggested by the questionnaire
    for action in ("Submit", "Assess", "Ask for approval"):
        status_button(page, action)
        page.get_by_text("Status changed to").wait_for()
    log_out(page)

    # Thursday: the CAB approves, two of them.
    approve(page, "admin@zayavka.example", change, "Plan and backout are sound.", screenshots)
    approve(page, "taras@zayavka.example", change, "Fine for the infrastructure team.")

    # Friday: scheduled; the calendar shows it and flags the clash with the PostgreSQL upgrade.
    log_in(page, "manager@zayavka.example")
    page.goto(f"/tickets/{change}")
    page.locator("#cab").get_by_text("Olena Kovalenko").wait_for()
    status_button(page, "Schedule")
    page.get_by_text("Status changed to “Scheduled”.").wait_for()
    conflict = page.locator("#change-panel .alert-warning")
    conflict.get_by_text("Upgrade PostgreSQL to 16.4 on db-03").wait_for()
    screenshots(page, "change-week-6-change-scheduled")
    nav_link(page, "Changes").click()
    page.goto(f"/changes/calendar?day={start.date().isoformat()}")
    entry = page.locator(f".calendar-change[data-change='{change}']")
    entry.get_by_text("conflict with").wait_for()
    upgrade = page.locator(".calendar-change", has_text="Upgrade PostgreSQL to 16.4")
    assert upgrade.count() == 1 and f"conflict with {change}" in upgrade.inner_text()
    screenshots(page, "change-week-7-calendar-week")
    page.get_by_text("Month", exact=True).click()
    page.locator(".calendar-month").wait_for()
    screenshots(page, "change-week-8-calendar-month")
    log_out(page)

    # The affected client: the mail in the sink, and the planned work in the cabinet.
    run_jobs(live_app)
    to_anna = [m for m in sink.messages if m["To"] == "anna@dnipro-logistics.example" and "Planned work" in m["Subject"]]
    assert len(to_anna) == 1, [(m["To"], m["Subject"]) for m in sink.messages]
    body = sink.body(to_anna[0])
    assert SUMMARY in body and f"{start:%H:%M} – {end:%H:%M} (Europe/Kyiv)" in body
    assert not [m for m in sink.messages if m["To"].endswith("@kyivmedia.example")]
    log_in(page, "anna@dnipro-logistics.example")
    card = page.locator("#planned-work")
    card.get_by_text(SUMMARY).wait_for()
    assert f"{start:%H:%M} – {end:%H:%M}" in card.inner_text()
    screenshots(page, "change-week-9-client-planned-work")
    assert page.goto(f"/tickets/{change}").status in (403, 404)  # the change itself stays the provider's
    console_errors.clear()  # that refusal, on purpose
    page.goto("/")
    log_out(page)
