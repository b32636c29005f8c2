"""Mail out: SMTP refusing for now is tried again later, once per attempt; refusing for good, or
to the last attempt, shows on the ticket; an agent's public files travel with the reply."""
import contextlib
import smtplib
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import timeutil
from app.mail import delivery
from app.mail.models import FAILED, SENT, WAITING, MailReference, OutboundMail
from app.tickets import services
from app.tickets.models import Event
from app.uploads import Upload
from tests.conftest import Mailbox
from tests.factories import PNG, make_ticket
from tests.helpers import run_jobs, text
from tests.mail.headers import assert_ours


class Refusing(Mailbox):
    """A real SMTP server that answers the first ``times`` mails with ``answer``, then takes them."""

    def __init__(self, times: int, answer: str):
        super().__init__()
        self.times, self.answer, self.refused = times, answer, 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.times:
            self.refused += 1
            return self.answer
        return await super().handle_DATA(server, session, envelope)


@contextlib.contextmanager
def sink(app, handler):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_PORT"] = port
    try:
        yield handler
    finally:
        app.config["MAIL_PORT"] = 0
        controller.stop()


def failures(db, ticket) -> list[str]:
    return list(db.session.scalars(sa.select(Event.new_value).where(Event.ticket_id == ticket.id,
                                                                    Event.field == "mail_failed")))


def only_row(db) -> OutboundMail:
    db.session.expire_all()
    [row] = db.session.scalars(sa.select(OutboundMail))
    return row


def test_a_mail_refused_for_now_is_sent_again_later_once_per_attempt(app, db, users):
    ticket = make_ticket(users["client_user"], title="Backup failed")
    with sink(app, Refusing(2, "451 4.3.0 Try again later")) as server:
        run_jobs(app)  # the acknowledgement: refused
        row = only_row(db)
        assert (row.state, row.attempts, row.ticket_id) == (WAITING, 1, ticket.id) and "451" in row.last_error
        assert server.messages == [] and server.refused == 1
        assert timedelta(seconds=50) < row.next_attempt_at - timeutil.utcnow() <= timedelta(minutes=1)
        assert delivery.retry_due(timeutil.utcnow()) == 0  # not due yet
        due = row.next_attempt_at + timedelta(seconds=1)
        assert delivery.retry_due(due) == 1 and delivery.retry_due(due) == 0  # two sweeps, one job
        run_jobs(app)  # the second attempt: refused again, the next one 5 minutes later
        row = only_row(db)
        assert (row.state, row.attempts, server.refused) == (WAITING, 2, 2)
        assert row.next_attempt_at - timeutil.utcnow() > timedelta(minutes=4)
        third = row.next_attempt_at
        assert delivery.retry_due(third) == 1
        run_jobs(app)
        assert delivery.retry_due(third + timedelta(hours=3)) == 0
        run_jobs(app)
    [ack] = server.messages
    assert ack["Subject"].startswith(f"[{ticket.number}] We received your ticket")
    assert ack["Auto-Submitted"] == "auto-replied"
    recorded = db.session.scalars(sa.select(MailReference.message_id).where(MailReference.direction == "out"))
    assert list(recorded) == [ack["Message-ID"].strip("<>")]  # the same mail: threads as the first attempt
    row = only_row(db)
    assert (row.state, row.attempts, row.last_error) == (SENT, 3, "")
    assert failures(db, ticket) == []


def test_a_mail_refused_for_good_shows_on_the_ticket(app, db, users, login):
    ticket = make_ticket(users["client_user"], title="Printer jammed")
    with sink(app, Refusing(99, "550 5.1.1 No such user here")) as server:
        run_jobs(app)
        assert server.messages == [] and server.refused == 1
        row = only_row(db)
        assert row.state == FAILED and row.next_attempt_at is None
        assert delivery.retry_due(timeutil.utcnow() + timedelta(days=1)) == 0  # never tried again
    [failure] = failures(db, ticket)
    assert failure.startswith("user@acme.test:") and "550" in failure
    page = text(login("agent").get(f"/tickets/{ticket.number}"))
    assert "mail not delivered" in page and "No such user here" in page


def test_no_server_at_all_is_tried_to_the_last_attempt_then_given_up(app, db, users):
    app.config["MAIL_RETRY_MINUTES"] = ["1", "2"]
    try:
        with socket.socket() as probe:  # a port nobody listens on: connection refused
            probe.bind(("127.0.0.1", 0))
            app.config["MAIL_PORT"] = probe.getsockname()[1]
        ticket = make_ticket(users["client_user"], title="VPN down")
        run_jobs(app)
        assert (only_row(db).state, only_row(db).attempts) == (WAITING, 1)
        for attempt in (2, 3):
            assert failures(db, ticket) == []
            assert delivery.retry_due(only_row(db).next_attempt_at) == 1
            run_jobs(app)
            assert only_row(db).attempts == attempt
    finally:
        app.config["MAIL_RETRY_MINUTES"] = ["1", "5", "30", "120"]
        app.config["MAIL_PORT"] = 0
    row = only_row(db)
    assert row.state == FAILED and "Connection refused" in row.last_error
    [failure] = failures(db, ticket)
    assert "user@acme.test" in failure


def test_an_agents_public_files_travel_with_the_reply_and_a_notes_never(app, db, users, mailbox):
    ticket = make_ticket(users["client_user"], title="Screen flickers")
    run_jobs(app)
    mailbox.messages.clear()
    log = b"line one\nline two\n"
    services.add_note(users["agent"], ticket, "Internal: the driver dump", [Upload("driver-dump.log", b"secret\n")])
    services.reply(users["agent"], ticket, "Here is the fixed driver and a screenshot.",
                   [Upload("screen.png", PNG), Upload("../../etc/fix.log", log)])
    run_jobs(app)
    [answer] = mailbox.messages
    assert answer["To"] == "user@acme.test"
    files = {part.get_filename(): part.get_content() for part in answer.iter_attachments()}
    assert files == {"screen.png": PNG, "fix.log": "line one\nline two\n"}
    assert "driver-dump" not in answer.as_string() and "too large" not in mailbox.body(answer)


def test_files_over_the_cap_stay_in_the_portal_and_the_mail_says_so(app, db, users, mailbox):
    ticket = make_ticket(users["client_user"], title="Logs please")
    run_jobs(app)
    mailbox.messages.clear()
    app.config["MAIL_ATTACHMENTS_MAX_BYTES"] = 1000
    try:
        services.reply(users["agent"], ticket, "Three files.",
                       [Upload("small.png", PNG), Upload("big.log", b"x\n" * 600), Upload("bigger.log", b"y\n" * 700)])
        run_jobs(app)
    finally:
        app.config["MAIL_ATTACHMENTS_MAX_BYTES"] = 10 * 1024 * 1024
    [answer] = mailbox.messages
    assert [part.get_filename() for part in answer.iter_attachments()] == ["small.png"]
    assert "2 files are too large to travel by mail: they are in the portal." in mailbox.body(answer)
    assert f"/portal/tickets/{ticket.number}" in mailbox.body(answer)


@pytest.mark.parametrize(("error", "permanent"), [
    (ConnectionRefusedError(111, "Connection refused"), False),
    (smtplib.SMTPServerDisconnected("gone"), False),
    (smtplib.SMTPDataError(451, b"later"), False),
    (smtplib.SMTPDataError(554, b"never"), True),
    (smtplib.SMTPRecipientsRefused({"a@b": (550, b"no such user")}), True),
    (smtplib.SMTPRecipientsRefused({"a@b": (452, b"mailbox full for now")}), False),
])
def test_what_is_tried_again(error, permanent):
    assert delivery.is_permanent(error) is permanent


def test_attempts_wait_longer_each_time_and_end():
    now = timeutil.utcnow()
    minutes = ["1", "5", "30", "120"]
    waits = [delivery.next_attempt_at(attempts, now, minutes) for attempts in range(1, 6)]
    assert [w - now for w in waits[:4]] == [timedelta(minutes=m) for m in (1, 5, 30, 120)] and waits[4] is None



def test_an_invitation_and_the_ticket_mails_carry_our_headers(app, db, users, org_a, mailbox):
    from app.auth import services as accounts
    from app.auth.permissions import SHELL

    accounts.create_user(SHELL, email="new@acme.test", name="New Colleague", role="client_user", organization=org_a,
                         password=None, send_invitation=True)
    ticket = make_ticket(users["client_user"], title="Mail headers")
    run_jobs(app)
    by_to = {m["To"]: m for m in mailbox.messages}
    assert by_to["new@acme.test"]["Subject"] == "Welcome to Zayavka: choose your password"
    assert_ours(by_to["new@acme.test"])
    assert_ours(by_to["user@acme.test"], automatic="auto-replied", ticket=ticket.number)  # received
    mailbox.messages.clear()
    services.reply(users["agent"], ticket, "A person's answer.")
    run_jobs(app)
    [answer] = mailbox.messages
    assert_ours(answer, automatic=None, ticket=ticket.number)
