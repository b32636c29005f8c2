"""Reads of the mail channel: the quarantine (staff), and an inline image a reader may see."""
import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.mail import parse
from app.mail.models import QUARANTINED, InboundMail
from app.tickets import queries as ticket_queries
from app.tickets.models import Attachment, Ticket

RAW_SHOWN = 512 * 1024  # the raw source shown on the page; the rest is cut


def quarantined(limit: int = 200) -> list[InboundMail]:
    return list(db.session.scalars(sa.select(InboundMail).where(InboundMail.status == QUARANTINED)
                                   .order_by(InboundMail.id.desc()).limit(limit)))


def get_mail(mail_id: int) -> InboundMail:
    mail = db.session.get(InboundMail, mail_id)
    if mail is None:
        raise NotFound()
    return mail


def raw_source(mail: InboundMail) -> tuple[str, bool]:
    """The raw mail as text for reading (bytes that are no UTF-8 shown as replacement marks), and whether it was cut."""
    raw = mail.raw or b""
    return raw[:RAW_SHOWN].decode("utf-8", "replace"), len(raw) > RAW_SHOWN


def preview(mail: InboundMail, charsets) -> str:
    if not mail.raw or mail.size > RAW_SHOWN * 8:
        return ""
    parsed = parse.parse(mail.raw, charsets)
    return parsed.text[:5000]


def inline_image(user, sha256: str) -> Attachment:
    """An image a mail showed inline, found by its content, on a ticket the reader may see."""
    rows = db.session.execute(sa.select(Attachment.id, Ticket.number).join(Ticket, Attachment.ticket_id == Ticket.id)
                              .where(Attachment.sha256 == sha256, Attachment.content_type.like("image/%"))
                              .order_by(Attachment.id).limit(20)).all()
    for attachment_id, number in rows:
        ticket = ticket_queries.find_ticket(user, number)
        if ticket is None:
            continue
        try:
            return ticket_queries.get_attachment(user, ticket, attachment_id)
        except NotFound:
            continue
    raise NotFound()
