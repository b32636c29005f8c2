"""Routing rules: which queue a new ticket lands in, and who hears of it.

A rule's conditions are all optional (the CI class and the mailbox are facts of
the ticket's arrival, not columns of the ticket: see engine.py); an empty one matches anything. The rules are
tried in ``position`` order and the first active rule whose every condition holds
is applied (engine.py). ``RoutingSettings`` is one row: the default team that
takes whatever no rule gave a team."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin

routing_rule_followers = sa.Table(
    "routing_rule_followers",
    db.metadata,
    sa.Column("rule_id", sa.ForeignKey("routing_rules.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)

# How a rule picks the assignee: nobody, a named agent, or among the team's active agents.
ASSIGN_NOBODY, ASSIGN_AGENT, ASSIGN_ROUND_ROBIN, ASSIGN_LEAST_OPEN = "", "agent", "round_robin", "least_open"
ASSIGN_MODES = (ASSIGN_NOBODY, ASSIGN_AGENT, ASSIGN_ROUND_ROBIN, ASSIGN_LEAST_OPEN)


class RoutingRule(TimestampMixin, db.Model):
    __tablename__ = "routing_rules"
    __table_args__ = (
        sa.CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 4", name="routing_priority"),
        sa.CheckConstraint("priority_floor IS NULL OR priority_floor BETWEEN 1 AND 4", name="routing_priority_floor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[int] = mapped_column(default=0, index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Conditions (empty: any).
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    kind: Mapped[str] = mapped_column(sa.String(16), default="")
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    priority: Mapped[int | None] = mapped_column(sa.SmallInteger)
    request_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("request_items.id"))
    channel: Mapped[str] = mapped_column(sa.String(10), default="")
    # The class of a CI given at creation (the API's cis, the affected system naming a CI).
    ci_class_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cmdb_classes.id"))
    # A mail's mailbox name (MAIL_IMAP's key, "pipe") or one of its To/Cc addresses, lower case.
    mailbox: Mapped[str] = mapped_column(sa.String(254), default="")
    # Actions.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    assign_mode: Mapped[str] = mapped_column(sa.String(16), default="")
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    priority_floor: Mapped[int | None] = mapped_column(sa.SmallInteger)
    # Round-robin: who got the rule's last ticket.
    last_assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    organization = relationship("Organization")
    request_item = relationship("RequestItem")
    ci_class = relationship("CIClass")
    team = relationship("Team")
    assignee = relationship("User", foreign_keys=[assignee_id])
    followers = relationship("User", secondary=routing_rule_followers, order_by="User.name")

    def __repr__(self) -> str:
        return f"<RoutingRule {self.position} {self.name}>"


class RoutingSettings(db.Model):
    """The one row of routing settings (id 1)."""

    __tablename__ = "routing_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    default_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))

    default_team = relationship("Team")
