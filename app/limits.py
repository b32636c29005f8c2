"""Rate limits on the doors people (and scripts) knock at: logging in, asking for a
password reset, the API, opening tickets in the portal.

Flask-Limiter keeps the counters in the app's Redis (the one app.jobs uses), one
fixed window per limit and key; each limit's value is a setting read at request
time, so `instance/config.py` (or a test) can change it. Going over answers 429:
the friendly page, or the API's JSON envelope.
"""
import hashlib
import logging
import time
from functools import wraps

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import current_user
from limits import parse
from werkzeug.exceptions import TooManyRequests

from app.jobs import redis_url

EXTENSION = "zayavka.limiter"
log = logging.getLogger(__name__)


def storage_uri(app: Flask) -> str:
    """The app's Redis as a limits storage URI (the embedded one is a unix socket)."""
    url = redis_url(app)
    return "redis+unix://" + url.removeprefix("unix://") if url.startswith("unix://") else url


def by_ip() -> str:
    return request.remote_addr or "-"


def by_user() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else by_ip()


def by_token(raw: str) -> str:
    return "token:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def check(setting: str, key: str) -> None:
    """Count one request against the limit ``setting`` names, for ``key``; 429 when over it."""
    config = current_app.config
    if not config["RATE_LIMITS"] or not config[setting]:
        return
    strategy = current_app.extensions[EXTENSION].limiter
    item, names = parse(config[setting]), ("zayavka", setting.lower(), key)
    try:
        allowed = strategy.hit(item, *names)
        reset_at = None if allowed else strategy.get_window_stats(item, *names)[0]
    except Exception as error:  # Redis away: people keep working (the outbox keeps their mail)
        log.warning("rate limit %s not counted: %s", setting, error)
        return
    if not allowed:
        raise TooManyRequests(retry_after=max(1, int(reset_at - time.time())))


def limited(setting: str, key=by_ip, methods=("POST",)):
    """Decorate a view: its ``methods`` count against the limit ``setting`` names, per ``key()``."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in methods:
                check(setting, key())
            return view(*args, **kwargs)

        return wrapper

    return decorate


def init_app(app: Flask) -> None:
    """One Limiter per app, on the app's Redis; the limits themselves are applied by
    @limited on the views and by check() in the API's authentication."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(app))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "zayavka-limits")
    app.config.setdefault("RATELIMIT_STRATEGY", "fixed-window")
    limiter = Limiter(key_func=by_ip)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
