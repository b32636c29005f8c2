"""Service levels in the database: working calendars (with dated holiday and exception rows),
policies, which organization runs on which policy, and each ticket's clock and thresholds.

The ticket core owns the indexed columns it sorts and sweeps by (tickets.first_response_due,
resolution_due, next_sla_check_at); this package writes them."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime

TARGETS = ("first_response", "next_response", "resolution")


class SlaCalendar(TimestampMixin, db.Model):
    """Working hours of one zone. ``version`` moves on every change of the week or of a dated row."""

    __tablename__ = "sla_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    weekly: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {"mon": [["09:00", "18:00"]], …}
    version: Mapped[int] = mapped_column(default=1)
    # Where "import holidays" took them from: the yearly job extends the same (sla/jobs.py).
    holiday_country: Mapped[str | None] = mapped_column(sa.String(2))
    holiday_subdivision: Mapped[str | None] = mapped_column(sa.String(10))

    days = relationship("SlaCalendarDay", back_populates="calendar", order_by="SlaCalendarDay.day",
                        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<SlaCalendar {self.name} v{self.version}>"


class SlaCalendarDay(db.Model):
    """A dated row of a calendar: a holiday (no working time), or an exception whose intervals
    replace the week's for that date (a working Saturday, a short 24 December)."""

    __tablename__ = "sla_calendar_days"
    __table_args__ = (sa.UniqueConstraint("calendar_id", "day", name="uq_sla_calendar_days_day"),
                      sa.CheckConstraint("kind IN ('holiday', 'exception')", name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("sla_calendars.id"))
    day: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    intervals: Mapped[list] = mapped_column(sa.JSON, default=list)  # for an exception

    calendar = relationship("SlaCalendar", back_populates="days")


class SlaCalendarVersion(db.Model):
    """What a calendar was at one version (sla.policy.calendar_data's mapping), written with every
    change: a clock runs on the version it recorded, so a change never rewrites a clock's past."""

    __tablename__ = "sla_calendar_versions"

    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("sla_calendars.id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlaPolicy(TimestampMixin, db.Model):
    """A calendar, targets in business minutes per priority, pausing statuses, escalation levels.

    targets: {"1": {"first_response": 30, "next_response": 60, "resolution": 240}, … "4": {…}}
    levels:  [{"percent": 75, "action": "notify_assignee"}, …, {"percent": 100, "action": "notify_managers"}]
    """

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("sla_calendars.id"), index=True)
    kind: Mapped[str | None] = mapped_column(sa.String(16))  # incident, request, or None for both
    targets: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    pause_statuses: Mapped[list] = mapped_column(sa.JSON, default=list)
    levels: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_default: Mapped[bool] = mapped_column(default=False)  # the provider's default for its kind
    active: Mapped[bool] = mapped_column(default=True)
    # Escalation mails wait for the recipient's working hours (this calendar's week, their zone).
    mail_in_working_hours: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    calendar = relationship("SlaCalendar")

    def __repr__(self) -> str:
        return f"<SlaPolicy {self.name}>"


organization_policies = sa.Table(
    "sla_organization_policies",
    db.metadata,
    sa.Column("organization_id", sa.ForeignKey("organizations.id"), primary_key=True),
    sa.Column("policy_id", sa.ForeignKey("sla_policies.id"), primary_key=True, index=True),
)


class TicketClock(db.Model):
    """A ticket's clock: the policy and calendar version it runs on, and its segments
    [{"state": "running"|"paused"|"stopped", "from": ISO, "to": ISO|None, "why": status}],
    from which every due time, remaining minute and breach is derived (sla/clock.py)."""

    __tablename__ = "sla_clocks"
    __table_args__ = (sa.Index("ix_sla_clocks_started_at", "started_at"),)  # the month's compliance

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("sla_policies.id"), index=True)
    # The calendar and its version this clock runs on (None: the policy's, an older clock).
    calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sla_calendars.id"))
    calendar_version: Mapped[int] = mapped_column(default=1)
    # The policy's targets, pausing statuses and levels when the clock started (or was replayed):
    # editing a policy changes new clocks, not the past of running or finished ones.
    terms: Mapped[dict | None] = mapped_column(sa.JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    segments: Mapped[list] = mapped_column(sa.JSON, default=list)
    first_response_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_response_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a client's message waits
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_breached: Mapped[bool] = mapped_column(default=False)
    next_response_breached: Mapped[bool] = mapped_column(default=False)
    resolution_breached: Mapped[bool] = mapped_column(default=False)

    policy = relationship("SlaPolicy")
    # ticket.sla_clock, for the channels that show it (the core itself never reads it).
    ticket = relationship("Ticket", backref=backref("sla_clock", uselist=False, lazy="select"))


class SlaThreshold(db.Model):
    """One escalation level of one target of one ticket: when it is due (``at``, empty while
    the clock is paused or the target met) and when the sweep fired it."""

    __tablename__ = "sla_thresholds"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "target", "level", name="uq_sla_thresholds_level"),
                      sa.Index("ix_sla_thresholds_due", "ticket_id", "fired_at", "at"),
                      sa.Index("ix_sla_thresholds_fired", "percent", "fired_at"))  # the breach list

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    target: Mapped[str] = mapped_column(sa.String(20))
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    percent: Mapped[int] = mapped_column(sa.SmallInteger)
    action: Mapped[str] = mapped_column(sa.String(30))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SlaDeferredMail(db.Model):
    """An escalation mail that waits for its recipient's working hours; the sweep sends it then."""

    __tablename__ = "sla_deferred_mails"
    __table_args__ = (sa.Index("ix_sla_deferred_mails_due", "sent_at", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    threshold_id: Mapped[int] = mapped_column(sa.ForeignKey("sla_thresholds.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
