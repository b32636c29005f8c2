"""Logins as rows: a new random token at every login, ended at logout.

Flask-Login keeps ``User.get_id()`` in the session cookie and signs it into the
remember-me cookie; here that id is the login's token, so a copied cookie stops
working the moment its owner logs out, and every login's cookies differ. A new
password, a role change or deactivation move the user's session_version on,
which ends all their logins at once. Like the other services, the functions
take plain values and read nothing from the request.
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app import timeutil
from app.auth.models import LoginSession, User
from app.extensions import db
from app.transactions import transactional


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> str:
    """A new login for ``user``, in the caller's transaction: its token, also set as user.login_token.
    The user's ended and expired logins are cleared away on the way."""
    now = timeutil.utcnow()
    db.session.execute(sa.delete(LoginSession).where(
        LoginSession.user_id == user.id,
        sa.or_(LoginSession.ended_at.is_not(None), LoginSession.expires_at <= now,
               LoginSession.session_version != user.session_version)))
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), session_version=user.session_version,
                                created_at=now, expires_at=now + timedelta(days=current_app.config["SESSION_DAYS"])))
    user.login_token = token
    return token


@transactional
def end(token: str | None) -> None:
    """Log this login out: its session and remember-me cookies open nothing any more."""
    if not token:
        return
    db.session.execute(sa.update(LoginSession).where(LoginSession.token_hash == _hash(token),
                                                     LoginSession.ended_at.is_(None))
                       .values(ended_at=timeutil.utcnow()))


def user_for(token: str | None) -> User | None:
    """The active user whose login this is, or None: unknown, logged out, expired, or from
    before a new password, role or deactivation."""
    if not token:
        return None
    found = db.session.execute(  # one statement per request: the login and its user together
        sa.select(LoginSession, User).join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == _hash(token))).first()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None or row.expires_at <= timeutil.utcnow():
        return None
    if not user.active or user.session_version != row.session_version:
        return None
    user.login_token = token
    return user
