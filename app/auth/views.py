"""Logging in and out, passwords, the user's own profile and language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.auth import services, sessions, tokens
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    TokenForm,
)
from app.config import LOCALES
from app.errors import ValidationError
from app.forms import attempted, submitted
from app.limits import limited

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login, never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limited("RATE_LIMIT_LOGIN")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.LoginRefused as refused:
            form.form_errors.append(str(refused))
        else:
            session.clear()  # nothing of the anonymous session survives, its CSRF token included
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user.login_token)
    session.clear()  # a fresh session: no CSRF token of the logged-in one lives on
    logout_user()  # after clear(): it marks the remember-me cookie for deletion
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limited("RATE_LIMIT_PASSWORD_RESET")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If this address belongs to an account, a link to reset the password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limited("RATE_LIMIT_PASSWORD_RESET")
def reset_password(token):
    form = ResetPasswordForm()
    try:
        services.user_from_reset_token(token)
    except ValidationError as error:
        flash(error.errors["token"][0], "danger")
        return redirect(url_for("auth.forgot_password"))
    done = submitted(form, lambda: services.reset_password(token, form.password.data),
                     _("Your password has been set. Please log in."), url_for("auth.login"))
    return done or render_template("auth/reset_password.html", form=form)


def profile_page(*, form=None, password_form=None, token_form=None, new_token: str | None = None, status=200):
    """The profile page with its three forms; ``new_token`` is shown this once and never again."""
    response = make_response(render_template(
        "auth/profile.html", form=form or ProfileForm(formdata=None, obj=current_user),
        password_form=password_form or ChangePasswordForm(formdata=None),
        token_form=token_form or TokenForm(formdata=None, prefix="token"),
        tokens=tokens.tokens_of(current_user), new_token=new_token), status)
    if new_token:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    done = submitted(form, lambda: services.update_profile(current_user, name=form.name.data, phone=form.phone.data,
                                                           locale=form.locale.data, timezone=form.timezone.data),
                     _("Your profile has been saved."), url_for("auth.profile"))
    return done or profile_page(form=form)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    done = submitted(form, lambda: services.change_password(current_user, form.current_password.data,
                                                            form.new_password.data),
                     _("Your password has been changed. Other sessions have been logged out."), url_for("auth.profile"))
    if not done:
        return profile_page(password_form=form, status=400)
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
    login_user(current_user._get_current_object(), remember=remembered)  # this browser's new login
    return done


@bp.route("/profile/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm(prefix="token")
    done, created = attempted(form, lambda: tokens.create_token(current_user, form.name.data))
    if not done:
        return profile_page(token_form=form, status=400)
    _row, raw = created
    return profile_page(new_token=raw)  # rendered, not redirected: the token is never stored anywhere


@bp.route("/profile/tokens/revoke", methods=["POST"])
@login_required
def revoke_token():
    row = tokens.revoke_token(current_user, request.form.get("token_id"))
    flash(_("The token “%(name)s” has been revoked: it no longer opens the API.", name=row.name), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if current_user.is_authenticated:
        attempted(form, lambda: services.set_locale(current_user, form.locale.data))  # a locale refused: no change
    elif form.validate_on_submit() and form.locale.data in LOCALES:
        session["locale"] = form.locale.data
    return redirect(safe_next(form.next.data))
