"""Security settings derived from the configuration, headers on every response,
and the template filter that shows stored HTML."""
from datetime import timedelta

from flask import Flask

from app import limits
from app.tickets import content

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def configure(config) -> None:
    """Limits that follow from the settings (create_app has loaded them already)."""
    if not config.get("MAX_CONTENT_LENGTH"):
        config["MAX_CONTENT_LENGTH"] = config["ATTACHMENT_MAX_BYTES"] * config["ATTACHMENT_MAX_FILES"] + 1024 * 1024
    config["WTF_CSRF_TIME_LIMIT"] = config["CSRF_TIME_LIMIT"] or None
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=config["SESSION_DAYS"])


def init_app(app: Flask) -> None:
    configure(app.config)
    limits.init_app(app)
    app.add_template_filter(content.safe_html, "message_html")

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
