"""What a problem holds beside its ticket: the root cause, the workaround and the known-error flag."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime


class ProblemDetail(TimestampMixin, db.Model):
    """One row per problem ticket (1:1 by ticket_id); missing means nothing recorded yet."""

    __tablename__ = "problem_details"
    __table_args__ = (sa.Index("ix_problem_details_known", "known_error"),)

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    root_cause: Mapped[str] = mapped_column(sa.Text, default="")
    workaround: Mapped[str] = mapped_column(sa.Text, default="")
    known_error: Mapped[bool] = mapped_column(default=False)
    known_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ticket = relationship("Ticket", backref=backref("problem_detail", uselist=False))
