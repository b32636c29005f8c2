"""Mail about a ticket: to its client side (the requester and the colleagues in copy),
and to the engineers on it when the client writes.

The ticket core announces what happened at its doors (app/tickets/doors.py); the
receivers here ask for a mail job (an outbox row in the same transaction), which
runs once the action has committed. Jobs are functions of ids; each mail is
written in its reader's language, and its subject carries the ticket number
("[INC-42] …") so that replies find their way back."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.jobs import enqueue_after_commit, job
from app.mail import outbound
from app.mail.models import QUIET
from app.tickets import doors
from app.tickets.models import Message, Ticket
from app.tickets.numbering import subject_tag
from app.tickets.services import CLIENT_KINDS  # the kinds a client sees, and hears of
from app.tickets.workflow import STATUS_LABELS

QUEUE = "mail"


def recipients(ticket: Ticket, *, skip=None) -> list:
    """Active contacts of the ticket's organization who follow it: requester first, then CCs."""
    people = [ticket.requester, *ticket.watchers]
    chosen, seen = [], set()
    for person in people:
        if person is None or person.id in seen or not person.is_client or not person.active or not person.email:
            continue
        if person.organization_id != ticket.organization_id or (skip is not None and person.id == skip):
            continue
        seen.add(person.id)
        chosen.append(person)
    return chosen


def engineers(ticket: Ticket, *, skip=None) -> list:
    """Active staff on the ticket: its assignee, then staff who follow it."""
    chosen, seen = [], set()
    for person in [ticket.assignee, *ticket.watchers]:
        if person is None or person.id in seen or not person.is_staff or not person.active or not person.email:
            continue
        if skip is not None and person.id == skip:
            continue
        seen.add(person.id)
        chosen.append(person)
    return chosen


def _send(ticket: Ticket, people, template: str, subject, endpoint: str = "portal.ticket", automatic: bool = False,
          files=(), **context) -> None:
    """One mail per reader, in the reader's language. ``subject`` is a function: it runs in that language.
    Each is threaded and recorded on the ticket (outbound.deliver); ``automatic`` mails say so
    (Auto-Submitted); ``files``: attachments to carry, as far as MAIL_ATTACHMENTS_MAX_BYTES goes."""
    link = outbound.external_url(endpoint, number=ticket.number)
    tag = subject_tag(ticket.number)
    carried, left_out = outbound.files_that_fit(files, current_app.config["MAIL_ATTACHMENTS_MAX_BYTES"])
    for person in people:
        with force_locale(person.locale or current_app.config["DEFAULT_LOCALE"]):
            message = outbound.build(person.email, f"{tag} {subject()}", f"tickets/{template}",
                                     ticket=ticket, person=person, link=link, tag=tag, left_out=len(left_out),
                                     status_label=str(STATUS_LABELS.get(ticket.status, ticket.status)), **context)
        outbound.attach(message, carried)
        outbound.deliver(message, ticket=ticket, automatic=outbound.AUTO_REPLIED if automatic else None)


@job
def ticket_received(ticket_id: int) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        return
    _send(ticket, recipients(ticket), "received", lambda: _("We received your ticket: %(title)s", title=ticket.title),
          automatic=True)


@job
def message_posted(message_id: int) -> None:
    """A public message: everyone on the client side but its author hears of it, and when a
    client wrote it, the engineers on the ticket too."""
    message = db.session.get(Message, message_id)
    if message is None or message.internal:
        return
    ticket = message.ticket
    author = message.author.name if message.author else _("Zayavka")
    _send(ticket, recipients(ticket, skip=message.author_id), "message",
          lambda: _("New reply: %(title)s", title=ticket.title), message=message, author=author,
          files=list(message.attachments))  # a public message's own files (an internal note is never mailed)
    if message.author is not None and message.author.is_client:
        _send(ticket, engineers(ticket), "client_wrote", lambda: _("%(name)s wrote: %(title)s", name=author,
                                                                   title=ticket.title),
              endpoint="tickets.detail", message=message, author=author)


@job
def status_changed(ticket_id: int, status: str, actor_id: int | None = None) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.status != status:  # changed again since: the later job speaks
        return
    subjects = {
        "pending": lambda: _("We need your answer: %(title)s", title=ticket.title),
        "resolved": lambda: _("Resolved: %(title)s", title=ticket.title),
        "closed": lambda: _("Closed: %(title)s", title=ticket.title),
        "open": lambda: _("Reopened: %(title)s", title=ticket.title),
    }
    rate_link = outbound.external_url("portal.ticket", number=ticket.number, _anchor="rate")
    _send(ticket, recipients(ticket, skip=actor_id), "status", subjects[status], automatic=True, rate_link=rate_link,
          reopen_days=current_app.config["REOPEN_DAYS"])


# -- at the ticket core's doors ---------------------------------------------------

def on_created(ticket, *, actor) -> None:
    if ticket.kind in CLIENT_KINDS and not db.session.info.get(QUIET):  # the gateway silences auto-replies
        enqueue_after_commit("app.mail.notify.ticket_received", ticket.id, queue=QUEUE)


def on_message(message, *, actor) -> None:
    if not message.internal:
        enqueue_after_commit("app.mail.notify.message_posted", message.id, queue=QUEUE)


def on_status(ticket, *, actor, old: str, new: str, side: str) -> None:
    reopened = new == "open" and old in ("resolved", "closed")
    if ticket.kind in CLIENT_KINDS and (new in ("pending", "resolved", "closed") or reopened):
        enqueue_after_commit("app.mail.notify.status_changed", ticket.id, new, actor.id if actor else None,
                             queue=QUEUE)


def init_app(app) -> None:
    doors.ticket_created.connect(on_created)
    doors.message_posted.connect(on_message)
    doors.status_changed.connect(on_status)
