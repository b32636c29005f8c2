"""Flask-Login wiring: how a session cookie becomes the current user."""
from app.auth import sessions
from app.i18n import lazy_gettext as _l


def load_user(user_id: str):
    """The user of the login whose token the session or remember-me cookie carries."""
    return sessions.user_for(user_id)


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
