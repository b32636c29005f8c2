"""Periodic jobs on a real Redis with a real RQ worker."""
from datetime import timedelta

from app import jobs, timeutil
from app.tickets import services
from app.tickets.models import Ticket
from tests.factories import make_ticket
from tests.helpers import run_jobs


def test_resolved_tickets_close_themselves_after_the_quiet_days(app, users, monkeypatch, db, mailbox):
    old = make_ticket(users["client_user"], title="Old one")
    fresh = make_ticket(users["client_user"], title="Fresh one")
    services.transition(users["agent"], old, "resolved", resolution_code="fixed", resolution="Done")
    later = timeutil.utcnow() + timedelta(days=app.config["AUTO_CLOSE_DAYS"] + 1)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    services.transition(users["agent"], fresh, "resolved", resolution_code="fixed", resolution="Done")
    run_jobs(app)  # the mails of creation and resolution
    mailbox.messages.clear()

    assert jobs.enqueue_due_periodic() == ["close-resolved-tickets", "purge-outbox", "sla-sweep", "sla-extend-holidays",
                                             "mail-poll", "mail-purge", "mail-retry", "kb-review-reminders", "report-minutes",
                                             "report-daily", "report-daily-full", "report-monthly",
                                             "incident-update-reminders"]
    assert jobs.enqueue_due_periodic() == []  # once per period, however many workers ask
    assert run_jobs(app) == 13
    db.session.expire_all()
    assert db.session.get(Ticket, old.id).status == "closed"
    assert db.session.get(Ticket, fresh.id).status == "resolved"
    run_jobs(app)  # the requester hears that the old one is closed
    ticket_mails = [m["Subject"] for m in mailbox.messages if "service report" not in m["Subject"]]
    assert ticket_mails == [f"[{old.number}] Closed: Old one"]  # (and last month's reports to client admins)
