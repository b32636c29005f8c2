"""Who is calling the API: the owner of the token in `Authorization: Bearer <token>`.

The API never looks at the session cookie: a browser's session cannot be
ridden by another site's script, which is why the API can be CSRF-exempt.
"""
from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app import limits
from app.auth import tokens
from app.errors import Forbidden

# Endpoints anybody may read without a token.
PUBLIC = {"api.openapi"}
# Largest JSON body accepted; uploads raise it for themselves (app.api.bodies).
JSON_MAX_BYTES = 1024 * 1024


def bearer_token() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _act_as(user) -> None:
    """Make ``user`` Flask-Login's current user for this request only (so the
    language and time zone are theirs) without reading or writing the session:
    Flask-Login keeps the request's user in g._login_user and loads it from the
    session only when that is missing."""
    g._login_user = user


def authenticate() -> None:
    """The API blueprint's before_request: 401 unless a working token came."""
    request.max_content_length = JSON_MAX_BYTES
    _act_as(AnonymousUserMixin())
    if request.endpoint in PUBLIC:
        return
    raw = bearer_token()
    user = tokens.user_for_token(raw)
    if user is not None:
        limits.check("RATE_LIMIT_API", limits.by_token(raw))
    else:  # guessing tokens is limited per IP address
        limits.check("RATE_LIMIT_API_FAILURES", limits.by_ip())
    if user is None:
        message = _("This API token is not valid, or it has been revoked.") if raw else \
            _("Send an API token: Authorization: Bearer <token>. Create one on your profile page.")
        challenge = WWWAuthenticate("bearer", {"realm": "zayavka", **({"error": "invalid_token"} if raw else {})})
        raise Unauthorized(message, www_authenticate=challenge)
    g.api_user = user
    _act_as(user)


def api_user():
    """The authenticated caller of this request."""
    return g.api_user


def require(allowed: bool, message: str | None = None) -> None:
    """403, with a message saying why, unless ``allowed``."""
    if not allowed:
        raise Forbidden(str(message or _("You do not have permission to do this.")))


def init_blueprint(bp: Blueprint) -> None:
    bp.before_request(authenticate)
