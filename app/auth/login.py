"""Flask-Login wiring: how a session cookie becomes the current user."""
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.extensions import db


def load_user(user_id: str):
    try:
        pk, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, pk)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
