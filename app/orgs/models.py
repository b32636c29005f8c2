import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin

team_members = sa.Table(
    "team_members",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class Organization(TimestampMixin, db.Model):
    """A client company. Its contacts log into the portal and see only its data."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    address: Mapped[str] = mapped_column(sa.String(400), default="")
    website: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Whether ordinary contacts see all the organization's tickets, or only their own and those they are CC'd on.
    contacts_see_all: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The contract's included time per month, in minutes (None: no contract hours); the monthly report
    # and the managers' pages show the billable time logged against it.
    contract_minutes: Mapped[int | None]

    contacts = relationship("User", back_populates="organization", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"


class Team(TimestampMixin, db.Model):
    """A group of agents, and the queue their tickets wait in."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    active: Mapped[bool] = mapped_column(default=True)

    members = relationship("User", secondary=team_members, back_populates="teams", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Team {self.name}>"
