"""The mail gateway: one door for every incoming mail (the `flask mail ingest` pipe and
the IMAP poller both call ``ingest``).

1. ``store`` keeps the raw bytes with their Message-ID, in a unit of work of its own,
   before anything reads them: whatever happens next, the mail is not lost, and the
   same Message-ID stored twice is one row.
2. ``process`` reads it, finds its ticket and calls the ticket services the portal and
   the API call (create_ticket, reply, add_note), in one unit of work that also marks
   the mail ticketed. A mail the desk cannot place is quarantined; if processing
   fails in any way, the unit rolls back and ``ingest`` quarantines the mail in a
   third, naming the reason.
"""
import hashlib
import html
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import undefer

from app import timeutil
from app.auth import services as accounts
from app.auth.models import User
from app.auth.permissions import SHELL, can_view_ticket
from app.auth.roles import Role
from app.errors import ValidationError
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.mail import bounces, loops, parse, threads
from app.mail.models import (
    DISCARDED,
    QUARANTINED,
    QUIET,
    RECEIVED,
    TICKETED,
    AutoReply,
    InboundMail,
    MailReference,
)
from app.mail.senders import find_person, organization_for_domain, own_addresses, sender_and_bounce
from app.orgs.models import Organization
from app.text import has_control_chars
from app.tickets import attachments
from app.tickets import services as tickets
from app.tickets.models import Ticket
from app.transactions import transactional
from app.uploads import Upload

log = logging.getLogger(__name__)
QUEUE = "mail"


@dataclass
class Result:
    mail_id: int
    status: str
    ticket: str | None = None
    created: bool = False
    reason: str = ""

    def as_json(self) -> dict:
        if self.status == TICKETED:
            return {"ticket": self.ticket, "created": self.created, "message": self.mail_id}
        if self.status == QUARANTINED:
            return {"quarantined": self.mail_id, "reason": self.reason}
        return {"discarded": self.mail_id, "reason": self.reason}


def _result(mail: InboundMail) -> Result:
    return Result(mail.id, mail.status, mail.ticket.number if mail.ticket else None, mail.created, mail.reason)


# -- 1. store ------------------------------------------------------------------------

_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*<([^<>\s]{1,250})>", re.IGNORECASE | re.MULTILINE)


def message_id_of(raw: bytes) -> str:
    """The Message-ID, read from the raw header block without parsing the mail (or one made of its hash)."""
    head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0][:200_000]
    match = _MESSAGE_ID.search(head)
    if match:
        return match.group(1).decode("ascii", "replace")
    return f"{hashlib.sha256(raw).hexdigest()}@no-message-id.invalid"


@transactional
def store(raw: bytes, mailbox: str = "pipe") -> tuple[int, bool]:
    """The mail kept as it arrived: (its row's id, whether it is new). One INSERT … ON CONFLICT DO
    NOTHING RETURNING id, outside the ORM's flush; a Message-ID already stored returns nothing, and
    its row is read then."""
    message_id = message_id_of(raw)
    table = InboundMail.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    new_id = db.session.execute(
        insert(table).values(message_id=message_id, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), raw=raw,
                             mailbox=mailbox[:60], status=RECEIVED)
        .on_conflict_do_nothing(index_elements=[table.c.message_id]).returning(table.c.id)).scalar()
    if new_id is not None:
        return new_id, True
    return db.session.scalar(sa.select(InboundMail.id).where(InboundMail.message_id == message_id)), False


def ingest(raw: bytes, mailbox: str = "pipe") -> Result:
    """Store, then process; a mail already stored and decided is not processed again."""
    try:
        mail_id, new = store(raw, mailbox)
    except sa.exc.IntegrityError:  # the same Message-ID stored by another process just now
        db.session.rollback()
        mail_id, new = store(raw, mailbox)
    if not new:
        mail = db.session.get(InboundMail, mail_id)
        if mail.status != RECEIVED:
            return _result(mail)
    try:
        result = process(mail_id)
    except Exception as error:  # whatever went wrong, the mail waits for an agent
        db.session.rollback()
        log.warning("mail %s quarantined: %r", mail_id, error)
        quarantine(mail_id, _reason(error))
        result = None
    # What process decided is read before its commit; a mail another process placed meanwhile is read now.
    return result or _result(db.session.get(InboundMail, mail_id))


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in error.errors.items())[:255]
    return f"error: {type(error).__name__}: {error}"[:255]


@transactional
def quarantine(mail_id: int, reason: str) -> None:
    mail = db.session.get(InboundMail, mail_id)
    mail.status, mail.reason, mail.decided_at = QUARANTINED, reason[:255], timeutil.utcnow()


# -- 2. process ------------------------------------------------------------------------

def thread_of(parsed) -> Ticket | None:
    """The ticket this mail continues: its subject tag, else the Message-IDs it answers."""
    number = threads.subject_number(parsed.subject)
    if number is None:
        ids = (parsed.in_reply_to + list(reversed(parsed.references)))[:100]
        if ids:
            ticket_id = db.session.scalar(sa.select(MailReference.ticket_id).where(
                MailReference.message_id.in_(ids)).order_by(MailReference.id.desc()).limit(1))
            if ticket_id is not None:
                return db.session.get(Ticket, ticket_id)
        number = threads.referenced_number(ids)
    if number is None:
        return None
    return db.session.scalar(sa.select(Ticket).where(Ticket.number == number))


def may_write(person: User, ticket: Ticket) -> bool:
    """Staff, or a contact of the ticket's organization on a ticket a client may see."""
    if not person.active:
        return False
    if person.is_staff:
        return True
    return person.organization_id == ticket.organization_id and ticket.kind in tickets.CLIENT_KINDS


def _title(parsed, sender: str) -> str:
    subject = "".join(ch for ch in " ".join(parsed.subject.split()) if not has_control_chars(ch))
    if len(subject) > 200:
        subject = subject[:199].rstrip() + "…"
    if len(subject) < 3:
        subject = _("Mail from %(sender)s", sender=sender)[:200]
    return subject


def _uploads(parsed) -> tuple[list[Upload], list[str], dict[str, str]]:
    """The files the desk accepts, the refused ones with the reason, and cid → local image path."""
    accepted, refused, inline = [], [], {}
    for part in parsed.attachments:
        upload = Upload(part.filename or "attachment", part.data)
        try:
            media_type = attachments.sniff(upload)
        except ValueError as problem:
            refused.append(str(problem))
            continue
        accepted.append(upload)
        if part.content_id and media_type.startswith("image/"):
            inline[part.content_id] = f"/mail/inline/{hashlib.sha256(part.data).hexdigest()}"
    return accepted, refused, inline


def _point_home(html_text: str, inline: dict[str, str]) -> str:
    def local(match):
        return inline.get(match.group(2).strip(), "") and f'{match.group(1)}"{inline[match.group(2).strip()]}"'
    return re.sub(r'(src=)"cid:([^"]*)"', lambda m: local(m) or 'src=""', html_text)


def body_of(parsed, inline: dict[str, str], refused: list[str]) -> str:
    """The message as one HTML block: what was written, then the quotation folded away."""
    if parsed.html:
        new, quoted = parsed.html_new, parsed.html_quoted
    else:
        text_new, text_quoted = parse.trim_quoted(parsed.text)
        new, quoted = parse.text_to_html(text_new), parse.text_to_html(text_quoted)
    new, quoted = _point_home(new, inline), _point_home(quoted, inline)
    if not re.sub(r"<[^>]*>|&nbsp;|\s", "", new) and "<img" not in new:
        empty = _("(The mail had no text.)")
        new = f"<p>{empty}</p>"
    html_text = f"<div>{new}</div>"
    if quoted.strip():
        html_text += f"<details><summary>…</summary>{quoted}</details>"
    if refused:
        items = "".join(f"<li>{html.escape(reason)}</li>" for reason in refused)
        heading = _("Files not accepted:")
        html_text += f"<p>{heading}</p><ul>{items}</ul>"
    # One line, so that the Markdown renderer takes it as one block of HTML.
    return "<div>" + html_text.replace("\r", "").replace("\n", "&#10;") + "</div>"


def _note(ticket: Ticket, text: str) -> None:
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        tickets.add_note(SHELL, ticket, text, via="email")


def _quiet_reason(parsed, sender: str) -> str | None:
    reason = loops.automatic_reason(parsed, own_addresses())
    if reason:
        return reason
    since = timeutil.utcnow() - timedelta(hours=1)
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(AutoReply).where(
        AutoReply.address == sender, AutoReply.created_at >= since))
    if sent >= current_app.config["MAIL_AUTO_REPLY_LIMIT"]:
        return "auto-reply limit"
    return None


def answer_automatically(mail: InboundMail, parsed, template: str) -> None:
    """A mail of ours to the sender (too large, please register), unless loops forbid it."""
    if parsed.sender and _quiet_reason(parsed, parsed.sender) is None:
        db.session.add(AutoReply(address=parsed.sender))
        enqueue_after_commit("app.mail.jobs.answer_sender", mail.id, template, queue=QUEUE)


def _decide(mail: InboundMail, parsed, status: str, reason: str = "", ticket=None, message=None,
            created=False) -> None:
    """The decision, with the sender and subject read: one UPDATE of the row, at the commit (set
    earlier, they would go out with the services' first flush as an UPDATE of their own)."""
    mail.sender, mail.subject = parsed.sender, parsed.subject[:255]
    mail.status, mail.reason, mail.decided_at = status, reason[:255], timeutil.utcnow()
    mail.ticket, mail.created = ticket, created
    mail.ticket_message_id = message.id if message is not None else None
    if ticket is not None:
        db.session.add(MailReference(ticket_id=ticket.id, message_id=mail.message_id, direction="in",
                                     address=mail.sender))


def _bounce(mail: InboundMail, parsed) -> None:
    ticket, address = None, None
    if parsed.bounced_message_ids:
        sent = db.session.execute(sa.select(MailReference.ticket_id, MailReference.address,
                                            MailReference.direction).where(
            MailReference.message_id.in_(parsed.bounced_message_ids[:20])).limit(1)).first()
        if sent is not None:
            ticket = db.session.get(Ticket, sent.ticket_id)
            address = sent.address if sent.direction == "out" else None
    number = None if ticket else (threads.subject_number(parsed.bounced_subject)
                                  or threads.subject_number(parsed.subject))
    if number:
        ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
    if ticket is None:
        _decide(mail, parsed, DISCARDED, "bounce of no ticket's mail")
        return
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        text = _("A mail about this ticket could not be delivered.")
        note = f"{text}\n\n```\n{parsed.bounce_detail or parsed.subject}\n```"
    tickets.add_note(SHELL, ticket, note, via="email")
    address = address or bounces.bounced_address(parsed.bounce_detail)  # whom we wrote to, else the report's
    if address:
        bounces.flag(address, parsed.bounce_detail, ticket.id)
    _decide(mail, parsed, TICKETED, "bounce", ticket)


@transactional
def process(mail_id: int, *, person: User | None = None) -> Result | None:
    """Place a stored mail: a follow-up, a new ticket, a note, or the quarantine; its Result, or
    None when another process placed it meanwhile. ``person``: the contact an agent chose for a
    quarantined mail."""
    mail = db.session.get(InboundMail, mail_id, with_for_update=True, populate_existing=True,
                          options=[undefer(InboundMail.raw)])  # one placer; the raw bytes in the same read
    if mail.status != RECEIVED:
        return None
    with db.session.no_autoflush:  # the row's changes go out with the services' own flushes, not one more
        _place(mail, person)
    return _result(mail)


def _place(mail: InboundMail, person: User | None) -> None:
    config = current_app.config
    if mail.size > config["MAIL_MAX_BYTES"]:
        parsed = parse.parse(mail.raw[:65536].split(b"\n\n", 1)[0] + b"\n\n", config["MAIL_CHARSETS"])
        _decide(mail, parsed, QUARANTINED, "too large")
        answer_automatically(mail, parsed, "too_large")
        return
    parsed = parse.parse(mail.raw, config["MAIL_CHARSETS"])
    if not mail.raw.strip():
        return _decide(mail, parsed, QUARANTINED, "empty")
    if loops.is_bounce(parsed):
        return _bounce(mail, parsed)
    if not parsed.sender:
        return _decide(mail, parsed, QUARANTINED, "no sender")
    if parsed.sender in own_addresses():
        return _decide(mail, parsed, DISCARDED, "from our own address")
    bounced = True  # unless the look-up below says the address has no bounce to clear
    if person is None:
        person, bounced = sender_and_bounce(parsed.sender)
    if person is None:
        person, bounced = _unknown_sender(mail, parsed), True
        if person is None:
            return None
    if not person.active:
        return _decide(mail, parsed, QUARANTINED, "sender's account is deactivated")
    if bounced:
        bounces.clear([parsed.sender])  # mail from the address: it works again
    ticket = thread_of(parsed)
    uploads, refused, inline = _uploads(parsed)
    body = body_of(parsed, inline, refused)
    if ticket is not None and may_write(person, ticket) and ticket.status != "closed" and not ticket.merged_into_id:
        if person.is_client and person not in ticket.watchers and not can_view_ticket(person, ticket):
            ticket.watchers.append(person)  # a colleague who answered the thread joins it
        message = tickets.reply(person, ticket, body, uploads, via="email")
        return _decide(mail, parsed, TICKETED, "", ticket, message)
    if person.is_staff:
        return _decide(mail, parsed, QUARANTINED, "staff mail that names no ticket")
    quiet = _quiet_reason(parsed, parsed.sender)
    session_info = db.session.info
    session_info[QUIET] = bool(quiet)
    try:
        ours = own_addresses()
        others = [address for address in dict.fromkeys(parsed.to + parsed.cc) if address not in ours][:20]
        watchers = [colleague for colleague in map(find_person, others)
                    if colleague is not None and colleague.is_client and colleague.active
                    and colleague.organization_id == person.organization_id and colleague.id != person.id]
        new = tickets.create_ticket(person, kind="incident", title=_title(parsed, parsed.sender), description=body,
                                    uploads=uploads, via="email", watchers=watchers,
                                    arrival={"mailbox": mail.mailbox, "addresses": parsed.to + parsed.cc})
    finally:
        session_info.pop(QUIET, None)
    if not quiet:
        db.session.add(AutoReply(address=parsed.sender))
    if ticket is not None:
        with force_locale(config["DEFAULT_LOCALE"]):
            _note(ticket, _("A mail from %(sender)s about this ticket was not added here: it opened %(number)s.",
                            sender=parsed.sender, number=new.number))
    _decide(mail, parsed, TICKETED, quiet or "", new, created=True)


def _unknown_sender(mail: InboundMail, parsed) -> User | None:
    policy = current_app.config["MAIL_UNKNOWN_SENDERS"]
    if policy == "create" and not loops.is_robot(parsed.sender):
        organization = organization_for_domain(parsed.sender)
        if organization is not None:
            name = parsed.sender_name.strip() or parsed.sender.split("@")[0]
            name = "".join(ch for ch in name if not has_control_chars(ch))[:120] or parsed.sender[:120]
            return accounts.create_user(SHELL, email=parsed.sender, name=name, role=Role.CLIENT_USER,
                                        organization=organization, send_invitation=False)
    if policy == "register":
        _decide(mail, parsed, QUARANTINED, "unknown sender, asked to register")
        answer_automatically(mail, parsed, "please_register")
        return None
    _decide(mail, parsed, QUARANTINED, "unknown sender")
    return None


# -- the agents' decisions ---------------------------------------------------------------

@transactional
def turn_into_ticket(actor, mail: InboundMail, organization: Organization | None = None) -> InboundMail:
    """An agent's "turn into ticket": the sender becomes a contact of ``organization`` if need be."""
    tickets.require_staff(actor)
    if mail.status != QUARANTINED:
        raise ValidationError.single("mail", _("This mail is no longer in the quarantine."))
    if mail.size > current_app.config["MAIL_MAX_BYTES"] or not (mail.raw or b"").strip():
        raise ValidationError.single("mail", _("This mail is too large or empty to become a ticket."))
    parsed = parse.parse(mail.raw, current_app.config["MAIL_CHARSETS"])
    person = find_person(parsed.sender) if parsed.sender else None
    if person is None:
        if organization is None:
            raise ValidationError.single("organization", _("Choose the organization the sender belongs to."))
        if not parsed.sender:
            raise ValidationError.single("mail", _("This mail names no sender."))
        name = "".join(ch for ch in (parsed.sender_name or parsed.sender.split("@")[0]) if not has_control_chars(ch))
        # The agent decides; the contact is made as the gateway makes one (agents cannot add accounts otherwise).
        person = accounts.create_user(SHELL, email=parsed.sender, name=name[:120] or parsed.sender[:120],
                                      role=Role.CLIENT_USER, organization=organization, send_invitation=False)
    mail.status = RECEIVED
    process(mail.id, person=person)
    if mail.status != TICKETED:
        raise ValidationError.single("mail", _("This mail could not become a ticket: %(reason)s", reason=mail.reason))
    mail.decided_by_id = actor.id
    return mail


@transactional
def discard(actor, mail: InboundMail) -> None:
    """Out of the quarantine; the raw source stays for MAIL_RETENTION_DAYS."""
    tickets.require_staff(actor)
    if mail.status != QUARANTINED:
        raise ValidationError.single("mail", _("This mail is no longer in the quarantine."))
    mail.status, mail.decided_at, mail.decided_by_id = DISCARDED, timeutil.utcnow(), actor.id


@transactional
def purge_discarded() -> int:
    """Drop the raw source of mail discarded more than MAIL_RETENTION_DAYS ago."""
    before = timeutil.utcnow() - timedelta(days=current_app.config["MAIL_RETENTION_DAYS"])
    return db.session.execute(sa.update(InboundMail).where(
        InboundMail.status == DISCARDED, InboundMail.decided_at < before, InboundMail.raw.is_not(None))
        .values(raw=None)).rowcount
