"""Which policy a ticket runs on, the working calendar of a policy, and the rules of a good
policy (targets, pausing statuses, escalation levels).

A ticket runs on the first active policy, for its kind (a policy for one kind before one for
both), among its organization's contract policies, else among the provider's defaults. Only
incidents and service requests have service levels. Which policy fits is decided from the active
policies and the contracts kept per SLA version (app/jobs/versions.py): the services that change
policies or contracts move it, so the next ticket sees the change."""
import threading
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _

from app.errors import ValidationError
from app.extensions import db
from app.jobs import versioned
from sla.calendar import WorkingCalendar
from sla.models import TARGETS, SlaCalendar, SlaCalendarVersion, SlaPolicy, organization_policies

SLA_KINDS = ("incident", "request")
PRIORITIES = ("1", "2", "3", "4")
DEFAULT_PAUSE_STATUSES = ("pending",)
THIRD_PARTY = "third_party"  # waiting for a supplier: pauses only where a policy says so (not by default)
PAUSABLE = ("pending", THIRD_PARTY, "awaiting_approval", "open")
ACTIONS = ("notify_assignee", "notify_team", "notify_managers")
DEFAULT_LEVELS = ({"percent": 75, "action": "notify_assignee"}, {"percent": 90, "action": "notify_team"},
                  {"percent": 100, "action": "notify_managers"})
MAX_TARGET_MINUTES = 60 * 24 * 366  # a year of business minutes is already no promise

_calendars: dict[tuple, WorkingCalendar] = {}
_calendars_lock = threading.Lock()
CACHED_CALENDARS = 256


VERSION = "sla-policies"  # moved by changes of SlaPolicy rows (watched) and of contracts (services)


def _choices() -> dict:
    """The active policies, a policy for one kind before one for both (then by id), and which
    of them each organization's contract names."""
    active = db.session.execute(sa.select(SlaPolicy.id, SlaPolicy.kind, SlaPolicy.is_default)
                                .where(SlaPolicy.active.is_(True))
                                .order_by(SlaPolicy.kind.is_(None), SlaPolicy.id)).all()
    contracts: dict[int, list[int]] = {}
    for organization_id, policy_id in db.session.execute(
            sa.select(organization_policies.c.organization_id, organization_policies.c.policy_id)):
        contracts.setdefault(organization_id, []).append(policy_id)
    return {"active": [tuple(row) for row in active],
            "contracts": {key: frozenset(ids) for key, ids in contracts.items()}}


def policy_for(ticket) -> SlaPolicy | None:
    """The policy this ticket runs on, or None (a problem, a change, or no policy fits)."""
    if ticket.kind not in SLA_KINDS:
        return None
    choices = versioned(VERSION, _choices)
    fitting = [(policy_id, is_default) for policy_id, kind, is_default in choices["active"]
               if kind is None or kind == ticket.kind]
    organization_id = ticket.organization_id
    if organization_id is None and ticket.organization is not None:  # not flushed yet
        organization_id = ticket.organization.id
    contract = choices["contracts"].get(organization_id, ())
    chosen = (next((policy_id for policy_id, _default in fitting if policy_id in contract), None)
              or next((policy_id for policy_id, is_default in fitting if is_default), None))
    return db.session.get(SlaPolicy, chosen) if chosen is not None else None


def calendar_data(calendar: SlaCalendar) -> dict:
    """The mapping sla.calendar reads: the week, and the dated rows expanded."""
    holidays = [row.day.isoformat() for row in calendar.days if row.kind == "holiday"]
    exceptions = {row.day.isoformat(): row.intervals for row in calendar.days if row.kind == "exception"}
    return {"timezone": calendar.timezone, "weekly": calendar.weekly, "holidays": holidays, "exceptions": exceptions}


def _cached(key: tuple, build) -> WorkingCalendar:
    """A WorkingCalendar per key, built once per process (its tables grow lazily). Versions never
    change once written, so nothing is invalidated; the oldest go when the cache is full."""
    found = _calendars.get(key)
    if found is None:
        found = build()
        with _calendars_lock:
            while len(_calendars) >= CACHED_CALENDARS:
                del _calendars[next(iter(_calendars))]
            _calendars[key] = found
    return found


def working_calendar(calendar: SlaCalendar) -> WorkingCalendar:
    """The arithmetic of this calendar's current version."""
    return _cached((calendar.id, calendar.version), lambda: WorkingCalendar.from_dict(calendar_data(calendar)))


def version_data(calendar_id: int, version: int) -> dict | None:
    row = db.session.get(SlaCalendarVersion, (calendar_id, version))
    return None if row is None else row.data


def versioned_calendar(calendar: SlaCalendar, version: int) -> WorkingCalendar:
    """The arithmetic of one recorded version of a calendar (the current one when it was never
    recorded: a clock older than the versions table)."""
    if version == calendar.version:
        return working_calendar(calendar)

    def build():
        data = version_data(calendar.id, version)
        return WorkingCalendar.from_dict(data if data is not None else calendar_data(calendar))
    return _cached((calendar.id, version), build)


def personal_calendar(calendar: SlaCalendar, zone: str) -> WorkingCalendar:
    """This calendar's week and dated rows read in another zone: a person's working hours."""
    if zone == calendar.timezone:
        return working_calendar(calendar)
    return _cached((calendar.id, calendar.version, zone),
                   lambda: WorkingCalendar.from_dict({**calendar_data(calendar), "timezone": zone}))


def terms_of(policy: SlaPolicy) -> dict:
    """What a clock keeps of its policy (``TicketClock.terms``)."""
    return {"targets": policy.targets or {}, "pause_statuses": list(pause_statuses(policy)),
            "levels": levels(policy)}


def clock_terms(clock):
    """The policy as this clock runs on it: the terms it recorded, else the live policy."""
    if not clock.terms:
        return clock.policy
    return SimpleNamespace(name=clock.policy.name, **clock.terms)


def pause_statuses(policy: SlaPolicy) -> tuple[str, ...]:
    return tuple(policy.pause_statuses or DEFAULT_PAUSE_STATUSES)


def target_minutes(policy: SlaPolicy, priority: int, target: str) -> float | None:
    value = (policy.targets or {}).get(str(priority), {}).get(target)
    return None if value in (None, "") else float(value)


def levels(policy: SlaPolicy) -> list[dict]:
    """The escalation levels by percent; a breach (100 %) level always ends the list."""
    chosen = sorted((dict(level) for level in (policy.levels or DEFAULT_LEVELS)), key=lambda lv: lv["percent"])
    if not chosen or chosen[-1]["percent"] < 100:
        chosen.append({"percent": 100, "action": "notify_managers"})
    return chosen


def clean_targets(raw) -> dict:
    """{"1": {"first_response": 30, …}, …} checked: whole non-negative minutes, at most a year."""
    if not isinstance(raw, dict):
        raise ValidationError.single("targets", _("Give the targets per priority."))
    errors, clean = [], {}
    for priority in PRIORITIES:
        row = raw.get(priority) or raw.get(int(priority)) or {}
        clean[priority] = {}
        for target in TARGETS:
            value = row.get(target)
            if value in (None, ""):
                continue
            try:
                minutes = int(value)
            except (TypeError, ValueError):
                errors.append(_("P%(priority)s: the target must be a whole number of minutes.", priority=priority))
                continue
            if minutes <= 0:
                errors.append(_("P%(priority)s: a target must be more than zero minutes.", priority=priority))
            elif minutes > MAX_TARGET_MINUTES:
                errors.append(_("P%(priority)s: a target must be at most a year.", priority=priority))
            else:
                clean[priority][target] = minutes
    if errors:
        raise ValidationError({"targets": errors})
    return clean


def clean_levels(raw) -> list[dict]:
    """Escalation levels: distinct percents from 1 to 100, each with a known action, and optionally
    a team to move the ticket to (``team_id``) and ``raise_priority``."""
    if not isinstance(raw, (list, tuple)):
        raise ValidationError.single("levels", _("Give the escalation levels as a list."))
    clean, seen = [], set()
    for level in raw:
        try:
            percent = int(level["percent"])
        except (TypeError, ValueError, KeyError):
            raise ValidationError.single("levels", _("Each level needs a percent of the target.")) from None
        if not 1 <= percent <= 100 or percent in seen:
            raise ValidationError.single("levels", _("Percents must be distinct, from 1 to 100."))
        if level.get("action") not in ACTIONS:
            raise ValidationError.single("levels", _("Unknown escalation action."))
        seen.add(percent)
        chosen = {"percent": percent, "action": level["action"]}
        team_id = level.get("team_id")
        if team_id not in (None, "", "None"):
            try:
                chosen["team_id"] = int(team_id)
            except (TypeError, ValueError):
                raise ValidationError.single("levels", _("Choose a team from the list.")) from None
        if level.get("raise_priority"):
            chosen["raise_priority"] = True
        clean.append(chosen)
    return sorted(clean, key=lambda lv: lv["percent"])
