"""Reads of the SLA engine: a ticket's clock as the API, the agent's panel and the portal show it."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from app import timeutil
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Organization
from app.tickets.models import Ticket
from sla import clock as clocks
from sla.calendar import DAYS
from sla.models import SlaCalendar, SlaPolicy, SlaThreshold, TicketClock, organization_policies
from sla.policy import working_calendar

ZONE_FALLBACK = "UTC"


def summary(ticket, now=None) -> dict | None:
    """{"policy", "paused", "pause_reason", "first_response": {…}, "resolution": {…}} or None."""
    clock = ticket.sla_clock
    if clock is None:
        return None
    now = now or timeutil.utcnow()
    found = clocks.timers(clock, ticket, now)
    pause = clocks.current_pause(clock)

    def timer(name):
        t = found.get(name)
        if t is None:
            return None
        return {"due": t.due.astimezone(UTC).isoformat() if t.due else None,
                "met_at": t.met_at.astimezone(UTC).isoformat() if t.met_at else None,
                "breached": t.breached or bool(getattr(clock, f"{name}_breached")),
                "remaining_minutes": None if t.remaining is None else round(t.remaining, 1)}

    return {"policy": clock.policy.name, "paused": pause is not None,
            "pause_reason": pause["why"] if pause is not None else None,
            "first_response": timer("first_response"), "resolution": timer("resolution")}


def panel(ticket, zone: str, now=None) -> dict:
    """The timers and segments for a page, in the viewer's zone (empty without a clock)."""
    clock = ticket.sla_clock
    if clock is None:
        return {"sla": None}
    now = now or timeutil.utcnow()
    tz = ZoneInfo(zone or ZONE_FALLBACK)
    found = clocks.timers(clock, ticket, now)
    segments = [{"state": s["state"], "why": s["why"], "from": _local(s["from"], tz), "to": _local(s["to"], tz)}
                for s in clock.segments]
    pause = clocks.current_pause(clock)
    calendar_zone = clocks.calendar_of(clock).timezone
    return {"sla": {"policy": clock.policy.name, "zone": zone, "segments": segments,
                    "pause": {"why": pause["why"], "since": _local(pause["from"], tz), "state": pause["state"]}
                    if pause else None,
                    "calendar_zone": calendar_zone,
                    "timers": [{"name": t.name, "due": t.due.astimezone(tz) if t.due else None,
                                "due_calendar": t.due.astimezone(ZoneInfo(calendar_zone))
                                if t.due else None,
                                "met_at": t.met_at.astimezone(tz) if t.met_at else None,
                                "remaining": t.remaining, "breached": t.breached or getattr(clock, f"{t.name}_breached"),
                                "paused": t.paused} for t in found.values()]}}


def _local(text, tz):
    return None if text is None else clocks.parse(text).astimezone(tz)


def calendars() -> list[SlaCalendar]:
    return list(db.session.scalars(sa.select(SlaCalendar).order_by(SlaCalendar.name)))


def policies() -> list[SlaPolicy]:
    return list(db.session.scalars(sa.select(SlaPolicy).order_by(SlaPolicy.name)))


def get_calendar(calendar_id: int) -> SlaCalendar:
    calendar = db.session.get(SlaCalendar, calendar_id)
    if calendar is None:
        raise NotFound()
    return calendar


def calendar_or_none(calendar_id: int | None) -> SlaCalendar | None:
    return db.session.get(SlaCalendar, calendar_id) if calendar_id else None


def get_policy(policy_id: int) -> SlaPolicy:
    policy = db.session.get(SlaPolicy, policy_id)
    if policy is None:
        raise NotFound()
    return policy


def organizations_by_policy() -> dict[int, list[Organization]]:
    """The organizations whose contract names each policy, by policy id."""
    rows = db.session.execute(sa.select(organization_policies.c.policy_id, Organization)
                              .join(Organization, Organization.id == organization_policies.c.organization_id)
                              .order_by(Organization.name))
    found: dict[int, list[Organization]] = {}
    for policy_id, organization in rows:
        found.setdefault(policy_id, []).append(organization)
    return found


def policies_using(calendar: SlaCalendar) -> list[SlaPolicy]:
    return list(db.session.scalars(sa.select(SlaPolicy).where(SlaPolicy.calendar_id == calendar.id)
                                   .order_by(SlaPolicy.name)))


def zone_of(calendar: SlaCalendar) -> ZoneInfo:
    return ZoneInfo(calendar.timezone)


def week(calendar: SlaCalendar, day: date) -> list[dict]:
    """The seven days (Monday first) of the week holding ``day``, each with its working intervals
    in the calendar's local time as minutes after midnight, and what makes it special (a holiday,
    an exception), for the week preview."""
    monday = day - timedelta(days=day.weekday())
    rows = {row.day: row for row in calendar.days if monday <= row.day < monday + timedelta(days=7)}
    out = []
    for offset in range(7):
        current = monday + timedelta(days=offset)
        row = rows.get(current)
        if row is not None and row.kind == "holiday":
            intervals = []
        elif row is not None:
            intervals = row.intervals
        else:
            intervals = (calendar.weekly or {}).get(DAYS[current.weekday()], [])
        spans = [(_minutes(a), _minutes(b)) for a, b in intervals]
        out.append({"day": current, "kind": row.kind if row is not None else None,
                    "name": row.name if row is not None else "", "intervals": intervals, "spans": spans,
                    "minutes": sum(b - a for a, b in spans)})
    return out


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def deadline(calendar: SlaCalendar, start: datetime, minutes: float) -> datetime:
    """When ``minutes`` business minutes from ``start`` (aware) are over on this calendar."""
    return working_calendar(calendar).add(start, minutes)


# -- the managers' breach list and the month's compliance --------------------------------------

BREACH_LIMIT = 200


@dataclass(frozen=True)
class BreachFilter:
    """What the breach list shows: the month (its first day) in ``zone``, and optionally one
    organization, team or priority, and open or past tickets only."""

    month: date
    zone: str = ZONE_FALLBACK
    organization_id: int | None = None
    team_id: int | None = None
    priority: int | None = None
    state: str = ""  # "open", "past" or "" (both)

    def bounds(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.zone or ZONE_FALLBACK)
        first = datetime(self.month.year, self.month.month, 1, tzinfo=tz)
        after = datetime(self.month.year + self.month.month // 12, self.month.month % 12 + 1, 1, tzinfo=tz)
        return first.astimezone(UTC), after.astimezone(UTC)

    def narrow(self, statement):
        if self.organization_id:
            statement = statement.where(Ticket.organization_id == self.organization_id)
        if self.team_id:
            statement = statement.where(Ticket.team_id == self.team_id)
        if self.priority:
            statement = statement.where(Ticket.priority == self.priority)
        if self.state in ("open", "past"):
            statement = statement.where(Ticket.is_open.is_(self.state == "open"))
        return statement


def breaches(chosen: BreachFilter, now=None) -> list[dict]:
    """The month's breaches, newest first: each 100 % threshold the sweep fired (through
    ix_sla_thresholds_fired), with its ticket and the clock's explanation (target, start, the
    spans it stood and why, due, how much was used)."""
    now = now or timeutil.utcnow()
    first, after = chosen.bounds()
    statement = chosen.narrow(
        sa.select(SlaThreshold, Ticket).join(Ticket, Ticket.id == SlaThreshold.ticket_id)
        .where(SlaThreshold.percent >= 100, SlaThreshold.fired_at >= first, SlaThreshold.fired_at < after)
        .options(orm.joinedload(Ticket.organization), orm.joinedload(Ticket.team), orm.joinedload(Ticket.assignee))
        .order_by(SlaThreshold.fired_at.desc(), SlaThreshold.id.desc()).limit(BREACH_LIMIT))
    rows = []
    for threshold, ticket in db.session.execute(statement).all():
        clock = ticket.sla_clock
        timer = clocks.timers(clock, ticket, now).get(threshold.target) if clock is not None else None
        stood = []
        if clock is not None and timer is not None:
            end = timer.met_at or threshold.fired_at
            for segment in clock.segments:
                start, stop = clocks.parse(segment["from"]), clocks.parse(segment["to"]) or now
                if segment["state"] != "running" and stop > timer.start and start < end:
                    stood.append({"from": start, "to": clocks.parse(segment["to"]), "why": segment["why"],
                                  "state": segment["state"]})
        rows.append({"ticket": ticket, "target": threshold.target, "at": threshold.fired_at, "timer": timer,
                     "stood": stood, "policy": clock.policy.name if clock is not None else None,
                     "calendar": clock.policy.calendar.name if clock is not None else None})
    return rows


def compliance(chosen: BreachFilter) -> list[dict]:
    """Per organization, of the clocks started in the month (through ix_sla_clocks_started_at):
    how many first responses and resolutions were met and how many breached, and next-response
    breaches."""
    first, after = chosen.bounds()

    def count(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    statement = chosen.narrow(
        sa.select(Organization.id, Organization.name,
                  count(sa.and_(TicketClock.first_response_met_at.is_not(None),
                                TicketClock.first_response_breached.is_(False))),
                  count(TicketClock.first_response_breached.is_(True)),
                  count(sa.and_(TicketClock.resolved_at.is_not(None), TicketClock.resolution_breached.is_(False))),
                  count(TicketClock.resolution_breached.is_(True)),
                  count(TicketClock.next_response_breached.is_(True)),
                  sa.func.count())
        .select_from(TicketClock).join(Ticket, Ticket.id == TicketClock.ticket_id)
        .join(Organization, Organization.id == Ticket.organization_id)
        .where(TicketClock.started_at >= first, TicketClock.started_at < after)
        .group_by(Organization.id, Organization.name).order_by(Organization.name))
    out = []
    for org_id, name, fr_met, fr_breached, res_met, res_breached, nr_breached, total in db.session.execute(statement):
        out.append({"organization_id": org_id, "name": name, "tickets": total,
                    "first_response": _share(fr_met, fr_breached), "resolution": _share(res_met, res_breached),
                    "next_response_breached": nr_breached or 0})
    return out


def _share(met, breached) -> dict:
    met, breached = met or 0, breached or 0
    return {"met": met, "breached": breached,
            "percent": None if met + breached == 0 else round(100 * met / (met + breached), 1)}
