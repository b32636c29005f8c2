"""API tokens: made, listed and revoked by their owner; looked up on every API call.

A token is ``secrets.token_urlsafe(32)``; only its SHA-256 (hex) is stored, with
its first characters as a visible prefix. The token is returned once, by
create_token(), and can never be shown again. Like the other services, every
function is one transaction and takes the user as an argument.
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app import timeutil
from app.auth.models import ApiToken, User
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.transactions import transactional, unit_of_work

PREFIX_LENGTH = 8
NAME_MAX = 80
# last_used_at is written at most this often per token, not on every call.
TOUCH_EVERY = timedelta(minutes=5)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens: the working ones first, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


@transactional
def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: the row, and the token itself (to show once)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError.single("name", _("Give the token a name, e.g. the script that will use it."))
    if len(name) > NAME_MAX:
        raise ValidationError.single("name", _("The name must be at most %(n)d characters.", n=NAME_MAX))
    if not user.active:
        raise ValidationError.single("user", _("This account has been deactivated."))
    raw = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=raw[:PREFIX_LENGTH], token_hash=hash_token(raw),
                     created_at=timeutil.utcnow())
    db.session.add(token)
    return token, raw


@transactional
def revoke_token(user: User, token_id) -> ApiToken:
    """Revoke one of the user's own tokens (404 for anybody else's). Revoking twice changes nothing."""
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timeutil.utcnow()
    return token


def revoke_all(user: User) -> None:
    """Revoke every working token of the user, inside the caller's transaction
    (deactivating an account: reactivating it must not bring them back)."""
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=timeutil.utcnow()))


def user_for_token(raw: str | None) -> User | None:
    """The active user a working token belongs to, or None: unknown, revoked, or its user deactivated."""
    if not raw:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = timeutil.utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token_id, user_id = token.id, token.user_id
        with unit_of_work():
            db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        return db.session.get(User, user_id)
    return token.user
