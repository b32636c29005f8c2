"""The one clock of the application and an aware-UTC column type.

Every "now" in Zayavka comes from utcnow(), so tests can move time by patching
this one function. Datetimes are always timezone-aware and in UTC inside the
application; they are converted to the user's zone only when displayed.
"""
import functools
from datetime import UTC, datetime
from zoneinfo import available_timezones

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


@functools.cache
def timezone_choices() -> tuple[str, ...]:
    """The time zones a user may choose. Computed once: the zone database does not change while the app runs."""
    return (*sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))), "UTC")


class UTCDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as UTC and always returns aware UTC datetimes.

    PostgreSQL keeps them in ``timestamptz``; SQLite has no zone support, so
    the value is stored as naive UTC and given its zone back when loaded.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _now():
    # Looked up at call time, so a patched utcnow() is honoured by defaults too.
    return utcnow()


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
