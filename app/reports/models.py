"""What the reports keep beside the SLA engine's clocks: each ticket's first-response and
resolution times in business minutes, computed once from the clock's segments (sla/clock.py) by
a periodic job (app/reports/rollup.py), so that medians and percentiles are read from one
numeric column instead of replaying every clock for every report."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.tickets.models import Ticket
from app.timeutil import UTCDateTime


class SlaMinutes(db.Model):
    """One ticket's business minutes to its first response and to its resolution, and the met
    instants they were computed for (a reopened or re-answered clock no longer matches, and the
    job computes it again)."""

    __tablename__ = "report_sla_minutes"
    __table_args__ = (sa.Index("ix_report_sla_minutes_resolved_at", "resolved_at"),  # resolved per day
                      # an organization's clocks started in a period: its medians and breaches
                      sa.Index("ix_report_sla_minutes_org_started", "organization_id", "started_at"),
                      # every clock of a period with its organization and minutes, from the index
                      # alone: the medians of a report by organization (or of its total)
                      sa.Index("ix_report_sla_minutes_started", "started_at", "organization_id",
                               "first_response_minutes", "resolution_minutes"))

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    first_response_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_minutes: Mapped[float | None] = mapped_column(sa.Float)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_minutes: Mapped[float | None] = mapped_column(sa.Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The ticket's organization and its clock's start, copied by the job (a row per clock that is
    # met, resolved or breached), so one organization's rows of a period are found by index.
    organization_id: Mapped[int | None]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MonthlyDelivery(db.Model):
    """The monthly report of one organization and month was mailed (asked for): the periodic job
    mails each once."""

    __tablename__ = "report_monthly_deliveries"

    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)



# Tickets changed since a time: the daily roll-up's job finds the days to build again through it.
sa.Index("ix_tickets_updated_at", Ticket.updated_at)
# An organization's incidents and changes created in a month: the client's monthly report.
sa.Index("ix_tickets_org_kind_created", Ticket.organization_id, Ticket.kind, Ticket.created_at)
# An organization's open major incidents: the portal's banner on every page (the monthly report's
# too). With ix_tickets_org_kind_created the planner read the organization's every incident.
sa.Index("ix_tickets_org_kind_major_open", Ticket.organization_id, Ticket.kind, Ticket.major, Ticket.is_open)


class DailyRollup(db.Model):
    """The SLA report's counts of the tickets whose clock started on one local ``day`` (in
    ``zone``), per organization, team, agent, priority and kind: kept by app/reports/daily_jobs.py,
    read by the report where a period is made of built days (app/reports/daily.py)."""

    __tablename__ = "report_daily"
    __table_args__ = (sa.Index("ix_report_daily_zone_day", "zone", "day"),
                      # one organization's days: the client's monthly report
                      sa.Index("ix_report_daily_zone_org_day", "zone", "organization_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date] = mapped_column(sa.Date)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    team_id: Mapped[int | None]
    assignee_id: Mapped[int | None]
    priority: Mapped[int] = mapped_column(sa.SmallInteger)
    kind: Mapped[str] = mapped_column(sa.String(16))
    tickets: Mapped[int] = mapped_column(default=0)
    first_response_met: Mapped[int] = mapped_column(default=0)
    first_response_breached: Mapped[int] = mapped_column(default=0)
    resolution_met: Mapped[int] = mapped_column(default=0)
    resolution_breached: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    open: Mapped[int] = mapped_column(default=0)
    oldest_open: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rated: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    billable_minutes: Mapped[int] = mapped_column(default=0)


class DailyBuilt(db.Model):
    """A day of the roll-up is built (in ``zone``): the report reads a period from the roll-up only
    when every day of it is."""

    __tablename__ = "report_daily_built"

    zone: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DailyMark(db.Model):
    """How far the roll-up's job has looked: tickets changed and breaches fired since ``since``,
    worklogs after ``worklog_id`` (one row)."""

    __tablename__ = "report_daily_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    worklog_id: Mapped[int] = mapped_column(default=0)
