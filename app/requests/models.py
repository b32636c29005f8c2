"""The service catalog: what clients may order, and the form each item asks them to fill."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin

request_item_organizations = sa.Table(
    "request_item_organizations",
    db.metadata,
    sa.Column("request_item_id", sa.ForeignKey("request_items.id"), primary_key=True),
    sa.Column("organization_id", sa.ForeignKey("organizations.id"), primary_key=True),
)

FIELD_TYPES = ("text", "textarea", "number", "choice", "date")


class RequestItem(TimestampMixin, db.Model):
    """A catalog entry. ``fields`` is a list of {name, label, type, required, choices, help}.
    With no organizations chosen, every organization sees it."""

    __tablename__ = "request_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    needs_approval: Mapped[bool] = mapped_column(default=False)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(default=True)

    team = relationship("Team")
    organizations = relationship("Organization", secondary=request_item_organizations, order_by="Organization.name")
