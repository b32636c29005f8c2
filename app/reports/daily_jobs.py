"""Building the daily roll-up (``report_daily``) and the jobs and command that keep it.

``build(start, end)`` counts the tickets whose clock started on each local day of the range,
in each zone of ``REPORT_ROLLUP_ZONES``, with the SLA report's own aggregate columns
(app/reports/sla.py), grouped by day × organization × team × agent × priority × kind; the
billable minutes by a second query of the same grouping. A chunk of at most a month is one
unit of work: its rows are replaced and its days marked built.

- ``refresh_job`` (every 60 s): the days touched since the last run are built again — the
  days the clocks started of tickets changed since then (``tickets.updated_at``, indexed),
  of breaches the sweep fired (``sla_thresholds.fired_at``) and of new worklogs (by id).
- ``nightly_job`` (daily): yesterday and this month, built in full.
- ``flask reports rollup [--from --to]``: any range (by default the last 13 months).
"""
import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app import timeutil
from app.extensions import db
from app.jobs import job
from app.reports import daily
from app.reports import sla as report
from app.reports.models import DailyBuilt, DailyMark, DailyRollup
from app.tickets.models import Ticket, Worklog
from app.transactions import unit_of_work
from sla.models import SlaThreshold, TicketClock

CHUNK_DAYS = 31
OVERLAP = timedelta(minutes=5)  # a transaction that committed late still counts on the next run
DIMENSIONS = (Ticket.organization_id, Ticket.team_id, Ticket.assignee_id, Ticket.priority, Ticket.kind)
DIMENSION_NAMES = ("organization_id", "team_id", "assignee_id", "priority", "kind")
log = logging.getLogger(__name__)


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def _day_index(bounds: list[datetime]):
    """The index of the local day a clock started on, as SQL (``bounds``: each day's first instant
    and the end)."""
    if len(bounds) == 2:
        return sa.literal(0).label("day_index")
    return sa.case(*((TicketClock.started_at < bound, n) for n, bound in enumerate(bounds[1:-1])),
                   else_=len(bounds) - 2).label("day_index")


def _rows(start: date, end: date, zone: str) -> list[dict]:
    """The roll-up rows of the days ``start``…``end`` (exclusive, at most a chunk) in ``zone``."""
    days = daily.days(start, end)
    bounds = [_midnight(day, zone) for day in [*days, end]]
    index = _day_index(bounds)
    scope = report.Scope(start=start, end=end, zone=zone)
    by_index = sa.literal_column("day_index")
    counts = scope.narrow(report._base(index, *DIMENSIONS, *report.MEASURE_COLUMNS)).group_by(by_index, *DIMENSIONS)
    billable = (scope.narrow(report._base(index, *DIMENSIONS, sa.func.sum(Worklog.minutes).label("minutes"))
                             .join(Worklog, Worklog.ticket_id == Ticket.id).where(Worklog.billable.is_(True)))
                .group_by(by_index, *DIMENSIONS))
    minutes = {tuple(row[:6]): int(row.minutes or 0) for row in db.session.execute(billable)}
    out = []
    for row in db.session.execute(counts):
        key = tuple(row[:6])
        out.append({"zone": zone, "day": days[row.day_index], **dict(zip(DIMENSION_NAMES, key[1:], strict=True)),
                    **{name: int(getattr(row, name) or 0) for name in report.RAW},
                    "oldest_open": row.oldest_open, "billable_minutes": minutes.get(key, 0)})
    return out


def build(start: date, end: date, now=None, zones=None) -> int:
    """Build the days ``start``…``end`` (exclusive) again in every roll-up zone, a unit of work per
    chunk of at most a month; how many rows were written."""
    now = now or timeutil.utcnow()
    written = 0
    for zone in zones or daily.zones():
        first = start
        while first < end:
            after = min(first + timedelta(days=CHUNK_DAYS), end)
            with unit_of_work():
                rows = _rows(first, after, zone)
                db.session.execute(sa.delete(DailyRollup).where(
                    DailyRollup.zone == zone, DailyRollup.day >= first, DailyRollup.day < after))
                db.session.execute(sa.delete(DailyBuilt).where(
                    DailyBuilt.zone == zone, DailyBuilt.day >= first, DailyBuilt.day < after))
                if rows:
                    db.session.execute(sa.insert(DailyRollup), rows)
                db.session.execute(sa.insert(DailyBuilt), [{"zone": zone, "day": day, "built_at": now}
                                                          for day in daily.days(first, after)])
            written += len(rows)
            first = after
    return written


def _runs(days: set[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, after) ranges."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] == day:
            out[-1] = (out[-1][0], day + timedelta(days=1))
        else:
            out.append((day, day + timedelta(days=1)))
    return out


def touched(since: datetime, worklog_id: int) -> list[datetime]:
    """When the clocks started of the tickets changed since ``since`` (their rows, a breach fired)
    or given a worklog after ``worklog_id``."""
    changed = sa.union(
        sa.select(Ticket.id).where(Ticket.updated_at >= since),
        sa.select(SlaThreshold.ticket_id).where(SlaThreshold.percent >= 100, SlaThreshold.fired_at >= since),
        sa.select(Worklog.ticket_id).where(Worklog.id > worklog_id)).subquery()
    return list(db.session.scalars(sa.select(TicketClock.started_at).where(TicketClock.ticket_id.in_(
        sa.select(changed.c[0])))))


def refresh(now=None) -> int:
    """Build again the days touched since the last run (the first run only sets the mark: the
    nightly job and the command build whole ranges); how many rows were written."""
    now = now or timeutil.utcnow()
    with unit_of_work():
        mark = db.session.get(DailyMark, 1)
        last_worklog = db.session.scalar(sa.select(sa.func.max(Worklog.id))) or 0
        if mark is None:
            db.session.add(DailyMark(id=1, since=now, worklog_id=last_worklog))
            return 0
        started = touched(mark.since - OVERLAP, mark.worklog_id)
        mark.since, mark.worklog_id = now, last_worklog
    written = 0
    for zone in daily.zones():
        tz = ZoneInfo(zone)
        for first, after in _runs({moment.astimezone(tz).date() for moment in started}):
            written += build(first, after, now, [zone])
    return written


@job
def refresh_job() -> None:
    written = refresh()
    log.info("daily roll-up: %d row(s) rebuilt", written)


def nightly(now=None) -> int:
    """Yesterday and this month (in each zone), built in full."""
    now = now or timeutil.utcnow()
    written = 0
    for zone in daily.zones():
        today = now.astimezone(ZoneInfo(zone)).date()
        first = min(today.replace(day=1), today - timedelta(days=1))
        written += build(first, today + timedelta(days=1), now, [zone])
    return written


@job
def nightly_job() -> None:
    written = nightly()
    log.info("daily roll-up, nightly: %d row(s) built", written)


reports_cli = AppGroup("reports", help="The managers' reports.")


@reports_cli.command("rollup")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: 13 months ago).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="The day after the last (default: tomorrow).")
def rollup_command(start, end):
    """Build the daily roll-up of a range of days again."""
    today = timeutil.utcnow().date()
    end = end.date() if end else today + timedelta(days=2)  # tomorrow in any zone
    start = start.date() if start else date(today.year - 1, today.month, 1)
    if not start < end:
        raise click.BadParameter("--to must be after --from", param_hint="--to")
    refresh()  # sets the mark on a first run, so that the job keeps what this builds
    written = build(start, end)
    click.echo(f"{written} roll-up row(s) for {start.isoformat()} – {end.isoformat()} "
               f"({', '.join(daily.zones())})")
