"""What an incident holds beside its ticket: the major-incident record (who runs it, when the
next public update is due, the review), its status updates, the declarations, the people on it
and the organizations it affects."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime, utcnow

incident_engineers = sa.Table(
    "incident_engineers",
    db.metadata,
    sa.Column("ticket_id", sa.ForeignKey("incident_details.ticket_id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class IncidentDetail(TimestampMixin, db.Model):
    """One row per incident that was ever major (1:1 by ticket_id)."""

    __tablename__ = "incident_details"
    __table_args__ = (sa.Index("ix_incident_details_next_update", "next_update_due"),)

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_update_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the due time a reminder went out for
    provider_wide: Mapped[bool] = mapped_column(default=False)  # shown on the public /status page
    public_summary: Mapped[str] = mapped_column(sa.String(300), default="")  # what clients read as affected
    review_open: Mapped[bool] = mapped_column(default=False)
    review_changes: Mapped[str] = mapped_column(sa.Text, default="")  # what to change
    problem_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"))

    ticket = relationship("Ticket", foreign_keys=[ticket_id], backref=backref("incident_detail", uselist=False))
    manager = relationship("User", foreign_keys=[manager_id])
    problem = relationship("Ticket", foreign_keys=[problem_id])
    engineers = relationship("User", secondary=incident_engineers, order_by="User.name")


class StatusUpdate(db.Model):
    """A status update of an incident: public (clients, the portal, mail) or internal (the people on it)."""

    __tablename__ = "incident_updates"
    __table_args__ = (sa.Index("ix_incident_updates_ticket", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    public: Mapped[bool] = mapped_column(default=True)
    body_en: Mapped[str] = mapped_column(sa.Text)
    body_uk: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the job's guard: mailed once

    ticket = relationship("Ticket")
    author = relationship("User")

    def body(self, locale: str) -> str:
        """The text in the reader's language: Ukrainian when written, else English."""
        return self.body_uk if str(locale).startswith("uk") and self.body_uk else self.body_en


class MajorDeclaration(db.Model):
    """Declaring an incident major, or undeclaring it: who, when and why."""

    __tablename__ = "incident_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    declared: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User")


class AffectedOrganization(db.Model):
    """An organization an incident affects: chosen by hand, or computed from the failed CIs
    (``path``: the names from the failed CI to the organization's CI, ``services``: its services hit)."""

    __tablename__ = "incident_affected"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "organization_id", name="uq_incident_affected"),
                      sa.Index("ix_incident_affected_org", "organization_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    computed: Mapped[bool] = mapped_column(default=False)
    path: Mapped[list] = mapped_column(sa.JSON, default=list)
    services: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization = relationship("Organization")
    ticket = relationship("Ticket", backref=backref("affected_organizations_rows", order_by="AffectedOrganization.id"))
