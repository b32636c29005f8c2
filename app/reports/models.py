"""What the reports keep beside the SLA engine's clocks: each ticket's first-response and
resolution times in business minutes, computed once from the clock's segments (sla/clock.py) by
a periodic job (app/reports/rollup.py), so that medians and percentiles are read from one
numeric column instead of replaying every clock for every report."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime


class SlaMinutes(db.Model):
    """One ticket's business minutes to its first response and to its resolution, and the met
    instants they were computed for (a reopened or re-answered clock no longer matches, and the
    job computes it again)."""

    __tablename__ = "report_sla_minutes"
    __table_args__ = (sa.Index("ix_report_sla_minutes_resolved_at", "resolved_at"),)  # resolved per day

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    first_response_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_minutes: Mapped[float | None] = mapped_column(sa.Float)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_minutes: Mapped[float | None] = mapped_column(sa.Float)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MonthlyDelivery(db.Model):
    """The monthly report of one organization and month was mailed (asked for): the periodic job
    mails each once."""

    __tablename__ = "report_monthly_deliveries"

    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)

