"""What the mail channel keeps: every incoming mail as it arrived, the Message-IDs
that thread a ticket's mail, and the automatic answers sent (for the rate limit)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


def _now():
    return utcnow()


RECEIVED, TICKETED, QUARANTINED, DISCARDED = "received", "ticketed", "quarantined", "discarded"
STATUSES = (RECEIVED, TICKETED, QUARANTINED, DISCARDED)
# Set in the session while the gateway opens a ticket that must not be answered automatically.
QUIET = "zayavka.mail.quiet"


class InboundMail(db.Model):
    """One incoming mail, stored before anything parses it. The Message-ID is unique:
    the same mail delivered twice (two mailboxes, an MTA retry) is kept once."""

    __tablename__ = "mail_inbound"
    __table_args__ = (
        sa.Index("ix_mail_inbound_status", "status", "id"),
        sa.CheckConstraint("status IN ('received', 'ticketed', 'quarantined', 'discarded')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    raw: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))  # emptied when a discard expires
    mailbox: Mapped[str] = mapped_column(sa.String(60), default="pipe")
    sender: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(255), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=RECEIVED)
    reason: Mapped[str] = mapped_column(sa.String(255), default="")
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    ticket_message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id"))
    created: Mapped[bool] = mapped_column(default=False)  # it opened its ticket
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    ticket = relationship("Ticket")
    decided_by = relationship("User")


class MailReference(db.Model):
    """A Message-ID a ticket sent (out) or received (in): replies find their ticket by it."""

    __tablename__ = "mail_references"
    __table_args__ = (sa.Index("ix_mail_references_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    message_id: Mapped[str] = mapped_column(sa.String(255), index=True)
    direction: Mapped[str] = mapped_column(sa.String(3))  # in | out
    address: Mapped[str] = mapped_column(sa.String(254), default="")  # the recipient of an outgoing mail
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AutoReply(db.Model):
    """An automatic answer sent to an address; counted for MAIL_AUTO_REPLY_LIMIT."""

    __tablename__ = "mail_auto_replies"
    __table_args__ = (sa.Index("ix_mail_auto_replies_address", "address", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


# An outgoing mail SMTP did not take at the first attempt: waiting for its next attempt, being
# sent (claimed by one worker), sent at a later attempt, or failed for good.
WAITING, SENDING, SENT, FAILED = "waiting", "sending", "sent", "failed"


class OutboundMail(db.Model):
    """A mail kept as the bytes that were offered to SMTP, to be offered again (app/mail/delivery.py).
    The same bytes each time: the same Message-ID, so a client's mail program sees one mail."""

    __tablename__ = "mail_outbound"
    __table_args__ = (
        sa.Index("ix_mail_outbound_due", "state", "next_attempt_at"),
        sa.CheckConstraint("state IN ('waiting', 'sending', 'sent', 'failed')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(255), default="")
    raw: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    state: Mapped[str] = mapped_column(sa.String(16), default=WAITING)
    attempts: Mapped[int] = mapped_column(default=1)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BouncedAddress(db.Model):
    """An address our mail bounced from, until a mail from it arrives again (``cleared_at``).
    One row per address (lower case); a new bounce sets it again."""

    __tablename__ = "mail_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254), unique=True)
    bounced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
