"""Reads of user accounts, scoped by the reader."""
import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import scope_to_user
from app.errors import NotFound
from app.extensions import db
from app.search import contains


def users_visible_to(actor, q: str = "", role: str = "") -> sa.Select:
    stmt = scope_to_user(sa.select(User), actor, User.organization_id)
    if q:
        stmt = stmt.where(sa.or_(contains(User.name, q), contains(User.email, q)))
    if role:
        stmt = stmt.where(User.role == role)
    return stmt.order_by(User.active.desc(), User.name)


def get_user(actor, user_id: int) -> User:
    user = db.session.scalar(users_visible_to(actor).where(User.id == user_id))
    if user is None:
        raise NotFound()
    return user


def user_or_none(actor, user_id: int | None) -> User | None:
    """The person chosen in a form, if the actor may see them (a client admin: only the people of
    their own organization); None for no choice."""
    if not user_id:
        return None
    return db.session.scalar(users_visible_to(actor).where(User.id == user_id))


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
