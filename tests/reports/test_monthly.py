"""The client's monthly report: a printable page in the portal for client administrators (their
organization only), the same page for managers, and the mail at the start of each month."""
from datetime import UTC, datetime

from app.jobs.models import OutboxJob
from app.reports import monthly
from tests.helpers import run_jobs, text
from tests.mail.headers import assert_ours


def test_a_client_admin_reads_their_month_and_nobody_elses(dataset, login, users):
    page = text(login("client_admin").get("/portal/reports/monthly?month=2026-03"))
    assert "Service report: March 2026" in page and "Acme Hosting Clients" in page
    assert "INC-2" in page.split('id="monthly-breaches"')[1]  # answered after 80 business minutes
    assert "T3 backup failed" not in page and "Globex" not in page
    assert "50 %" in page and "100 %" in page  # first response 1 of 2, resolution 2 of 2
    other = text(login("other_admin").get("/portal/reports/monthly?month=2026-03"))
    assert "Globex Corporation" in other and "INC-3" in other and "Acme" not in other
    assert login("client_user").get("/portal/reports/monthly").status_code == 403
    assert login("agent").get("/portal/reports/monthly").status_code == 403
    assert login("client_admin").get("/portal/reports/monthly?month=13-2026").status_code == 422


def test_managers_see_the_clients_page_before_it_goes_out(dataset, login, users):
    manager = login("manager")
    page = text(manager.get("/reports/monthly/ACME?month=2026-03"))
    assert "Service report: March 2026" in page and "INC-2" in page
    assert manager.get("/reports/monthly/NOPE?month=2026-03").status_code == 404
    assert login("client_admin").get("/reports/monthly/ACME").status_code == 403


def test_the_month_is_mailed_to_client_admins_once(app, dataset, users, mailbox, db):
    start_of_april = datetime(2026, 4, 1, 5, 0, tzinfo=UTC)
    assert monthly.queue_deliveries(start_of_april, "Europe/Kyiv") == 2
    assert monthly.queue_deliveries(start_of_april, "Europe/Kyiv") == 0
    assert db.session.query(OutboxJob).filter(OutboxJob.func == "app.reports.monthly.mail_monthly_report").count() == 2
    run_jobs(app)
    mails = {m["To"]: m for m in mailbox.messages if "service report" in m["Subject"]}
    assert sorted(mails) == ["boss@acme.test", "boss@globex.test"]
    acme = mailbox.body(mails["boss@acme.test"])
    assert mails["boss@acme.test"]["Subject"] == "Your service report for March 2026"
    assert_ours(mails["boss@acme.test"])
    assert "First response on time: 50.0 %" in acme and "/portal/reports/monthly?month=2026-03" in acme
    assert "Resolved on time: 0.0 %" in mailbox.body(mails["boss@globex.test"])
