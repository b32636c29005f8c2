"""What the portal keeps of its own: the ticket categories and their writing hints."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import TimestampMixin


class PortalCategory(TimestampMixin, db.Model):
    """An admin's version of a category shown in the portal's new-ticket form.

    Zayavka ships good defaults (app/portal/hints.py); a row here overrides the
    label and hint of a default category per language, hides it, or adds a new one.
    ``texts`` is {"en": {"label": …, "hint": …}, "uk": {…}}; an empty text falls back to the default."""

    __tablename__ = "portal_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    texts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
