from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import timeutil
from app.auth.roles import CLIENT_ROLES, ROLE_LABELS, STAFF_ROLES, Role
from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime

_roles_sql = ", ".join(f"'{r.value}'" for r in Role)
_client_roles_sql = ", ".join(f"'{r.value}'" for r in CLIENT_ROLES)


class User(UserMixin, TimestampMixin, db.Model):
    """Anyone who logs in: a client's contact or one of the provider's staff."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(f"role IN ({_roles_sql})", name="role"),
        # Client contacts belong to exactly one organization; staff to none.
        sa.CheckConstraint(
            f"(role IN ({_client_roles_sql})) = (organization_id IS NOT NULL)", name="client_org"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped when the password changes or the account is deactivated: every
    # session and remember-me cookie issued before then stops working.
    session_version: Mapped[int] = mapped_column(default=1)

    organization = relationship("Organization", back_populates="contacts")
    teams = relationship("Team", secondary="team_members", back_populates="members", order_by="Team.name")

    def __init__(self, **fields):
        fields.setdefault("session_version", 1)
        fields.setdefault("active", True)
        super().__init__(**fields)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_client(self) -> bool:
        return self.role in CLIENT_ROLES

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[Role(self.role)])

    # The token of the login this object was loaded for (app.auth.sessions): it is what
    # the session and remember-me cookies carry, so ending that login ends both.
    login_token = None

    def get_id(self) -> str | None:
        return self.login_token

    # The same person is the same row: UserMixin would compare get_id(), a login's token now.
    __hash__ = object.__hash__

    def __eq__(self, other):
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginSession(db.Model):
    """One login, on one browser. Its token is in that browser's session cookie (and
    remember-me cookie); only its SHA-256 is kept. Logging out ends it; a new password,
    a new role or deactivation end every one of the user's (their session_version moves on)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    session_version: Mapped[int]  # the user's when they logged in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class LoginThrottle(db.Model):
    """Failed logins per e-mail address, known or not, so both are treated alike."""

    __tablename__ = "login_throttles"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown
    once, when it is made. The prefix lets its owner tell their tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: timeutil.utcnow())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"
