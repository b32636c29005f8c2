"""Reading the SLA report's counts from the daily roll-up (``report_daily``, built by
app/reports/daily_jobs.py) instead of aggregating every clock and ticket of the period.

A period reads from the roll-up when its zone is one the roll-up is kept in
(``REPORT_ROLLUP_ZONES``), every day of it is built, and no filter needs the tickets' CIs (a
ticket links to several CIs, so a CI class is no dimension of the roll-up: such a report is
narrow and aggregates the raw rows). Otherwise the raw aggregate answers; both give the same
numbers (tests/reports/test_daily.py)."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.extensions import db
from app.orgs.models import Organization, Team
from app.reports.models import DailyBuilt, DailyRollup
from app.timeutil import UTCDateTime

NONE = 0  # a team or agent filter of 0 means tickets without one (app.reports.sla.NONE)
R = DailyRollup
COUNTS = ("tickets", "first_response_met", "first_response_breached", "resolution_met", "resolution_breached",
          "reopened", "open", "rated", "rating_sum", "billable_minutes")
COLUMNS = (*(sa.func.sum(getattr(R, name)).label(name) for name in COUNTS),
           sa.func.min(R.oldest_open, type_=UTCDateTime()).label("oldest_open"))
KEYS = {
    "organization": (Organization.code, Organization.name, (Organization, Organization.id == R.organization_id)),
    "team": (R.team_id, Team.name, (Team, Team.id == R.team_id)),
    "agent": (R.assignee_id, User.name, (User, User.id == R.assignee_id)),
    "priority": (R.priority, None, None),
}


def zones() -> list[str]:
    return list(current_app.config.get("REPORT_ROLLUP_ZONES") or [])


def covers(scope) -> bool:
    """Whether the roll-up holds every day of the scope's period, in its zone, for its filters."""
    if scope.ci_class_id or getattr(scope, "service_id", None) or (scope.zone or "UTC") not in zones():
        return False
    days = (scope.end - scope.start).days
    built = db.session.scalar(sa.select(sa.func.count()).select_from(DailyBuilt).where(
        DailyBuilt.zone == (scope.zone or "UTC"), DailyBuilt.day >= scope.start, DailyBuilt.day < scope.end))
    return built == days


def where_scope(statement, scope, organization, team, assignee, kind, priority):
    """The report scope's organization, team, agent (``NONE``: without one), kind and priority
    filters on these columns — the roll-up's here, the tickets' in app/reports/sla.py."""
    if scope.organization_id:
        statement = statement.where(organization == scope.organization_id)
    for column, value in ((team, scope.team_id), (assignee, scope.assignee_id)):
        if value == NONE:
            statement = statement.where(column.is_(None))
        elif value is not None:
            statement = statement.where(column == value)
    if scope.kind:
        statement = statement.where(kind == scope.kind)
    if scope.priority:
        statement = statement.where(priority == scope.priority)
    return statement


def narrow(scope, statement):
    statement = statement.where(R.zone == (scope.zone or "UTC"), R.day >= scope.start, R.day < scope.end)
    return where_scope(statement, scope, R.organization_id, R.team_id, R.assignee_id, R.kind, R.priority)


def grouped(scope, group: str | None) -> list[tuple]:
    """[(key, label, row)] as app.reports.sla._grouped gives them, the row also holding
    ``billable_minutes``: one query over the roll-up."""
    if group is None:
        row = db.session.execute(narrow(scope, sa.select(*COLUMNS))).one()
        return [(None, None, row)]
    key, label, join = KEYS[group]
    shown = label if label is not None else key
    statement = sa.select(key.label("key"), shown.label("label"), *COLUMNS).select_from(R)
    if join is not None:
        statement = statement.outerjoin(*join)
    statement = narrow(scope, statement).group_by(key, shown)
    return [(row.key, row.label, row) for row in db.session.execute(statement)]


def days(start, end) -> list:
    return [start + timedelta(days=n) for n in range((end - start).days)]
