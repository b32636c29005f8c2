"""Accounts: log in, passwords, profiles, and creating and changing users.

Every function is one transaction. The actor and all input are arguments:
nothing here reads the request, so the web views, the CLI and jobs share it.
"""
import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app import jobs, timeutil
from app.auth import sessions, tokens
from app.auth.models import LoginThrottle, User
from app.auth.permissions import can_manage_contacts, can_manage_users
from app.auth.roles import CLIENT_ROLES, STAFF_ROLES, Role
from app.config import LOCALES
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.mail.addresses import normalize_address
from app.text import has_control_chars
from app.timeutil import timezone_choices
from app.transactions import transactional, unit_of_work

RESET_SALT = "password-reset"


class LoginRefused(Exception):
    """The login did not succeed; the message is safe to show."""


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def line_problems(**fields: str | None) -> dict[str, list[str]]:
    """An error for each one-line field (a name, a title) that holds a line break or another
    control character: the forms refuse them, and so do the services, for the CLI and jobs."""
    return {name: [_("Please write this on one line, without control characters.")]
            for name, value in fields.items() if value and has_control_chars(value.strip())}


def password_problems(password: str, field: str = "password") -> dict[str, list[str]]:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        return {field: [_("The password must be at least %(n)d characters long.", n=minimum)]}
    return {}


# -- logging in -----------------------------------------------------------------

def _seconds_to_wait(throttle: LoginThrottle | None, now) -> int:
    if throttle is None:
        return 0
    config = current_app.config
    if throttle.locked_until and throttle.locked_until > now:
        return math.ceil((throttle.locked_until - now).total_seconds())
    if throttle.failures >= config["LOGIN_SLOW_AFTER"] and throttle.last_failure_at:
        backoff = min(2 ** (throttle.failures - config["LOGIN_SLOW_AFTER"]), 60)
        next_try = throttle.last_failure_at + timedelta(seconds=backoff)
        if next_try > now:
            return math.ceil((next_try - now).total_seconds())
    return 0


def _record_failure(email: str, now) -> None:
    """Its own unit of work: the failure counts even though the login is refused."""
    try:
        with unit_of_work():
            _count_failure(db.session.get(LoginThrottle, email), email, now)
    except sa.exc.IntegrityError:  # a parallel failure created the row first
        pass


def _count_failure(throttle: LoginThrottle | None, email: str, now) -> None:
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    if throttle is None:
        throttle = LoginThrottle(email=email, failures=0)
        db.session.add(throttle)
    elif throttle.last_failure_at and now - throttle.last_failure_at > window:
        throttle.failures = 0  # old failures are forgiven
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures >= config["LOGIN_LOCK_AFTER"]:
        throttle.locked_until = now + window


# Checked against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a password", method="scrypt")


def authenticate(email: str, password: str) -> User:
    """The active user with this e-mail and password, with a new login started for them
    (user.login_token), or LoginRefused with the same message whether the e-mail is
    unknown, the password wrong or the account deactivated."""
    email = normalize_email(email)
    now = timeutil.utcnow()
    throttle = db.session.get(LoginThrottle, email)
    wait = _seconds_to_wait(throttle, now)
    if wait:
        raise LoginRefused(_("Too many failed attempts. Try again in %(seconds)d seconds.", seconds=wait))

    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is not None and user.password_hash:
        matches = check_password_hash(user.password_hash, password)
    else:
        check_password_hash(_DUMMY_HASH, password)
        matches = False
    if not matches or not user.active:
        # A deactivated account answers like a wrong password: the message must
        # not confirm that the password someone tried is the right one.
        _record_failure(email, now)
        raise LoginRefused(_("Invalid e-mail or password."))
    return _logged_in(user, now)


@transactional
def _logged_in(user: User, now) -> User:
    throttle = db.session.get(LoginThrottle, user.email)
    if throttle is not None:
        db.session.delete(throttle)
    user.last_login_at = now
    sessions.start(user)
    return user


# -- passwords ------------------------------------------------------------------

def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = timeutil.utcnow()
    user.session_version += 1


@transactional
def change_password(user: User, current: str, new: str) -> None:
    errors = password_problems(new, "new_password")
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        errors["current_password"] = [_("The current password is not correct.")]
    if errors:
        raise ValidationError(errors)
    _set_password(user, new)  # every login of the user ends …
    sessions.start(user)  # … and the one who changed it gets a new one


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    # The session version makes a link single-use: setting a password bumps it.
    return _serializer().dumps({"uid": user.id, "v": user.session_version})


def user_from_reset_token(token: str) -> User:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError.single("token", _("This link has expired. Please ask for a new one.")) from None
    except BadSignature:
        raise ValidationError.single("token", _("This link is not valid. Please ask for a new one.")) from None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or user.session_version != data.get("v"):
        raise ValidationError.single("token", _("This link has already been used or is no longer valid."))
    return user


@transactional
def request_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active user; say nothing either way."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is not None and user.active:
        jobs.enqueue_after_commit("app.auth.jobs.send_password_reset", user.id)


@transactional
def reset_password(token: str, new: str) -> User:
    user = user_from_reset_token(token)
    errors = password_problems(new)
    if errors:
        raise ValidationError(errors)
    _set_password(user, new)
    throttle = db.session.get(LoginThrottle, user.email)
    if throttle is not None:  # a fresh password forgives the failed tries
        db.session.delete(throttle)
    return user


# -- profiles and accounts --------------------------------------------------------

def _check_profile(locale, timezone, errors) -> None:
    if locale not in (None, "", *LOCALES):
        errors["locale"] = [_("Unknown language.")]
    if timezone and timezone not in timezone_choices():
        errors["timezone"] = [_("Unknown time zone.")]


@transactional
def update_profile(user: User, *, name: str, phone: str = "", locale: str | None = None, timezone: str | None = None) -> None:
    errors: dict[str, list[str]] = line_problems(name=name, phone=phone)
    if not (name or "").strip():
        errors["name"] = [_("Please give your name.")]
    _check_profile(locale, timezone, errors)
    if errors:
        raise ValidationError(errors)
    user.name = name.strip()
    user.phone = (phone or "").strip()
    user.locale = locale or None
    user.timezone = timezone or None


@transactional
def set_locale(user: User, locale: str) -> None:
    if locale not in LOCALES:
        raise ValidationError.single("locale", _("Unknown language."))
    user.locale = locale


def _may_know(actor: User | None, other: User) -> bool:
    """Whether ``actor`` may learn that ``other`` has an account: staff (and the CLI) know
    everyone; a client admin only their own organization's people."""
    return actor is None or actor.is_staff or actor.organization_id == other.organization_id


def _validate_account(user: User | None, email: str, name: str, role: str, organization, errors, *,
                      phone: str = "", job_title: str = "", actor: User | None = None) -> None:
    try:
        normalize_address(email)
    except ValueError:
        errors["email"] = [_("Please give a valid e-mail address.")]
    else:
        clash = db.session.scalar(sa.select(User).where(User.email == email))
        if clash is not None and (user is None or clash.id != user.id):
            errors["email"] = [_("A user with this e-mail address already exists.") if _may_know(actor, clash) else
                               _("This e-mail address cannot be used here. If it is right, please ask our support.")]
    if not (name or "").strip():
        errors["name"] = [_("Please give a name.")]
    errors.update(line_problems(name=name, phone=phone, job_title=job_title))
    if role not in set(Role):
        errors["role"] = [_("Unknown role.")]
    elif role in CLIENT_ROLES and organization is None:
        errors["organization"] = [_("A client contact must belong to an organization.")]
    elif role in STAFF_ROLES and organization is not None:
        errors["organization"] = [_("Staff do not belong to a client organization.")]


def _require_account_manager(actor, organization, role: str) -> None:
    """Admins manage every account; a client admin the contacts of their own organization."""
    if can_manage_users(actor):
        return
    if organization is None or role not in CLIENT_ROLES or not can_manage_contacts(actor, organization):
        raise Forbidden()


@transactional
def create_user(
    actor, *, email: str, name: str, role: str, organization=None, teams=(), password: str | None = None,
    phone: str = "", job_title: str = "", locale: str | None = None, timezone: str | None = None,
    send_invitation: bool = True,
) -> User:
    """A new account. Without a password, the person is mailed a link to choose one."""
    _require_account_manager(actor, organization, role)
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    _validate_account(None, email, name, role, organization, errors, phone=phone, job_title=job_title)
    if password:
        errors.update(password_problems(password))
    _check_profile(locale, timezone, errors)
    if teams and role not in STAFF_ROLES:
        errors["teams"] = [_("Only staff can be members of teams.")]
    if errors:
        raise ValidationError(errors)

    user = User(
        email=email, name=name.strip(), role=role, organization=organization, phone=phone.strip(),
        job_title=job_title.strip(), locale=locale or None, timezone=timezone or None,
        teams=list(teams),
    )
    if password:
        _set_password(user, password)
    db.session.add(user)
    db.session.flush()
    if not password and send_invitation:
        jobs.enqueue_after_commit("app.auth.jobs.send_password_reset", user.id, invitation=True)
    return user


@transactional
def invite_contact(actor: User, organization, *, email: str, name: str, role: str, phone: str = "",
                   job_title: str = "", locale: str | None = None) -> User | None:
    """A new contact of ``organization``, mailed a link to choose a password.

    When a client admin invites an address that already has an account outside their
    organization, the answer must not tell them so (that would let anyone probe which
    addresses are clients of the provider, and of whom): nothing is written, nobody is
    mailed, the caller gets None and shows the same confirmation as for a real
    invitation. The attempt is logged for the provider's support."""
    clash = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if clash is not None and not _may_know(actor, clash):
        current_app.logger.warning("%s invited %s, which belongs to another organization: nothing done",
                                   actor.email, clash.email)
        return None
    return create_user(actor, email=email, name=name, role=role, organization=organization, phone=phone,
                       job_title=job_title, locale=locale)


@transactional
def update_user(user: User, *, email: str, name: str, role: str, organization=None, teams=None,
                phone: str = "", job_title: str = "", actor) -> None:
    _require_account_manager(actor, user.organization, user.role)
    _require_account_manager(actor, organization, role)
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    _validate_account(user, email, name, role, organization, errors, phone=phone, job_title=job_title, actor=actor)
    if actor is not None and actor.id == user.id and role != user.role:
        errors["role"] = [_("You cannot change your own role.")]
    if teams and role not in STAFF_ROLES:
        errors["teams"] = [_("Only staff can be members of teams.")]
    if errors:
        raise ValidationError(errors)
    if role != user.role or email != user.email:
        user.session_version += 1  # log them out: what they may do has changed
    user.email, user.name, user.role = email, name.strip(), role
    user.organization = organization
    user.phone, user.job_title = phone.strip(), job_title.strip()
    if teams is not None:
        user.teams = list(teams) if role in STAFF_ROLES else []


@transactional
def set_user_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate or reactivate an account. Accounts are never deleted."""
    _require_account_manager(actor, user.organization, user.role)
    if user.id == actor.id and not active:
        raise ValidationError.single("active", _("You cannot deactivate your own account."))
    user.active = active
    if not active:
        end_access(user)


def end_access(user: User) -> None:
    """Everything that lets the user in stops working, for good: sessions,
    remember-me cookies, reset links and API tokens (reactivating the account
    later revives none of them). Part of the caller's transaction."""
    user.session_version += 1
    tokens.revoke_all(user)
