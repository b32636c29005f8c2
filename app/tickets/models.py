"""The ticket core shared by every ITIL kind: tickets, their conversation,
attachments, history, links, watchers, time and canned answers."""
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.tickets import attachments
from app.timeutil import TimestampMixin, UTCDateTime, utcnow


def _now():
    return utcnow()


NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)  # the nearest due time of a ticket without one


ticket_watchers = sa.Table(
    "ticket_watchers",
    db.metadata,
    sa.Column("ticket_id", sa.ForeignKey("tickets.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class TicketSequence(db.Model):
    """The last number handed out per kind (INC-1, INC-2 …); bumped atomically."""

    __tablename__ = "ticket_sequences"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class Ticket(TimestampMixin, db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # The workspace's lists, each an index range scan in its sort order.
        sa.Index("ix_tickets_team_queue", "team_id", "is_open", "priority", "id"),
        sa.Index("ix_tickets_team_activity", "team_id", "is_open", "last_activity_at", "id"),
        sa.Index("ix_tickets_assignee_queue", "assignee_id", "is_open", "priority", "id", "status"),
        sa.Index("ix_tickets_org_activity", "organization_id", "is_open", "last_activity_at", "id"),
        sa.Index("ix_tickets_open_priority", "is_open", "priority", "id"),
        sa.Index("ix_tickets_open_activity", "is_open", "last_activity_at", "id"),
        sa.Index("ix_tickets_open_team", "is_open", "team_id", "priority", "assignee_id"),  # backlog, unassigned
        sa.Index("ix_tickets_open_id", "is_open", "id"),  # the oldest open tickets
        sa.Index("ix_tickets_approval", "approval_status", "status"),  # what waits for a decision (CAB, requests)
        sa.Index("ix_tickets_requester", "requester_id", "last_activity_at"),
        sa.Index("ix_tickets_major_open", "major", "is_open"),
        sa.Index("ix_tickets_status_resolved", "status", "resolved_at"),
        sa.Index("ix_tickets_priority", "priority", "id"),  # everything by priority
        sa.Index("ix_tickets_org_recent", "organization_id", "last_activity_at", "id"),  # an organization's history
        sa.Index("ix_tickets_merged_into", "merged_into_id"),  # deleting tickets checks this foreign key
        sa.Index("ix_tickets_rated_at", "rated_at"),  # ratings by when given: the managers' home, the CSAT tile
        # Service levels (written by sla/, read by the lists and the sweep).
        sa.Index("ix_tickets_first_response_due", "first_response_due"),
        sa.Index("ix_tickets_resolution_due", "resolution_due"),
        sa.Index("ix_tickets_next_sla_check_at", "next_sla_check_at"),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        sa.CheckConstraint("impact BETWEEN 1 AND 3 AND urgency BETWEEN 1 AND 3", name="impact_urgency"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # sanitized HTML
    status: Mapped[str] = mapped_column(sa.String(24))
    is_open: Mapped[bool] = mapped_column(default=True)  # the status is not a final one (see workflow)
    impact: Mapped[int] = mapped_column(sa.SmallInteger, default=2)
    urgency: Mapped[int] = mapped_column(sa.SmallInteger, default=2)
    priority: Mapped[int] = mapped_column(sa.SmallInteger, default=3)
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    affected_system: Mapped[str] = mapped_column(sa.String(200), default="")
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    requester_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(sa.String(10), default="web")
    major: Mapped[bool] = mapped_column(default=False)
    resolution_code: Mapped[str | None] = mapped_column(sa.String(40))
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"))
    request_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("request_items.id"))
    request_data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    approval_status: Mapped[str | None] = mapped_column(sa.String(16))
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)  # the client's 1–5 after resolution
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Service levels: the due times of the running timers (empty while paused or met) and when
    # the escalation sweep must look at the ticket next; sla/ keeps them, the core sorts by them.
    first_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_sla_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    organization = relationship("Organization")
    requester = relationship("User", foreign_keys=[requester_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    team = relationship("Team")
    assignee = relationship("User", foreign_keys=[assignee_id])
    rated_by = relationship("User", foreign_keys=[rated_by_id])
    merged_into = relationship("Ticket", remote_side=[id])
    request_item = relationship("RequestItem")
    watchers = relationship("User", secondary=ticket_watchers, order_by="User.name")
    messages = relationship("Message", back_populates="ticket", order_by="Message.id")
    attachments = relationship("Attachment", back_populates="ticket", order_by="Attachment.id")

    @property
    def sla_due(self) -> datetime:
        """The nearest due time (first response, else resolution); NO_DUE sorts after every date."""
        return self.first_response_due or self.resolution_due or NO_DUE

    def __repr__(self) -> str:
        return f"<Ticket {self.number}>"


class Message(db.Model):
    """One entry of the conversation: a public reply or an internal note."""

    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    internal: Mapped[bool] = mapped_column(default=False)
    body_html: Mapped[str] = mapped_column(sa.Text)  # sanitized
    body_text: Mapped[str] = mapped_column(sa.Text, default="")  # plain text, for search and mail
    via: Mapped[str] = mapped_column(sa.String(10), default="web")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    ticket = relationship("Ticket", back_populates="messages")
    author = relationship("User")
    attachments = relationship("Attachment", back_populates="message", order_by="Attachment.id")


class Attachment(db.Model):
    """A file on a message, stored content-addressed (by its SHA-256) outside the database."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("messages.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    ticket = relationship("Ticket", back_populates="attachments")
    message = relationship("Message", back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@sa.event.listens_for(Attachment, "before_insert")
def _name_after_content(_mapper, _connection, attachment: Attachment) -> None:
    """However a file arrives (portal, agent, API, mail), it is kept under a name whose
    extension says what its content was recognized as (text is .txt, .log or .csv)."""
    attachment.filename = attachments.stored_name(attachment.filename, attachment.content_type)


class Event(db.Model):
    """One change to a ticket: who, when, which field, from what to what."""

    __tablename__ = "ticket_events"
    __table_args__ = (sa.Index("ix_ticket_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
    ticket_version: Mapped[int] = mapped_column(default=1)  # the ticket's version this change produced
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    actor = relationship("User")


class Link(db.Model):
    """A typed relation between two tickets, read from source to target:
    INC-1 caused_by PRB-2, PRB-2 fixed_by CHG-3, INC-4 duplicate_of INC-1, INC-9 child_of INC-8."""

    __tablename__ = "ticket_links"
    __table_args__ = (sa.UniqueConstraint("source_id", "target_id", "kind", name="uq_ticket_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    source = relationship("Ticket", foreign_keys=[source_id])
    target = relationship("Ticket", foreign_keys=[target_id])


class Worklog(db.Model):
    """Time an agent spent on a ticket."""

    __tablename__ = "worklogs"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    minutes: Mapped[int]
    billable: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    work_date: Mapped[date] = mapped_column(sa.Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    user = relationship("User")


class CannedResponse(TimestampMixin, db.Model):
    """A prepared answer for a team (or for everyone), with placeholders."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)

    team = relationship("Team")


class SavedFilter(db.Model):
    """A named set of workspace filters of one agent."""

    __tablename__ = "saved_filters"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_filters_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    query: Mapped[str] = mapped_column(sa.String(1000))
