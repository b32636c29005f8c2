"""What a change holds beside its ticket: type, risk, window, plans, the client's summary,
affected organizations, the CAB's decisions; and the calendar's maintenance windows,
standard-change templates and the approval policy."""
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime, utcnow

CHANGE_TYPES = ("standard", "normal", "emergency")
RISKS = ("low", "medium", "high")
OUTCOMES = ("successful", "failed", "backed_out")
DECISIONS = ("approve", "reject")

change_affected_organizations = sa.Table(
    "change_affected_organizations",
    db.metadata,
    sa.Column("ticket_id", sa.ForeignKey("tickets.id"), primary_key=True),
    sa.Column("organization_id", sa.ForeignKey("organizations.id"), primary_key=True, index=True),
)


class ChangeTemplate(TimestampMixin, db.Model):
    """A pre-approved standard change: raised from here, it needs no CAB."""

    __tablename__ = "change_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    risk: Mapped[str] = mapped_column(sa.String(10), default="low")
    implementation_plan: Mapped[str] = mapped_column(sa.Text, default="")
    backout_plan: Mapped[str] = mapped_column(sa.Text, default="")
    test_plan: Mapped[str] = mapped_column(sa.Text, default="")
    client_summary: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)


class ChangeDetail(TimestampMixin, db.Model):
    """One row per change ticket (1:1 by ticket_id)."""

    __tablename__ = "change_details"
    __table_args__ = (
        sa.Index("ix_change_details_window", "planned_start", "planned_end"),
        sa.CheckConstraint("change_type IN ('standard', 'normal', 'emergency')", name="change_type"),
        sa.CheckConstraint("risk IN ('low', 'medium', 'high')", name="risk"),
    )

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    change_type: Mapped[str] = mapped_column(sa.String(10), default="normal")
    risk: Mapped[str] = mapped_column(sa.String(10), default="low")
    risk_answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    planned_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    implementation_plan: Mapped[str] = mapped_column(sa.Text, default="")
    backout_plan: Mapped[str] = mapped_column(sa.Text, default="")
    test_plan: Mapped[str] = mapped_column(sa.Text, default="")
    client_summary: Mapped[str] = mapped_column(sa.String(500), default="")
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("change_templates.id"))
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    contacts_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the guard of the planned-work mail

    ticket = relationship("Ticket", backref=backref("change_detail", uselist=False))
    template = relationship("ChangeTemplate")
    organizations = relationship(
        "Organization", secondary=change_affected_organizations, order_by="Organization.name",
        primaryjoin=lambda: ChangeDetail.ticket_id == change_affected_organizations.c.ticket_id,
        secondaryjoin="Organization.id == change_affected_organizations.c.organization_id")


class ChangeApproval(db.Model):
    """One approver's decision on a change, with its comment. One per approver and change."""

    __tablename__ = "change_approvals"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "approver_id", name="uq_change_approvals_approver"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    approver_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(sa.String(10))
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: utcnow())

    approver = relationship("User")


class ChangePolicy(TimestampMixin, db.Model):
    """How many approvals a change needs per risk, whether one may approve one's own change,
    and the CAB team (none: every manager approves). One row; without it, DEFAULT_POLICY."""

    __tablename__ = "change_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    approvals_low: Mapped[int] = mapped_column(default=1)
    approvals_medium: Mapped[int] = mapped_column(default=2)
    approvals_high: Mapped[int] = mapped_column(default=2)
    self_approval: Mapped[bool] = mapped_column(default=False)
    cab_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))

    cab_team = relationship("Team")

    def required(self, risk: str) -> int:
        return {"low": self.approvals_low, "medium": self.approvals_medium, "high": self.approvals_high}[risk]


class MaintenanceWindow(TimestampMixin, db.Model):
    """A weekly window in which an organization accepts planned work, e.g. Sunday 02:00–05:00 Europe/Kyiv."""

    __tablename__ = "maintenance_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)  # 0 = Monday … 6 = Sunday
    start_time: Mapped[time] = mapped_column(sa.Time)
    duration_minutes: Mapped[int]
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Kyiv")
    active: Mapped[bool] = mapped_column(default=True)

    organization = relationship("Organization")
