"""Background jobs about accounts."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.auth import services
from app.auth.models import User
from app.extensions import db
from app.jobs import job
from app.mail import outbound


@job
def send_password_reset(user_id: int, invitation: bool = False) -> None:
    """Mail the user a link to choose a new password (or a first one, for an invitation)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    link = outbound.external_url("auth.reset_password", token=services.make_reset_token(user))
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        subject = _("Welcome to Zayavka: choose your password") if invitation else _("Reset your Zayavka password")
        message = outbound.build(user.email, subject, "password_reset", user=user, link=link, invitation=invitation)
    outbound.deliver(message, automatic=outbound.AUTO_GENERATED)
