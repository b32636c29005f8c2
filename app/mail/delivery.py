"""Handing mail to SMTP, and trying again when the server cannot take it now.

The first attempt happens in the job that wrote the mail (outbound.deliver). When the server
is away or answers 4xx, the mail's bytes are kept as an OutboundMail row waiting for its next
attempt, MAIL_RETRY_MINUTES later (1, 5, 30, 120 by default); a periodic sweep asks the outbox
for one job per due row and attempt (its key ``mail-retry:<id>:<attempt>``), and that job claims
the row (waiting → sending, a conditional UPDATE) before it talks to SMTP: a mail is offered once
per attempt, never twice. A 5xx answer, or a failure at the last attempt, gives the mail up: the
row says failed and its ticket gets the "mail not delivered" event the agents see in its history.
"""
import email.utils
import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from app import timeutil
from app.extensions import db
from app.jobs import enqueue_unique_after_commit, job
from app.mail.models import FAILED, SENDING, SENT, WAITING, OutboundMail
from app.tickets.models import Ticket
from app.tickets.services import record
from app.transactions import unit_of_work

log = logging.getLogger(__name__)
QUEUE = "mail"
RETRY = "app.mail.delivery.retry"
SMTP_ERRORS = (OSError, smtplib.SMTPException)


def is_permanent(error: Exception) -> bool:
    """A 5xx answer says the mail will never be taken; no connection, a dropped one or a 4xx
    answer may pass later. PURE."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def next_attempt_at(attempts: int, now: datetime, minutes: list) -> datetime | None:
    """When attempt ``attempts + 1`` is due after ``attempts`` failed, or None: give up. PURE."""
    if attempts > len(minutes):
        return None
    return now + timedelta(minutes=float(minutes[attempts - 1]))


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as SMTP carries it (CRLF line ends), and as a retry offers it again."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def envelope_sender() -> str:
    return email.utils.parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def envelope(message: EmailMessage) -> tuple[str, list[str]]:
    recipients = [address for _name, address in email.utils.getaddresses(message.get_all("To", []))
                  if address]
    return envelope_sender(), recipients


def transmit(sender: str, recipients: list[str], data: bytes) -> None:
    """One SMTP conversation; raises what smtplib or the socket raise."""
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.sendmail(sender, recipients, data)


def send(message: EmailMessage, ticket_id: int | None = None) -> bool:
    """The first attempt. True when SMTP took the mail; otherwise it waits for its next attempt
    (or is given up) and False is returned — the job that wrote it goes on with its other mails."""
    sender, recipients = envelope(message)
    data = wire_bytes(message)
    try:
        transmit(sender, recipients, data)
        return True
    except SMTP_ERRORS as error:
        row = OutboundMail(ticket_id=ticket_id, recipient=", ".join(recipients)[:254],
                           subject=str(message["Subject"] or "")[:255], raw=data, attempts=1)
        with unit_of_work():
            db.session.add(row)
            _failed(row, error, timeutil.utcnow())
        return False


def _failed(row: OutboundMail, error: Exception, now: datetime) -> None:
    """After a failed attempt: wait for the next one, or give up and say so on the ticket."""
    row.last_error = f"{type(error).__name__}: {error}"[:500]
    due = None if is_permanent(error) else next_attempt_at(
        row.attempts, now, current_app.config["MAIL_RETRY_MINUTES"])
    if due is not None:
        row.state, row.next_attempt_at = WAITING, due
        log.warning("mail to %s not sent (attempt %d), next at %s: %s", row.recipient, row.attempts, due, error)
        return
    row.state, row.next_attempt_at, row.finished_at = FAILED, None, now
    log.error("mail to %s given up after %d attempts: %s", row.recipient, row.attempts, error)
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    if ticket is not None:
        record(ticket, None, "mail_failed", None, f"{row.recipient}: {error}"[:500], version=ticket.version)


def retry_due(now: datetime, limit: int = 500) -> int:
    """Ask for one job per mail whose next attempt is due (keyed by the attempt: asked twice,
    it is one job). Returns how many were asked for."""
    with unit_of_work():
        rows = db.session.execute(sa.select(OutboundMail.id, OutboundMail.attempts).where(
            OutboundMail.state == WAITING, OutboundMail.next_attempt_at <= now)
            .order_by(OutboundMail.next_attempt_at).limit(limit)).all()
        return enqueue_unique_after_commit(RETRY, [(f"mail-retry:{row_id}:{attempts}", [row_id])
                                                   for row_id, attempts in rows], queue=QUEUE)


@job
def retry_due_job() -> int:
    """Periodic (every minute)."""
    return retry_due(timeutil.utcnow())


@job
def retry(mail_id: int) -> bool:
    """One more attempt at a waiting mail; the row is claimed first, so one worker offers it."""
    with unit_of_work():
        claimed = db.session.execute(sa.update(OutboundMail).where(
            OutboundMail.id == mail_id, OutboundMail.state == WAITING).values(
            state=SENDING, attempts=OutboundMail.attempts + 1))
        if claimed.rowcount != 1:
            return False
    row = db.session.get(OutboundMail, mail_id)
    try:
        transmit(envelope_sender(), [address.strip() for address in row.recipient.split(",")], row.raw)
    except SMTP_ERRORS as error:
        with unit_of_work():
            _failed(row, error, timeutil.utcnow())
        return False
    with unit_of_work():
        row.state, row.next_attempt_at, row.finished_at, row.last_error = SENT, None, timeutil.utcnow(), ""
    return True
