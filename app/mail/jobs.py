"""Answers to a mail's sender that are not about a ticket: too large, please register.
Automatic (Auto-Submitted: auto-replied), in the desk's default language."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.jobs import job
from app.mail import outbound
from app.mail.models import InboundMail


@job
def answer_sender(mail_id: int, template: str) -> None:
    mail = db.session.get(InboundMail, mail_id)
    if mail is None or not mail.sender:
        return
    subjects = {"too_large": lambda: _("Your mail was too large: %(subject)s", subject=mail.subject),
                "please_register": lambda: _("Please register to write to us: %(subject)s", subject=mail.subject)}
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        message = outbound.build(mail.sender, subjects[template]()[:200], f"mail/{template}", mail=mail,
                                 limit_mb=current_app.config["MAIL_MAX_BYTES"] // (1024 * 1024),
                                 link=outbound.external_url("auth.login"))
    if mail.message_id and not mail.message_id.endswith(".invalid"):
        message["In-Reply-To"] = f"<{mail.message_id}>"
    outbound.deliver(message, automatic=outbound.AUTO_REPLIED)
