"""The SLA report: SQL aggregates over the SLA engine's clocks, for a period and filters,
grouped by organization, team, agent, priority or month.

Which tickets count: those whose clock started in the period (``from`` inclusive, ``to``
exclusive, local midnights in the reader's zone). For each group:

- first response and resolution: met (the instant is set and the clock's breach flag is not)
  and breached (the flag), compliance = met / (met + breached) in %, one decimal, or None;
- the median and 90th percentile of the business minutes to first response and to resolution
  (``report_sla_minutes``, kept by app/reports/rollup.py), interpolated between the sorted
  values like PostgreSQL's ``percentile_cont``: only that numeric column is fetched, sorted;
- reopened: tickets with a status event from resolved or closed back to an open status;
- open (still open now) and the oldest of them; CSAT: the average rating and how many rated;
- billable minutes logged on these tickets.

Every count of a total is the sum of the same count over any breakdown (a ticket without a
team or an assignee is a row of its own), which tests/reports/test_sla_report.py checks."""
import heapq
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from app import timeutil
from app.auth.models import User
from app.auth.roles import Role
from app.errors import Forbidden
from app.extensions import db
from app.orgs.models import Organization, Team
from app.reports import daily
from app.reports.models import SlaMinutes
from app.tickets.models import Event, Ticket, Worklog
from app.timeutil import UTCDateTime
from cmdb.models import CI, CIClass, TicketCI
from sla import clock as clocks
from sla.models import TicketClock

GROUPS = ("organization", "team", "agent", "priority", "month")
MEASURES = ("tickets", "first_response_met", "first_response_breached", "resolution_met", "resolution_breached",
            "reopened", "open", "rated", "breached")
ADDITIVE = ("tickets", "reopened", "open", "rated", "billable_minutes")
FINISHED = ("resolved", "closed")
BREACH_LIMIT = 200
NONE = daily.NONE  # a team or agent filter of 0: tickets without one
SERVICES = "services"  # the CMDB's class group of services


@dataclass(frozen=True)
class Scope:
    """The period (``end`` exclusive) in ``zone``, and the filters."""

    start: date
    end: date
    zone: str = "UTC"
    organization_id: int | None = None
    team_id: int | None = None  # NONE: no team
    assignee_id: int | None = None  # NONE: unassigned
    kind: str | None = None
    priority: int | None = None
    ci_class_id: int | None = None
    service_id: int | None = None  # a CI of a service class: the tickets linked to it

    def bounds(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.zone or "UTC")
        return (datetime.combine(self.start, time(), tz).astimezone(UTC),
                datetime.combine(self.end, time(), tz).astimezone(UTC))

    def months(self) -> list["Scope"]:
        """The period cut at the first of each month."""
        out, first = [], self.start
        while first < self.end:
            after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            out.append(replace(self, start=first, end=min(after, self.end)))
            first = after
        return out

    def narrow(self, statement):
        first, after = self.bounds()
        statement = statement.where(TicketClock.started_at >= first, TicketClock.started_at < after)
        statement = daily.where_scope(statement, self, Ticket.organization_id, Ticket.team_id, Ticket.assignee_id,
                                      Ticket.kind, Ticket.priority)
        if self.ci_class_id:
            statement = statement.where(sa.exists().where(
                TicketCI.ticket_id == Ticket.id, TicketCI.impact != "not_impacted",
                CI.id == TicketCI.ci_id, CI.class_id == self.ci_class_id))
        if self.service_id:
            statement = statement.where(sa.exists().where(
                TicketCI.ticket_id == Ticket.id, TicketCI.impact != "not_impacted", TicketCI.ci_id == self.service_id))
        return statement


def _organization_rows(scope: Scope, statement, joined: bool = False):
    """For one organization's scope, ``statement`` (of clocks and tickets) also narrowed by the
    copies in report_sla_minutes (``ix_report_sla_minutes_org_started``): its ~100 clocks of a
    month are found there, not among every organization's ~28,000. Only for rows that the job
    writes (a clock met, resolved or breached); the clocks' own columns are still checked."""
    if not scope.organization_id:
        return statement
    if not joined:
        statement = statement.join(SlaMinutes, SlaMinutes.ticket_id == TicketClock.ticket_id)
    first, after = scope.bounds()
    return statement.where(SlaMinutes.organization_id == scope.organization_id,
                           SlaMinutes.started_at >= first, SlaMinutes.started_at < after)


def month_scope(month: date, **filters) -> Scope:
    return Scope(start=month, end=date(month.year + month.month // 12, month.month % 12 + 1, 1), **filters)


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


REOPENED = sa.exists().where(Event.ticket_id == Ticket.id, Event.field == "status",
                             Event.old_value.in_(FINISHED), Event.new_value.not_in(FINISHED))
MEASURE_COLUMNS = (
    sa.func.count(TicketClock.ticket_id).label("tickets"),
    _count(sa.and_(TicketClock.first_response_met_at.is_not(None),
                   TicketClock.first_response_breached.is_(False))).label("first_response_met"),
    _count(TicketClock.first_response_breached.is_(True)).label("first_response_breached"),
    _count(sa.and_(TicketClock.resolved_at.is_not(None),
                   TicketClock.resolution_breached.is_(False))).label("resolution_met"),
    _count(TicketClock.resolution_breached.is_(True)).label("resolution_breached"),
    _count(REOPENED).label("reopened"),
    _count(Ticket.is_open.is_(True)).label("open"),
    sa.func.min(sa.case((Ticket.is_open.is_(True), Ticket.created_at)), type_=UTCDateTime()).label("oldest_open"),
    sa.func.count(Ticket.rating).label("rated"),
    sa.func.sum(Ticket.rating).label("rating_sum"),
)

# What each breakdown groups by: (key column, label column, the join that brings the label).
_KEYS = {
    "organization": (Organization.code, Organization.name, (Organization, Organization.id == Ticket.organization_id)),
    "team": (Ticket.team_id, Team.name, (Team, Team.id == Ticket.team_id)),
    "agent": (Ticket.assignee_id, User.name, (User, User.id == Ticket.assignee_id)),
    "priority": (Ticket.priority, None, None),
}


def _base(*columns):
    return sa.select(*columns).select_from(TicketClock).join(Ticket, Ticket.id == TicketClock.ticket_id)


def _grouped(scope: Scope, group: str | None, *columns):
    """``columns`` per key of ``group`` (or once, for None), narrowed to the scope."""
    if group is None:
        return [(None, None, row) for row in db.session.execute(scope.narrow(_base(*columns)))]
    key, label, join = _KEYS[group]
    statement = _base(key.label("key"), (label if label is not None else key).label("label"), *columns)
    statement = scope.narrow(_joined(statement, group)).group_by(key, label if label is not None else key)
    return [(row.key, row.label, row) for row in db.session.execute(statement)]


def _joined(statement, group: str | None):
    """The statement with the join that its group's key or label needs."""
    join = _KEYS[group][2] if group else None
    return statement if join is None else statement.outerjoin(*join)


def _only_by_organization(scope: Scope, group: str | None) -> bool:
    """Whether the scope's minutes can be read from report_sla_minutes alone (its copies of the
    organization and the clock start): no filter but the organization, grouped by nothing or by it."""
    return group in (None, "organization") and not (
        scope.team_id is not None or scope.assignee_id is not None or scope.kind or scope.priority
        or scope.ci_class_id or scope.service_id)


def _sorted_minutes(scope: Scope, group: str | None) -> tuple[dict, dict]:
    """({key: [first-response minutes, ascending]}, {key: [resolution minutes, ascending]}) of
    report_sla_minutes: one query reads only those two columns, sorted here (without a filter
    but the organization, from ``ix_report_sla_minutes_started`` alone: no clock, no ticket)."""
    if _only_by_organization(scope, group):
        return _sorted_minutes_by_organization(scope, group)
    keys = [_KEYS[group][0]] if group else []
    first, resolution = SlaMinutes.first_response_minutes, SlaMinutes.resolution_minutes
    statement = scope.narrow(_joined(_base(*keys, first, resolution), group)
                             .join(SlaMinutes, SlaMinutes.ticket_id == Ticket.id)
                             .where(sa.or_(first.is_not(None), resolution.is_not(None))))
    statement = _organization_rows(scope, statement, joined=True)
    firsts: dict = {}
    resolutions: dict = {}
    for row in db.session.execute(statement):
        key = row[0] if group else None
        if row[-2] is not None:
            firsts.setdefault(key, []).append(row[-2])
        if row[-1] is not None:
            resolutions.setdefault(key, []).append(row[-1])
    for values in (*firsts.values(), *resolutions.values()):
        values.sort()
    return firsts, resolutions


def _sorted_minutes_by_organization(scope: Scope, group: str | None) -> tuple[dict, dict]:
    first, resolution = SlaMinutes.first_response_minutes, SlaMinutes.resolution_minutes
    start, after = scope.bounds()
    statement = (sa.select(SlaMinutes.organization_id, first, resolution)
                 .where(SlaMinutes.started_at >= start, SlaMinutes.started_at < after,
                        sa.or_(first.is_not(None), resolution.is_not(None))))
    if scope.organization_id:
        statement = statement.where(SlaMinutes.organization_id == scope.organization_id)
    codes = dict(db.session.execute(sa.select(Organization.id, Organization.code)).all()) if group else {}
    firsts: dict = {}
    resolutions: dict = {}
    for organization_id, first_minutes, resolution_minutes in db.session.execute(statement):
        key = codes.get(organization_id) if group else None
        if first_minutes is not None:
            firsts.setdefault(key, []).append(first_minutes)
        if resolution_minutes is not None:
            resolutions.setdefault(key, []).append(resolution_minutes)
    for values in (*firsts.values(), *resolutions.values()):
        values.sort()
    return firsts, resolutions


def _billable(scope: Scope, group: str | None) -> dict:
    keys = [_KEYS[group][0]] if group else []
    statement = scope.narrow(_joined(_base(*keys, sa.func.sum(Worklog.minutes)), group)
                             .join(Worklog, Worklog.ticket_id == Ticket.id).where(Worklog.billable.is_(True)))
    if group:
        statement = statement.group_by(*keys)
    return {row[0] if group else None: int(row[-1] or 0) for row in db.session.execute(statement)}


def percentile(values: list[float], share: float) -> float | None:
    """The ``share`` (0–1) percentile of ascending ``values``, interpolated (percentile_cont), 1 decimal."""
    if not values:
        return None
    position = (len(values) - 1) * share
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return round(values[low] + (values[high] - values[low]) * (position - low), 1)


def compliance(met: int, breached: int) -> dict:
    return {"met": met, "breached": breached,
            "compliance": None if met + breached == 0 else round(100 * met / (met + breached), 1)}


RAW = ("tickets", "first_response_met", "first_response_breached", "resolution_met", "resolution_breached",
       "reopened", "open", "rated", "rating_sum")


@dataclass
class _Part:
    """One group's raw aggregates and its sorted minutes, before they become a row."""

    key: object
    label: str
    raw: dict
    oldest_open: datetime | None
    first_response: list
    resolution: list
    billable: int


def _measures(part: _Part) -> dict:
    raw = part.raw
    return {
        "tickets": raw["tickets"],
        "first_response": compliance(raw["first_response_met"], raw["first_response_breached"]),
        "resolution": compliance(raw["resolution_met"], raw["resolution_breached"]),
        "median_first_response_minutes": percentile(part.first_response, 0.5),
        "p90_first_response_minutes": percentile(part.first_response, 0.9),
        "median_resolution_minutes": percentile(part.resolution, 0.5),
        "p90_resolution_minutes": percentile(part.resolution, 0.9),
        "reopened": raw["reopened"],
        "open": raw["open"],
        "oldest_open_at": part.oldest_open.isoformat() if part.oldest_open else None,
        "rated": raw["rated"],
        "csat": None if not raw["rated"] else round(raw["rating_sum"] / raw["rated"], 2),
        "billable_minutes": part.billable,
    }


def _parts(scope: Scope, group: str | None, source: str = "auto") -> list[_Part]:
    """The groups' counts from the daily roll-up where it covers the scope (``source`` "raw":
    never), else aggregated from the clocks; their minutes always from report_sla_minutes."""
    if source != "raw" and daily.covers(scope):
        found = daily.grouped(scope, group)
        billable = {key: int(row.billable_minutes or 0) for key, _label, row in found}
    else:
        found = _grouped(scope, group, *MEASURE_COLUMNS)
        billable = _billable(scope, group)
    first, resolution = _sorted_minutes(scope, group)
    out = []
    for key, label, row in found:
        if not row.tickets:
            continue  # an aggregate over nothing (no group)
        raw = {name: int(getattr(row, name) or 0) for name in RAW}
        out.append(_Part(key, _label(group, key, label), raw, row.oldest_open, first.get(key, []),
                         resolution.get(key, []), billable.get(key, 0)))
    return out


def _total(parts: list[_Part]) -> _Part:
    """The parts together: counts summed, minutes merged in order (so a total is its rows' sum)."""
    oldest = [p.oldest_open for p in parts if p.oldest_open is not None]
    return _Part(None, "", {name: sum(p.raw[name] for p in parts) for name in RAW}, min(oldest, default=None),
                 list(heapq.merge(*(p.first_response for p in parts))),
                 list(heapq.merge(*(p.resolution for p in parts))), sum(p.billable for p in parts))


def _label(group, key, label) -> str:
    if group == "priority":
        return f"P{key}"
    if group == "team" and key is None:
        return _("No team")
    if group == "agent" and key is None:
        return _("Unassigned")
    return label or ""


def report(scope: Scope, group: str = "organization", source: str = "auto") -> dict:
    """{"rows": [...], "total": {...}}: one row per key of ``group`` with tickets in the scope
    (``source`` "raw": counted from the clocks even where the daily roll-up has them)."""
    if group == "month":
        rows, parts = [], []
        for month in scope.months():
            found = _parts(month, None, source)
            parts += found
            key = month.start.strftime("%Y-%m")
            rows.append({"key": key, "label": key, **_measures(_total(found)), "from": month.start.isoformat(),
                         "to": month.end.isoformat()})
    else:
        parts = sorted(_parts(scope, group, source), key=lambda p: (p.label.casefold(), str(p.key)))
        rows = [{"key": p.key, "label": p.label, **_measures(p)} for p in parts]
    return {"rows": rows, "total": _measures(_total(parts))}


def months_of(scope: Scope, found: dict | None = None) -> dict:
    """The month breakdown of the scope. A period within one month is one row, the total of
    ``found`` (another breakdown of the same scope), which it equals: not counted twice."""
    months = scope.months()
    if found is None or len(months) != 1:
        return report(scope, "month")
    key = scope.start.strftime("%Y-%m")
    return {"rows": [{"key": key, "label": key, **found["total"], "from": scope.start.isoformat(),
                      "to": scope.end.isoformat()}], "total": found["total"]}


def narrowed(scope: Scope, group: str, key) -> Scope:
    """The scope of one row of a breakdown (its drill-down)."""
    if group == "team":
        return replace(scope, team_id=NONE if key is None else key)
    if group == "agent":
        return replace(scope, assignee_id=NONE if key is None else key)
    if group == "priority":
        return replace(scope, priority=key)
    return scope


# -- the tickets behind a number, and the breaches explained ----------------------------------

_MEASURE_FILTERS = {
    "tickets": sa.true(),
    "first_response_met": sa.and_(TicketClock.first_response_met_at.is_not(None),
                                  TicketClock.first_response_breached.is_(False)),
    "first_response_breached": TicketClock.first_response_breached.is_(True),
    "resolution_met": sa.and_(TicketClock.resolved_at.is_not(None), TicketClock.resolution_breached.is_(False)),
    "resolution_breached": TicketClock.resolution_breached.is_(True),
    "reopened": REOPENED,
    "open": Ticket.is_open.is_(True),
    "rated": Ticket.rating.is_not(None),
    "breached": sa.or_(TicketClock.first_response_breached.is_(True), TicketClock.resolution_breached.is_(True)),
}


def tickets(scope: Scope, measure: str, limit: int = 500) -> tuple[int, list[Ticket]]:
    """How many tickets a number counts, and the first ``limit`` of them (oldest clock first)."""
    condition = _MEASURE_FILTERS[measure]
    count = db.session.scalar(scope.narrow(_base(sa.func.count()).where(condition)))
    found = db.session.scalars(scope.narrow(_base(Ticket).where(condition))
                               .options(orm.joinedload(Ticket.organization), orm.joinedload(Ticket.team),
                                        orm.joinedload(Ticket.assignee))
                               .order_by(TicketClock.started_at, Ticket.id).limit(limit))
    return count or 0, list(found)


def breaches(scope: Scope, now=None, limit: int = BREACH_LIMIT) -> list[dict]:
    """The breached targets of the clocks in the scope (first response, resolution), each with the
    clock's explanation: policy, target, counted from, due, business minutes used, and the spans it
    stood (paused or stopped) and why."""
    now = now or timeutil.utcnow()
    statement = scope.narrow(_organization_rows(scope, _base(TicketClock, Ticket)).where(_MEASURE_FILTERS["breached"])
                             .options(orm.joinedload(Ticket.organization), orm.joinedload(TicketClock.policy))
                             .order_by(TicketClock.started_at, Ticket.id).limit(limit))
    out = []
    for clock, ticket in db.session.execute(statement).all():
        found = clocks.timers(clock, ticket, now)
        for target in ("first_response", "resolution"):
            timer = found.get(target)
            if not getattr(clock, f"{target}_breached") or timer is None:
                continue
            end = timer.met_at or now
            stood = [{"from": clocks.parse(s["from"]), "to": clocks.parse(s["to"]), "why": s["why"],
                      "state": s["state"]}
                     for s in clock.segments if s["state"] != "running"
                     and (clocks.parse(s["to"]) or now) > timer.start and clocks.parse(s["from"]) < end]
            out.append({"ticket": ticket, "target": target, "policy": clock.policy.name,
                        "calendar": clock.policy.calendar.name, "start": timer.start, "due": timer.due,
                        "met_at": timer.met_at, "target_minutes": timer.target,
                        "used_minutes": round(timer.used, 1), "stood": stood})
    return out


def breach_record(row: dict) -> dict:
    """A breach as plain data (the API, the exports)."""
    ticket = row["ticket"]
    return {"ticket": ticket.number, "title": ticket.title, "organization": ticket.organization.code,
            "priority": ticket.priority, "target": row["target"], "policy": row["policy"],
            "start": _iso(row["start"]), "due": _iso(row["due"]), "met_at": _iso(row["met_at"]),
            "target_minutes": row["target_minutes"], "used_minutes": row["used_minutes"],
            "stood": [{"from": _iso(s["from"]), "to": _iso(s["to"]), "why": s["why"]} for s in row["stood"]]}


def _iso(moment):
    return moment.astimezone(UTC).isoformat() if moment else None


def services() -> list[tuple[int, str]]:
    """The CIs of the service classes (the CMDB's "services" group): the report's service filter."""
    return db.session.execute(sa.select(CI.id, CI.name).join(CIClass, CIClass.id == CI.class_id)
                              .where(CIClass.group == SERVICES).order_by(CI.name, CI.id).limit(1000)).all()


def check_ci_filters(scope: Scope) -> dict:
    """{field: [message]} for a CI class or service filter that names nothing of the kind."""
    errors = {}
    if scope.ci_class_id and db.session.get(CIClass, scope.ci_class_id) is None:
        errors["ci_class"] = [_("Choose a CI class.")]
    if scope.service_id and not db.session.scalar(sa.select(CI.id).join(CIClass, CIClass.id == CI.class_id).where(
            CI.id == scope.service_id, CIClass.group == SERVICES)):
        errors["service"] = [_("Choose a service.")]
    return errors


def readable_organization(user, organization) -> int | None:
    """Which organization ``user`` reads the report of: staff any (None: all); a client
    administrator their own only (another's code is a 404 before this, at the lookup); any
    other client none (403)."""
    if user.is_staff:
        return organization.id if organization is not None else None
    if user.role != Role.CLIENT_ADMIN:
        raise Forbidden()
    return user.organization_id
