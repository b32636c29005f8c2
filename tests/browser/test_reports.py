"""Reports in Chromium: a manager opens the dashboard, sees a red tile, drills into the breached
tickets, exports the month's SLA report as XLSX (opened with openpyxl: the page's numbers), and a
client administrator opens their monthly report in the portal.
Screenshots: test-output/screenshots/reports-<step>.png"""
import io
import re
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from app import timeutil
from app.auth.models import User
from app.extensions import db
from app.reports import daily_jobs, rollup
from app.tickets import models as ticket_models
from app.tickets import relations
from app.tickets import services as tickets
from sla import escalation
from tests.browser.test_pages import choose_language, log_in
from tests.conftest import smtp_sink
from tests.helpers import run_jobs

TITLE = "Reports walk: the mail queue is stuck"


def _late_ticket(live_app, monkeypatch):
    """A demo client's ticket opened five days ago that nobody answered; the sweep finds it late.
    Its organization has an hour a month in its contract and an engineer logs 90 billable
    minutes on it; the jobs keep the report's minutes and daily roll-up, as a worker would."""
    now = timeutil.utcnow()
    with live_app.app_context():
        then = now - timedelta(days=5)
        with monkeypatch.context() as patch:
            patch.setattr(timeutil, "utcnow", lambda: then)
            patch.setattr(ticket_models, "utcnow", lambda: then)
            anna = db.session.scalar(db.select(User).where(User.email == "anna@dnipro-logistics.example"))
            late = tickets.create_ticket(anna, kind="incident", title=TITLE, urgency=1)
            anna.organization.contract_minutes = 60
            db.session.commit()
            engineer = db.session.scalar(db.select(User).where(User.email == "manager@zayavka.example"))
            for day in {then.date(), now.date()}:  # the ticket's month, and the dashboard's
                relations.log_time(engineer, late, minutes=90, work_date=day)
        escalation.sweep(now)
        db.session.remove()
    with smtp_sink(live_app):
        run_jobs(live_app)  # the sweep enqueues, the jobs fire (their mails go to the sink)
    with live_app.app_context():
        rollup.refresh(now)
        daily_jobs.build(then.date().replace(day=1) - timedelta(days=1), now.date() + timedelta(days=2), now)
        db.session.remove()
    return then.strftime("%Y-%m")  # the month in UTC: the demo's zone differs from it by hours at most


def test_a_manager_drills_and_exports_and_a_client_reads_their_month(browser, live_server, live_app, screenshots,
                                                                      monkeypatch):
    month = _late_ticket(live_app, monkeypatch)
    context = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900}, locale="en-US",
                                  accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        log_in(page, "manager@zayavka.example")
        page.locator("#main-nav").wait_for(state="attached")
        page.goto("/reports/")
        tile = page.locator("#tile-breached")
        assert "border-danger" in tile.get_attribute("class")
        screenshots(page, "reports-1-dashboard")
        assert "border-danger" in page.locator("#tile-contracts").get_attribute("class")  # an hour, 90 minutes used
        tile.locator("a.big").click()
        page.get_by_role("link", name=re.compile("INC-")).first.wait_for()
        assert TITLE in page.locator("#drill-table").inner_text()
        screenshots(page, "reports-2-breached-today")

        page.goto(f"/reports/sla?group=organization&month={month}")
        total = page.locator("#total-row td")
        shown_tickets = int(total.nth(1).inner_text().replace(",", ""))
        shown_breached = int(total.nth(3).inner_text().replace(",", ""))
        assert shown_tickets >= 1 and shown_breached >= 1
        assert page.locator("#trend svg rect.bar, .report-chart svg rect.bar").count() >= 1
        screenshots(page, "reports-3-sla-month")
        with page.expect_download() as download:
            page.locator("#export-xlsx").click()
        book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))  # the file has no extension
        rows = list(book["organization"].iter_rows(values_only=True))
        header, last = rows[0], rows[-1]
        assert last[0] == "total"
        assert last[header.index("tickets")] == shown_tickets
        assert last[header.index("first_response_breached")] == shown_breached
        organizations = [r[1] for r in rows[1:-1]]
        labels = page.locator("#breakdown-table tbody tr td:first-child .row-label").all()
        assert organizations == [label.inner_text() for label in labels]
        context.close()

        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        log_in(page, "anna@dnipro-logistics.example")
        page.get_by_role("link", name="Monthly report").click()
        page.locator("#monthly-sla").wait_for()
        page.goto(f"/portal/reports/monthly?month={month}")
        text = page.locator(".monthly-report").inner_text()
        assert "Dnipro Logistics" in text and "Kyiv Media" not in text
        assert TITLE in page.locator("#monthly-breaches").inner_text()
        contract = page.locator("#monthly-contract").inner_text()
        assert "h included" in contract and "Over by" in contract  # 90 billable minutes or more, 1 h included
        screenshots(page, "reports-4-client-monthly")
        page.emulate_media(media="print")
        assert not page.locator("nav").first.is_visible()
        screenshots(page, "reports-5-client-monthly-print")
    finally:
        context.close()
    assert not errors, f"browser console errors: {errors}"


def test_the_reports_in_ukrainian(page, screenshots):
    """Numbers and dates in the reader's language: the manager reads the dashboard and the month in Ukrainian."""
    log_in(page, "manager@zayavka.example")
    page.locator("#main-nav").wait_for(state="attached")
    choose_language(page, "Українська")
    try:
        page.goto("/reports/")
        assert "Панель" in page.locator("h1").inner_text()
        assert "Порушено сьогодні" in page.locator("#tile-breached").inner_text()
        screenshots(page, "reports-uk-1-dashboard")
        page.goto("/reports/sla?group=priority")
        assert page.locator("h1").inner_text() == "Звіт SLA"
        total = page.locator("#total-row").inner_text()
        assert not re.search(r"\d\.\d", total)  # a decimal comma, never the English point
        screenshots(page, "reports-uk-2-sla")
    finally:
        choose_language(page, "English")  # the choice is saved in the profile: put it back
