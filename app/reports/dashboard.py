"""The manager's dashboard: what is burning, who is overloaded, are we meeting our contracts.

Each tile is one or two indexed aggregate queries; each of its numbers is the count of a
``tile`` of ``tickets()``, which lists exactly those tickets (the drill-down)."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from app.auth.models import User
from app.extensions import db
from app.orgs.models import Organization, Team
from app.orgs.overview import contract_use
from app.reports import sla as report
from app.reports.models import SlaMinutes
from app.reports.params import next_month
from app.tickets.models import Ticket, Worklog
from sla.models import SlaCalendar, SlaPolicy, SlaThreshold, TicketClock
from sla.policy import working_calendar

SOON_MINUTES = 240  # "breaching in the next 4 working hours"
DAYS = 30
TILES = ("backlog", "soon", "breached_today", "created", "resolved", "load")
LIST_LIMIT = 500


def _local_midnight(now: datetime, zone: str, days_back: int = 0) -> datetime:
    tz = ZoneInfo(zone or "UTC")
    today = now.astimezone(tz).date() - timedelta(days=days_back)
    return datetime.combine(today, time(), tz).astimezone(UTC)


def backlog() -> dict:
    """Open tickets by team and priority: {"teams": [(id, name)], "cells": {(team, priority): n}}."""
    rows = db.session.execute(
        sa.select(Ticket.team_id, Team.name, Ticket.priority, sa.func.count())
        .outerjoin(Team, Team.id == Ticket.team_id).where(Ticket.is_open.is_(True))
        .group_by(Ticket.team_id, Team.name, Ticket.priority)).all()
    teams, cells = {}, {}
    for team_id, name, priority, count in rows:
        teams[team_id] = name
        cells[(team_id, priority)] = count
    ordered = sorted(teams.items(), key=lambda item: (item[0] is None, (item[1] or "").casefold()))
    return {"teams": ordered, "cells": cells,
            "team_totals": {t: sum(n for (u, _p), n in cells.items() if u == t) for t in teams},
            "by_priority": {p: sum(n for (_t, q), n in cells.items() if q == p) for p in (1, 2, 3, 4)},
            "total": sum(cells.values())}


def _horizons(now: datetime) -> list[tuple[int, datetime]]:
    """(calendar id, when 4 working hours from now are over on it), for every calendar."""
    return [(calendar.id, working_calendar(calendar).add(now, SOON_MINUTES).astimezone(UTC))
            for calendar in db.session.scalars(sa.select(SlaCalendar))]


def _soon_condition(now: datetime):
    parts = []
    for calendar_id, horizon in _horizons(now):
        due = sa.or_(Ticket.first_response_due.between(now, horizon), Ticket.resolution_due.between(now, horizon))
        parts.append(sa.and_(SlaPolicy.calendar_id == calendar_id, due))
    return sa.or_(*parts) if parts else sa.false()


def _soon(statement, now):
    return (statement.join(TicketClock, TicketClock.ticket_id == Ticket.id)
            .join(SlaPolicy, SlaPolicy.id == TicketClock.policy_id)
            .where(Ticket.is_open.is_(True), _soon_condition(now)))


def _breached_today(statement, now, zone):
    fired = sa.select(SlaThreshold.ticket_id).where(
        SlaThreshold.percent >= 100, SlaThreshold.fired_at >= _local_midnight(now, zone), SlaThreshold.fired_at <= now)
    return statement.where(Ticket.id.in_(fired))


def _days(column, start: datetime, now: datetime, zone: str, source) -> dict[date, int]:
    """How many values of a timestamp column fall on each local day since ``start``: counted by the
    database, grouped by which of the days' first instants (local midnights, in UTC) a value
    follows — only that column is read, through its index, and one row per day comes back."""
    tz = ZoneInfo(zone or "UTC")
    first = start.astimezone(tz).date()
    days = [first + timedelta(days=n) for n in range((now.astimezone(tz).date() - first).days + 1)]
    bounds = [datetime.combine(day, time(), tz).astimezone(UTC) for day in days]
    which = sa.case(*((column < bound, n - 1) for n, bound in enumerate(bounds[1:], 1)), else_=len(days) - 1)
    rows = db.session.execute(sa.select(which, sa.func.count()).select_from(source)
                              .where(column >= start, column <= now).group_by(which))
    return {days[n]: count for n, count in rows}


def flow(now: datetime, zone: str) -> list[dict]:
    """Created and resolved per local day over the last 30 days (tickets on an SLA clock: created is
    when the clock started, resolved its resolution as the report's roll-up holds it)."""
    start = _local_midnight(now, zone, DAYS - 1)
    created = _days(TicketClock.started_at, start, now, zone, TicketClock)
    resolved = _days(SlaMinutes.resolved_at, start, now, zone, SlaMinutes)
    first = start.astimezone(ZoneInfo(zone or "UTC")).date()
    return [{"day": first + timedelta(days=n), "created": created.get(first + timedelta(days=n), 0),
             "resolved": resolved.get(first + timedelta(days=n), 0)} for n in range(DAYS)]


def load() -> list[dict]:
    """Open tickets per agent (the assignee), most loaded first."""
    rows = db.session.execute(
        sa.select(User.id, User.name, sa.func.count(),
                  sa.func.sum(sa.case((Ticket.priority <= 2, 1), else_=0)))
        .join(Ticket, Ticket.assignee_id == User.id).where(Ticket.is_open.is_(True))
        .group_by(User.id, User.name).order_by(sa.func.count().desc(), User.name))
    return [{"id": i, "name": n, "open": c, "urgent": u or 0} for i, n, c, u in rows]


def ratings(now: datetime, zone: str, latest: int = 5) -> dict:
    """This month's average rating and the latest comments."""
    first = _month_start(now, zone)
    when = sa.and_(Ticket.rated_at >= first, Ticket.rated_at <= now)
    count, average = db.session.execute(sa.select(sa.func.count(), sa.func.avg(Ticket.rating)).where(when)).one()
    comments = db.session.scalars(sa.select(Ticket).where(when, Ticket.rating_comment != "")
                                  .options(orm.joinedload(Ticket.organization))
                                  .order_by(Ticket.rated_at.desc()).limit(latest))
    return {"count": count, "average": None if average is None else round(float(average), 2),
            "latest": list(comments)}


def _month_start(now: datetime, zone: str) -> datetime:
    tz = ZoneInfo(zone or "UTC")
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)


def month_scope(now: datetime, zone: str) -> report.Scope:
    local = now.astimezone(ZoneInfo(zone or "UTC")).date()
    return report.month_scope(local.replace(day=1), zone=zone)


def contracts(now: datetime, zone: str, limit: int = 10) -> dict:
    """This month's billable time of the organizations with contract hours, against them: the
    most used first; how many are over."""
    first = now.astimezone(ZoneInfo(zone or "UTC")).date().replace(day=1)
    used = (sa.select(Ticket.organization_id.label("organization_id"), sa.func.sum(Worklog.minutes).label("minutes"))
            .join(Worklog, Worklog.ticket_id == Ticket.id)
            .where(Worklog.billable.is_(True), Worklog.work_date >= first, Worklog.work_date < next_month(first))
            .group_by(Ticket.organization_id).subquery())
    rows = db.session.execute(
        sa.select(Organization.code, Organization.name, Organization.contract_minutes,
                  sa.func.coalesce(used.c.minutes, 0))
        .outerjoin(used, used.c.organization_id == Organization.id)
        .where(Organization.contract_minutes.is_not(None), Organization.active.is_(True))).all()
    found = sorted(({"code": code, "name": name, **contract_use(included, int(minutes))}
                    for code, name, included, minutes in rows),
                   key=lambda c: (-(c["percent"] if c["percent"] is not None else (float("inf") if c["used_minutes"] else 0.0)),
                                  c["name"].casefold()))
    return {"rows": found[:limit], "count": len(found), "over": sum(1 for c in found if c["over"]),
            "month": first.strftime("%Y-%m")}


def _by_priority(statement) -> dict[int, int]:
    found = dict(db.session.execute(statement.group_by(Ticket.priority)).all())
    return {p: found.get(p, 0) for p in (1, 2, 3, 4)}


def tiles(now: datetime, zone: str) -> dict:
    count = sa.select(Ticket.priority, sa.func.count()).select_from(Ticket)
    soon, breached = _by_priority(_soon(count, now)), _by_priority(_breached_today(count, now, zone))
    return {"backlog": backlog(),
            "soon": sum(soon.values()), "soon_by_priority": soon,
            "breached_today": sum(breached.values()), "breached_by_priority": breached,
            "flow": flow(now, zone), "load": load(), "ratings": ratings(now, zone),
            "month": report.report(month_scope(now, zone), "priority"), "contracts": contracts(now, zone)}


def tickets(tile: str, now: datetime, zone: str, *, team=None, priority=None, agent=None,
            day: date | None = None) -> tuple[int, list[Ticket]]:
    """The tickets a tile's number counts (team/agent ``report.NONE``: without one)."""
    def narrow(statement):
        if tile == "backlog":
            statement = statement.where(Ticket.is_open.is_(True))
            if team is not None:
                statement = statement.where(Ticket.team_id.is_(None) if team == report.NONE else Ticket.team_id == team)
            if priority is not None:
                statement = statement.where(Ticket.priority == priority)
        elif tile == "load":
            statement = statement.where(Ticket.is_open.is_(True), Ticket.assignee_id == agent)
        elif tile in ("soon", "breached_today"):
            statement = _soon(statement, now) if tile == "soon" else _breached_today(statement, now, zone)
            if priority is not None:
                statement = statement.where(Ticket.priority == priority)
        elif tile in ("created", "resolved"):
            tz = ZoneInfo(zone or "UTC")
            start = datetime.combine(day, time(), tz).astimezone(UTC)
            end = datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)
            if tile == "created":
                statement = statement.join(TicketClock, TicketClock.ticket_id == Ticket.id).where(
                    TicketClock.started_at >= start, TicketClock.started_at < end)
            else:
                statement = statement.join(SlaMinutes, SlaMinutes.ticket_id == Ticket.id).where(
                    SlaMinutes.resolved_at >= start, SlaMinutes.resolved_at < end)
        return statement

    total = db.session.scalar(narrow(sa.select(sa.func.count()).select_from(Ticket)))
    found = db.session.scalars(narrow(sa.select(Ticket)).options(
        orm.joinedload(Ticket.organization), orm.joinedload(Ticket.team), orm.joinedload(Ticket.assignee))
        .order_by(Ticket.priority, Ticket.id).limit(LIST_LIMIT))
    return total or 0, list(found)
