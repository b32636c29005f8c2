"""A report's period and filters as a person or a BI tool gives them (query strings), checked:
bad input is a ValidationError naming the field, and nothing is read."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app import timeutil
from app.reports.sla import GROUPS, MEASURES, NONE, Scope
from app.tickets.workflow import Kind
from app.validation import date_ok, id_or_none, int_or_none

PERIODS = ("month", "quarter", "custom")
MAX_DAYS = 3 * 366  # a custom period of at most three years


def _month(text: str) -> date | None:
    try:
        year, number = (int(part) for part in text.split("-"))
        first = date(year, number, 1)
    except ValueError:
        return None
    return first if date_ok(first) else None


def day(text: str) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if date_ok(day) else None


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def period(args, zone: str, errors: dict) -> tuple[str, date, date]:
    """(kind, start, end exclusive) from ``period`` and ``month``, ``quarter`` or ``from``/``to``;
    without any, this month in ``zone``."""
    today = timeutil.utcnow().astimezone(ZoneInfo(zone or "UTC")).date()
    if args.get("from") or args.get("to") or args.get("period") == "custom":
        start, end = day(args.get("from", "")), day(args.get("to", ""))
        if start is None:
            errors["from"] = [_("Give the first day as YYYY-MM-DD.")]
        if end is None:
            errors["to"] = [_("Give the day after the last as YYYY-MM-DD.")]
        if start and end and not start < end <= start + timedelta(days=MAX_DAYS):
            errors["to"] = [_("The period ends after it starts, within three years.")]
        return "custom", start or today, end or today + timedelta(days=1)
    if args.get("period") == "quarter" or args.get("quarter"):
        text = args.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        try:
            year, number = text.upper().split("-Q")
            start = date(int(year), 3 * int(number) - 2, 1)
            if not date_ok(start):
                raise ValueError
        except ValueError:
            errors["quarter"] = [_("Give the quarter as YYYY-Qn.")]
            start = today.replace(day=1)
            return "quarter", start, next_month(start)
        return "quarter", start, next_month(next_month(next_month(start)))
    start = _month(args.get("month", "")) if args.get("month") else today.replace(day=1)
    if start is None:
        errors["month"] = [_("Give the month as YYYY-MM.")]
        start = today.replace(day=1)
    return "month", start, next_month(start)


def choice(args, name: str, allowed, errors: dict, default=None):
    value = args.get(name) or default
    if value is not None and value not in allowed:
        errors[name] = [_("Choose one of: %(choices)s.", choices=", ".join(allowed))]
        return default
    return value


def identifier(args, name: str, errors: dict, allow_none: bool = False) -> int | None:
    """An id filter; with ``allow_none``, "none" means tickets without one (NONE)."""
    text = args.get(name)
    if not text:
        return None
    if allow_none and text == "none":
        return NONE
    number = id_or_none(text)
    if number is None:
        errors[name] = [_("Give a number.")]
    return number


def filters(args, errors: dict) -> dict:
    """The filters besides the organization (the page takes its id, the API its code)."""
    priority = args.get("priority")
    number = int_or_none(priority) if priority else None
    if priority and number not in (1, 2, 3, 4):
        errors["priority"] = [_("Give a priority from 1 to 4.")]
        number = None
    return {"team_id": identifier(args, "team", errors, allow_none=True),
            "assignee_id": identifier(args, "agent", errors, allow_none=True),
            "kind": choice(args, "kind", [str(k) for k in Kind], errors),
            "priority": number, "ci_class_id": identifier(args, "ci_class", errors),
            "service_id": identifier(args, "service", errors)}


def scope(args, zone: str, errors: dict, **fixed) -> tuple[str, Scope]:
    kind, start, end = period(args, zone, errors)
    return kind, Scope(start=start, end=end, zone=zone, **{**filters(args, errors), **fixed})


def group(args, errors: dict, default: str = "organization") -> str:
    return choice(args, "group", GROUPS, errors, default)


def measure(args, errors: dict) -> str:
    return choice(args, "measure", MEASURES, errors, "tickets")
