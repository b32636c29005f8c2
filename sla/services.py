"""The SLA engine's writes: calendars and their dated rows, policies, which organization runs on
which policy, and replaying tickets' clocks. Each is one unit of work; bad input raises
ValidationError and changes nothing. The actor is checked (admins; SHELL from the command line)."""
import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holiday_data
import sqlalchemy as sa
from flask_babel import gettext as _

from app import timeutil
from app.auth.permissions import is_admin
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.jobs import changed
from app.orgs.models import Team
from app.tickets.models import Event, Message, Ticket
from app.tickets.services import record
from app.transactions import transactional
from sla import clock as clocks
from sla.calendar import DAYS, WorkingCalendar
from sla.models import (
    SlaCalendar,
    SlaCalendarDay,
    SlaCalendarVersion,
    SlaDeferredMail,
    SlaPolicy,
    SlaThreshold,
    TicketClock,
    organization_policies,
)
from sla.policy import PAUSABLE, SLA_KINDS, calendar_data, clean_levels, clean_targets, policy_for
from sla.policy import VERSION as POLICY_VERSION


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise Forbidden()


def _new_version(calendar: SlaCalendar, *, first: bool = False) -> None:
    """Move the calendar to its next version and record what that version is (the clocks that run
    on an older one keep reading theirs)."""
    if not first:
        calendar.version += 1
    db.session.flush()
    db.session.expire(calendar, ["days"])
    db.session.add(SlaCalendarVersion(calendar_id=calendar.id, version=calendar.version,
                                      data=calendar_data(calendar), created_at=timeutil.utcnow()))


def check_calendar(timezone: str, weekly: dict, days=()) -> None:
    """Refuse a calendar sla.calendar would refuse, with its reason on the field it concerns."""
    try:
        WorkingCalendar.from_dict({"timezone": timezone, "weekly": weekly})
    except ValueError as problem:
        field = "timezone" if "time zone" in str(problem) else "weekly"
        raise ValidationError.single(field, _("This calendar cannot be used: %(reason)s", reason=str(problem))) from None


_TIME = re.compile(r"(\d\d):(\d\d)")


def _minute_of_day(text) -> int | None:
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def interval_problems(intervals) -> list[str]:
    """What is wrong with one day's intervals ([["09:00", "13:00"], …]), in the reader's words:
    a time that is not a time of day ("25:00"), an interval that ends before it starts, two that
    overlap. Empty when they can be used."""
    if not isinstance(intervals, (list, tuple)):
        return [_("Write the hours as 09:00–13:00, 14:00–18:00.")]
    problems, spans = [], []
    for pair in intervals:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            problems.append(_("Write the hours as 09:00–13:00, 14:00–18:00."))
            continue
        start, end = _minute_of_day(pair[0]), _minute_of_day(pair[1])
        for text, value in ((pair[0], start), (pair[1], end)):
            if value is None:
                problems.append(_("“%(time)s” is not a time of day (00:00 to 24:00).", time=text))
        if start is None or end is None:
            continue
        if start >= end:
            problems.append(_("%(start)s–%(end)s ends before it starts (a night shift is 22:00–24:00 on one day "
                              "and 00:00–06:00 on the next).", start=pair[0], end=pair[1]))
            continue
        spans.append((start, end, f"{pair[0]}–{pair[1]}"))
    spans.sort()
    for (_s0, e0, first), (s1, _e1, second) in zip(spans, spans[1:], strict=False):
        if s1 < e0:
            problems.append(_("%(first)s and %(second)s overlap.", first=first, second=second))
    return problems


def _check_zone(timezone) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError):
        raise ValidationError.single("timezone", _("Unknown time zone.")) from None


@transactional
def save_calendar(actor, calendar: SlaCalendar | None, *, name: str, timezone: str, weekly: dict) -> SlaCalendar:
    """Create a calendar (``calendar`` None) or change one; a change moves its version on.
    A day's bad hours are refused on that day's field ("mon" … "sun")."""
    _require_admin(actor)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ValidationError.single("name", _("Give the calendar a name of at most 80 characters."))
    _check_zone(timezone)
    if isinstance(weekly, dict):
        weekly = {day: weekly.get(day) or [] for day in DAYS}
        errors = {day: found for day in DAYS if (found := interval_problems(weekly[day]))}
        if errors:
            raise ValidationError(errors)
        if not any(weekly.values()):
            raise ValidationError.single("weekly", _("A calendar needs some working time in its week."))
    check_calendar(timezone, weekly)
    clash = db.session.scalar(sa.select(SlaCalendar.id).where(SlaCalendar.name == name))
    if clash is not None and (calendar is None or clash != calendar.id):
        raise ValidationError.single("name", _("Another calendar has this name."))
    if calendar is None:
        calendar = SlaCalendar(name=name, timezone=timezone, weekly=weekly, version=1)
        db.session.add(calendar)
        _new_version(calendar, first=True)
    else:
        changed = (calendar.timezone, calendar.weekly) != (timezone, weekly)
        calendar.name, calendar.timezone, calendar.weekly = name, timezone, weekly
        if changed:
            _new_version(calendar)
    db.session.flush()
    return calendar


@transactional
def set_day(actor, calendar: SlaCalendar, day: date, *, kind: str, name: str = "", intervals=()) -> SlaCalendarDay:
    """A holiday or an exception on ``day`` (replacing what that date had)."""
    _require_admin(actor)
    if kind not in ("holiday", "exception"):
        raise ValidationError.single("kind", _("Choose a holiday or a working-day exception."))
    intervals = list(intervals) if kind == "exception" else []
    if kind == "exception" and (problems := interval_problems(intervals)):
        raise ValidationError({"intervals": problems})
    if kind == "exception":
        try:
            WorkingCalendar.from_dict({"timezone": calendar.timezone, "weekly": {},
                                       "exceptions": {day.isoformat(): intervals}})
        except ValueError as problem:
            raise ValidationError.single("intervals", _("These hours cannot be used: %(reason)s",
                                                        reason=str(problem))) from None
    row = db.session.scalar(sa.select(SlaCalendarDay).where(SlaCalendarDay.calendar_id == calendar.id,
                                                            SlaCalendarDay.day == day))
    if row is None:
        row = SlaCalendarDay(calendar=calendar, day=day)
        db.session.add(row)
    row.kind, row.name, row.intervals = kind, (name or "").strip()[:120], intervals
    _new_version(calendar)
    return row


@transactional
def remove_day(actor, calendar: SlaCalendar, day: date) -> None:
    _require_admin(actor)
    row = db.session.scalar(sa.select(SlaCalendarDay).where(SlaCalendarDay.calendar_id == calendar.id,
                                                            SlaCalendarDay.day == day))
    if row is not None:
        db.session.delete(row)
        _new_version(calendar)


@transactional
def import_holidays(actor, calendar: SlaCalendar, found: dict[date, str]) -> int:
    """Holiday rows for the dates given (from the ``holidays`` package, see sla/cli.py); a date
    that already has a row keeps it. Returns how many rows were added."""
    _require_admin(actor)
    have = set(db.session.scalars(sa.select(SlaCalendarDay.day).where(SlaCalendarDay.calendar_id == calendar.id)))
    added = 0
    for day, name in sorted(found.items()):
        if day not in have:
            db.session.add(SlaCalendarDay(calendar=calendar, day=day, kind="holiday", name=str(name)[:120]))
            added += 1
    if added:
        _new_version(calendar)
    return added


HOLIDAY_COUNTRIES = ("UA", "PL", "DE", "CZ", "SK", "RO", "MD", "LT", "LV", "EE", "GB", "IE", "FR", "NL", "US", "CA")


def holidays_of(country: str, subdivision: str | None, first_year: int, last_year: int,
                categories=("public",)) -> dict[date, str]:
    """The public holidays the ``holidays`` package knows for a country (and subdivision) and years.
    Asked only when an admin imports them, never when a clock is computed."""
    errors = {}
    if not 2000 <= (first_year or 0) <= (last_year or 0) <= 2100 or last_year - first_year > 10:
        errors["first_year"] = [_("Choose at most ten years between 2000 and 2100, the first before the last.")]
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = [_("Give a two-letter country code, e.g. UA.")]
    if errors:
        raise ValidationError(errors)
    try:
        found = holiday_data.country_holidays(country, subdiv=(subdivision or "").strip().upper() or None,
                                              categories=tuple(categories),
                                              years=range(first_year, last_year + 1))
        return dict(found.items())
    except NotImplementedError:
        raise ValidationError.single("country", _("No holidays are known for %(country)s.",
                                                  country=country)) from None
    except (ValueError, KeyError):
        raise ValidationError.single("subdivision", _("No holidays are known for %(country)s / %(subdivision)s.",
                                                      country=country, subdivision=subdivision)) from None


@transactional
def import_country_holidays(actor, calendar: SlaCalendar, *, country: str, subdivision: str | None,
                            first_year: int, last_year: int, categories=("public",)) -> tuple[int, int]:
    """Holiday rows from the ``holidays`` package for these years; returns (added, found)."""
    _require_admin(actor)
    found = holidays_of(country, subdivision, first_year, last_year, categories)
    calendar.holiday_country = country.strip().upper()
    calendar.holiday_subdivision = (subdivision or "").strip().upper()[:10] or None
    return import_holidays(actor, calendar, found), len(found)


@transactional
def extend_holidays(actor, calendar: SlaCalendar, this_year: int, years_ahead: int = 2) -> int:
    """The yearly extension: the holidays of the country the calendar imported from, for each of
    this year and the next ``years_ahead`` that has no holiday row yet (a year an admin already
    edited is left as it is). Idempotent; returns how many rows were added."""
    _require_admin(actor)
    if not calendar.holiday_country:
        return 0
    have = {day.year for day in db.session.scalars(sa.select(SlaCalendarDay.day).where(
        SlaCalendarDay.calendar_id == calendar.id, SlaCalendarDay.kind == "holiday"))}
    missing = [year for year in range(this_year, this_year + years_ahead + 1) if year not in have]
    if not missing:
        return 0
    found = holidays_of(calendar.holiday_country, calendar.holiday_subdivision, missing[0], missing[-1])
    return import_holidays(actor, calendar, {day: name for day, name in found.items() if day.year in missing})


@transactional
def save_policy(actor, policy: SlaPolicy | None, *, name: str, calendar: SlaCalendar | None, kind: str | None,
                targets, pause_statuses=("pending",), levels=None, is_default: bool = False,
                active: bool = True, mail_in_working_hours: bool = False) -> SlaPolicy:
    _require_admin(actor)
    errors = {}
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        errors["name"] = [_("Give the policy a name of at most 80 characters.")]
    if calendar is None:
        errors["calendar"] = [_("Choose the working calendar.")]
    if kind not in (None, "", *SLA_KINDS):
        errors["kind"] = [_("A policy is for incidents, service requests or both.")]
    if any(status not in PAUSABLE for status in pause_statuses if status):
        errors["pause_statuses"] = [_("Only the statuses listed here can stop the clock.")]
    if errors:
        raise ValidationError(errors)
    targets = clean_targets(targets)
    levels = clean_levels(levels if levels is not None else [
        {"percent": 75, "action": "notify_assignee"}, {"percent": 90, "action": "notify_team"},
        {"percent": 100, "action": "notify_managers"}])
    for level in levels:
        team = db.session.get(Team, level["team_id"]) if "team_id" in level else None
        if "team_id" in level and (team is None or not team.active):
            raise ValidationError.single("levels", _("Choose an active team to escalate to."))
    clash = db.session.scalar(sa.select(SlaPolicy.id).where(SlaPolicy.name == name))
    if clash is not None and (policy is None or clash != policy.id):
        raise ValidationError.single("name", _("Another policy has this name."))
    if policy is None:
        policy = SlaPolicy()
        db.session.add(policy)
    policy.name, policy.calendar, policy.kind = name, calendar, kind or None
    policy.targets, policy.levels = targets, levels
    policy.pause_statuses = sorted({s for s in pause_statuses if s})
    policy.is_default, policy.active = bool(is_default), bool(active)
    policy.mail_in_working_hours = bool(mail_in_working_hours)
    db.session.flush()
    return policy


@transactional
def set_organization_policies(actor, organization, policies: list[SlaPolicy]) -> None:
    """The policies of an organization's contract (replacing the ones it had)."""
    _require_admin(actor)
    changed(POLICY_VERSION)  # which policy fits a new ticket (sla/policy.py)
    db.session.execute(sa.delete(organization_policies).where(
        organization_policies.c.organization_id == organization.id))
    for policy in {p.id: p for p in policies}.values():
        db.session.execute(sa.insert(organization_policies).values(organization_id=organization.id,
                                                                   policy_id=policy.id))


@transactional
def set_policy_organizations(actor, policy: SlaPolicy, organizations) -> None:
    """The organizations whose contract names this policy (replacing the ones it had); an
    organization keeps its other contract policies."""
    _require_admin(actor)
    changed(POLICY_VERSION)  # which policy fits a new ticket (sla/policy.py)
    db.session.execute(sa.delete(organization_policies).where(organization_policies.c.policy_id == policy.id))
    for organization in {o.id: o for o in organizations}.values():
        db.session.execute(sa.insert(organization_policies).values(organization_id=organization.id,
                                                                   policy_id=policy.id))


@transactional
def save_policy_with_organizations(actor, policy: SlaPolicy | None, *, organizations, **fields) -> SlaPolicy:
    """save_policy, then the organizations whose contract names it: one unit of work (the admin page)."""
    saved = save_policy(actor, policy, **fields)
    set_policy_organizations(actor, saved, organizations)
    return saved


def _describe(clock: TicketClock) -> str:
    """A clock's policy and calendar version, for the event that says they changed."""
    calendar = db.session.get(SlaCalendar, clock.calendar_id) if clock.calendar_id else clock.policy.calendar
    return f"{clock.policy.name} ({calendar.name} v{clock.calendar_version})"


def replay(ticket: Ticket, actor=None) -> TicketClock | None:
    """Rebuild a ticket's clock from its history (status events and public messages) on the policy,
    its terms and the calendar version that apply now; a changed policy or version is recorded as
    an event. Only ``flask sla recompute`` does this: editing a calendar or a policy alone never
    changes a clock that already runs."""
    now = timeutil.utcnow()
    old = db.session.get(TicketClock, ticket.id)
    policy = policy_for(ticket)
    if policy is None:
        if old is not None:
            db.session.delete(old)
            thresholds = sa.select(SlaThreshold.id).where(SlaThreshold.ticket_id == ticket.id)
            db.session.execute(sa.delete(SlaDeferredMail).where(SlaDeferredMail.threshold_id.in_(thresholds)))
            db.session.execute(sa.delete(SlaThreshold).where(SlaThreshold.ticket_id == ticket.id))
            ticket.first_response_due = ticket.resolution_due = ticket.next_sla_check_at = None
            record(ticket, actor, "sla", old.policy.name, None)
        return None
    statuses = list(db.session.execute(sa.select(Event.created_at, Event.old_value, Event.new_value).where(
        Event.ticket_id == ticket.id, Event.field == "status").order_by(Event.id)))
    messages = list(db.session.scalars(sa.select(Message).where(Message.ticket_id == ticket.id,
                                                                Message.internal.is_(False)).order_by(Message.id)))
    clock = old or TicketClock(ticket_id=ticket.id)
    if old is None:
        db.session.add(clock)
    else:
        before = _describe(old)
    clocks.pin(clock, policy)
    if old is not None and _describe(clock) != before:
        record(ticket, actor, "sla", before, _describe(clock))
    clock.started_at = ticket.created_at
    clock.segments, clock.first_response_met_at = [], None
    clock.next_response_since = clock.resolved_at = None
    initial = statuses[0].old_value if statuses else ticket.status
    clocks.move(clock, clocks.state_for(ticket, policy, initial), initial, ticket.created_at)
    happened = [(e.created_at, 1, "status", e.new_value) for e in statuses]
    happened += [(m.created_at, 0, "message", m) for m in messages]
    for at, _order, what, value in sorted(happened, key=lambda h: (h[0], h[1])):
        if what == "status":
            clocks.apply_status(clock, ticket, value, at)
        else:
            clocks.apply_message(clock, ticket, by_staff=bool(value.author and value.author.is_staff), at=at)
    clocks.refresh(clock, ticket, now)
    return clock


@transactional
def recompute(actor, ticket_ids: list[int]) -> int:
    """Replay the clocks of these tickets (``flask sla recompute``)."""
    _require_admin(actor)
    count = 0
    for ticket in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)):
        replay(ticket, actor)
        count += 1
    return count
