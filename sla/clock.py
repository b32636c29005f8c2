"""A ticket's clock: a list of segments, and everything derived from it.

The segments say when the clock ran and when it did not, and why:

    [{"state": "running", "from": "2026-03-06T15:30:00+00:00", "to": "2026-03-06T16:10:00+00:00", "why": "new"},
     {"state": "paused", "from": "2026-03-06T16:10:00+00:00", "to": None, "why": "pending"}]

"paused" is a pausing status of the policy (by default ``pending``: waiting for the client);
"stopped" is a final status (resolved, closed). Every timer counts business minutes of the
policy's calendar outside the paused and stopped segments:

- first response: from the ticket's creation until the first public reply of staff;
- next response: from a client's public message (once first response is met) until staff's
  next public reply;
- resolution: from the creation until it is resolved; reopening resumes it.

Due times, used and remaining minutes and breaches are derived (``timers``); nothing but the
segments and the met instants is stored, so a new priority, policy or calendar recomputes them
with the time already used staying used. ``refresh`` writes what the lists and the sweep read:
the ticket's due columns, its ``next_sla_check_at`` and its threshold rows."""
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.tickets.workflow import workflow
from sla import policy as policies
from sla.models import TARGETS, SlaCalendar, SlaThreshold, TicketClock


@dataclass(frozen=True)
class Timer:
    name: str  # first_response, next_response, resolution
    target: float  # business minutes
    start: datetime
    due: datetime | None  # None while the clock stands and the target is not met
    met_at: datetime | None
    used: float  # business minutes used, until met_at or now
    remaining: float | None  # None once met
    breached: bool
    paused: bool


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def calendar_of(clock: TicketClock):
    """The WorkingCalendar this clock runs on: the calendar and version it recorded."""
    calendar = (db.session.get(SlaCalendar, clock.calendar_id) if clock.calendar_id is not None
                else clock.policy.calendar)
    return policies.versioned_calendar(calendar, clock.calendar_version)


def state_for(ticket, policy, status: str) -> str:
    if not workflow(ticket.kind).is_open(status):
        return "stopped"
    return "paused" if status in policies.pause_statuses(policy) else "running"


def move(clock: TicketClock, state: str, why: str, at: datetime) -> None:
    """Close the open segment at ``at`` and open one in ``state`` (nothing when only the reason is new
    for a running clock)."""
    segments = [dict(s) for s in clock.segments]
    current = segments[-1] if segments else None
    if current is not None and current["state"] == state and (state == "running" or current["why"] == why):
        return
    if current is not None:
        current["to"] = _iso(max(at, parse(current["from"])))
        at = parse(current["to"])
    segments.append({"state": state, "from": _iso(at), "to": None, "why": why})
    clock.segments = segments  # a new list: the JSON column sees the change


def pauses(clock: TicketClock, now: datetime) -> list[tuple[datetime, datetime]]:
    """The spans the clock stood, an open one ending at ``now``."""
    out = []
    for segment in clock.segments:
        if segment["state"] != "running":
            start, end = parse(segment["from"]), parse(segment["to"]) or now
            if end > start:
                out.append((start, end))
    return out


def is_running(clock: TicketClock) -> bool:
    return bool(clock.segments) and clock.segments[-1]["state"] == "running"


def current_pause(clock: TicketClock) -> dict | None:
    """The open segment when the clock stands, else None."""
    if clock.segments and clock.segments[-1]["state"] != "running":
        return clock.segments[-1]
    return None


def _timer(cal, name, target, start, met_at, stood, now, running) -> Timer:
    end = met_at or now
    if end < start:
        end = start
    closed = [(a, min(b, end)) for a, b in stood if a < end]
    used = cal.elapsed(start, end, closed)
    if met_at is not None:
        due = cal.add(start, target, closed)
        breached = used > target + 1e-9
    elif running:
        due = cal.add(start, target, closed)
        breached = used >= target - 1e-9
    else:
        due, breached = None, used >= target - 1e-9
    remaining = None if met_at is not None else max(target - used, 0.0)
    return Timer(name, target, start, due, met_at, used, remaining, breached, met_at is None and not running)


def timers(clock: TicketClock, ticket, now: datetime) -> dict[str, Timer]:
    """The timers of this clock at ``now``, by name (a target without minutes has no timer)."""
    policy = policies.clock_terms(clock)
    cal = calendar_of(clock)
    stood, running = pauses(clock, now), is_running(clock)
    starts = {"first_response": (clock.started_at, clock.first_response_met_at),
              "resolution": (clock.started_at, clock.resolved_at)}
    if clock.next_response_since is not None:
        starts["next_response"] = (clock.next_response_since, None)
    out = {}
    for name in TARGETS:
        minutes = policies.target_minutes(policy, ticket.priority, name)
        if minutes is None or name not in starts:
            continue
        start, met_at = starts[name]
        out[name] = _timer(cal, name, minutes, start, met_at, stood, now, running)
    return out


def threshold_at(clock: TicketClock, ticket, timer: Timer, percent: int, now: datetime) -> datetime | None:
    """When ``percent`` of the timer's target will have been used (None when it cannot run now)."""
    if timer.met_at is not None or timer.paused:
        return None
    cal = calendar_of(clock)
    return cal.add(timer.start, timer.target * percent / 100, pauses(clock, now)).astimezone(UTC)


def refresh(clock: TicketClock, ticket, now: datetime) -> dict[str, Timer]:
    """Write the ticket's due columns, its threshold rows and when the sweep must look next."""
    found = timers(clock, ticket, now)
    stored = db.session.scalars(sa.select(SlaThreshold).where(SlaThreshold.ticket_id == ticket.id)).all()
    pending = [o for o in db.session.new if isinstance(o, SlaThreshold) and o.ticket_id == ticket.id]
    rows = {(row.target, row.level): row for row in [*stored, *pending]}  # (the doors do not autoflush)
    next_check = None
    for name in TARGETS:
        timer = found.get(name)
        for index, level in enumerate(policies.levels(policies.clock_terms(clock))):
            row = rows.pop((name, index), None)
            if timer is None:
                if row is not None:
                    row.at = None
                continue
            if row is None:
                row = SlaThreshold(ticket_id=ticket.id, target=name, level=index)
                db.session.add(row)
            row.percent, row.action = level["percent"], level["action"]
            row.at = threshold_at(clock, ticket, timer, level["percent"], now)
            if row.fired_at is None and row.at is not None and (next_check is None or row.at < next_check):
                next_check = row.at
        if timer is not None and timer.breached:
            setattr(clock, f"{name}_breached", True)
    for row in rows.values():  # levels the policy no longer has
        row.at = None
    fr, res = found.get("first_response"), found.get("resolution")
    _set(ticket, "first_response_due", fr.due if fr is not None and fr.met_at is None else None)
    _set(ticket, "resolution_due", res.due if res is not None and res.met_at is None else None)
    _set(ticket, "next_sla_check_at", next_check)
    return found


def _set(ticket, column: str, value) -> None:
    """Assign only a change (an unchanged ticket keeps its version)."""
    value = value.astimezone(UTC) if value is not None else None
    if getattr(ticket, column) != value:
        setattr(ticket, column, value)


def reset_next_response(ticket) -> None:
    """A new next-response cycle: its levels may fire again."""
    db.session.execute(sa.update(SlaThreshold).where(SlaThreshold.ticket_id == ticket.id,
                                                     SlaThreshold.target == "next_response")
                       .values(fired_at=None, at=None))


# -- what happens to a clock (at the doors, and when history is replayed) --------------------

def pin(clock: TicketClock, policy) -> None:
    """Run this clock on the policy's terms and its calendar's version as they are now."""
    clock.policy, clock.terms = policy, policies.terms_of(policy)
    clock.calendar_id, clock.calendar_version = policy.calendar.id, policy.calendar.version


def start(ticket, policy, at: datetime) -> TicketClock:
    clock = TicketClock(ticket_id=ticket.id, started_at=at, segments=[])
    pin(clock, policy)
    move(clock, state_for(ticket, policy, ticket.status), ticket.status, at)
    return clock


def apply_message(clock: TicketClock, ticket, *, by_staff: bool, at: datetime) -> None:
    """A public message: staff's first meets the first response and any waiting client's message."""
    if by_staff:
        if clock.first_response_met_at is None:
            clock.first_response_met_at = at
        clock.next_response_since = None
    elif clock.first_response_met_at is not None and clock.next_response_since is None:
        clock.next_response_since = at
        reset_next_response(ticket)


def apply_status(clock: TicketClock, ticket, status: str, at: datetime) -> None:
    """A new status: the clock stands in a pausing or final one; resolving meets the resolution
    target and reopening takes that back (the time used before stays used)."""
    move(clock, state_for(ticket, policies.clock_terms(clock), status), status, at)
    if workflow(ticket.kind).is_open(status):
        clock.resolved_at = None
    elif clock.resolved_at is None:
        clock.resolved_at = at
