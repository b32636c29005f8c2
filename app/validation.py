"""The bounds every door checks input against: ids and integers, dates, times and
text. PURE: standard library only.

Ids and counts live in INTEGER columns (signed 32 bits on PostgreSQL); Python's datetime arithmetic fails
near the years 1 and 9999; a lone surrogate or a NUL cannot be stored. So URL
rules (the ``int`` converter), query strings, cursors, WTForms fields, the
API's marshmallow fields and the services all ask the functions here, and a
value outside the bounds is a 4xx naming the field — never a 500.
"""
from datetime import date, datetime

from app.text import has_control_chars

MAX_INT = 2**31 - 1  # the largest INTEGER (PostgreSQL's int4; SQLite's columns hold more)
MIN_YEAR, MAX_YEAR = 1900, 2200  # of any date or time a person means

# Characters no text may hold, one line or many: C0 controls but tab, line feed and
# carriage return; DEL; lone surrogates (they cannot be encoded).
_BAD_IN_TEXT = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


def int_or_none(value) -> int | None:
    """An integer that fits the database, from text or a number; None otherwise."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -MAX_INT - 1 <= number <= MAX_INT else None


def id_or_none(value) -> int | None:
    """A positive id that fits the database; None for anything else (empty, text, 0, too large)."""
    number = int_or_none(value)
    return number if number is not None and number > 0 else None


def date_ok(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def moment_ok(moment: datetime) -> bool:
    """Aware, and within the years anyone means (so converting its zone cannot overflow)."""
    return moment.tzinfo is not None and moment.utcoffset() is not None and MIN_YEAR <= moment.year <= MAX_YEAR


def text_ok(text: str) -> bool:
    """Text of any length and lines that can be stored: no NUL, no control character but
    tab and line breaks, no lone surrogate."""
    return not any(ch in _BAD_IN_TEXT or "\ud800" <= ch <= "\udfff" for ch in text)


def line_ok(text: str) -> bool:
    """One line of text (a name, a title): text_ok, and no line break, tab or bidi override either."""
    return not has_control_chars(text)
