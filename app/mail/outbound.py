"""Outgoing mail: render a template pair (text and HTML) and hand it to SMTP.

Only jobs call send(): mail never goes out inside a web request or a
database transaction.
"""
import email.policy
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link into the site, built from BASE_URL (no request needed)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def build(to: str, subject: str, template: str, **context) -> EmailMessage:
    # Headers up to RFC 5322's 998 characters: folding at 78 puts a long subject on its own line, which
    # some readers (Python's parser among them) then show with a leading space.
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="zayavka")
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def send(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
