"""The periodic job that keeps ``report_sla_minutes`` in step with the SLA engine's clocks.

A clock whose first response or resolution is met or breached (or was met and is no longer: a
reopened ticket) and whose row does not hold the same met instants and clock start is computed
again with ``sla.clock.timers`` — the engine's own arithmetic, on the policy and calendar it runs
on — in batches, each one unit of work; the row also keeps the ticket's organization and the
clock's start, so one organization's rows of a period are found by their index (its medians, its
breaches: a breach of a clock not answered yet is listed from the job's next run). Reports read
the minutes from the table; a ticket whose row is not there yet counts in every count and
compliance figure, only not in the medians until the next run (a minute)."""
import logging

import sqlalchemy as sa
from sqlalchemy import orm

from app import timeutil
from app.extensions import db
from app.jobs import job
from app.reports.models import SlaMinutes
from app.tickets.models import Ticket
from app.transactions import unit_of_work
from sla import clock as clocks
from sla.models import TicketClock

BATCH = 500
log = logging.getLogger(__name__)


def _stale():
    row = SlaMinutes
    return (sa.select(TicketClock.ticket_id).outerjoin(row, row.ticket_id == TicketClock.ticket_id)
            .where(sa.or_(TicketClock.first_response_met_at.is_not(None), TicketClock.resolved_at.is_not(None),
                          TicketClock.first_response_breached.is_(True), TicketClock.resolution_breached.is_(True),
                          row.ticket_id.is_not(None)))
            .where(sa.or_(row.ticket_id.is_(None),
                          row.first_response_met_at.is_distinct_from(TicketClock.first_response_met_at),
                          row.resolved_at.is_distinct_from(TicketClock.resolved_at),
                          row.started_at.is_distinct_from(TicketClock.started_at)))
            .order_by(TicketClock.ticket_id))


def _minutes(timer) -> float | None:
    return None if timer is None or timer.met_at is None else round(timer.used, 2)


def refresh_batch(now=None, limit: int = BATCH) -> int:
    """Compute up to ``limit`` stale rows in one unit of work; how many were written."""
    now = now or timeutil.utcnow()
    with unit_of_work():
        ids = list(db.session.scalars(_stale().limit(limit)))
        if not ids:
            return 0
        found = db.session.execute(
            sa.select(TicketClock, Ticket).join(Ticket, Ticket.id == TicketClock.ticket_id)
            .where(TicketClock.ticket_id.in_(ids))
            .options(orm.joinedload(TicketClock.policy))).all()
        rows = {row.ticket_id: row for row in db.session.scalars(sa.select(SlaMinutes)
                                                                 .where(SlaMinutes.ticket_id.in_(ids)))}
        for clock, ticket in found:
            timers = clocks.timers(clock, ticket, now)
            row = rows.get(ticket.id)
            if row is None:
                row = SlaMinutes(ticket_id=ticket.id)
                db.session.add(row)
            row.first_response_met_at = clock.first_response_met_at
            row.first_response_minutes = _minutes(timers.get("first_response"))
            row.resolved_at = clock.resolved_at
            row.resolution_minutes = _minutes(timers.get("resolution"))
            row.organization_id = ticket.organization_id
            row.started_at = clock.started_at
            row.computed_at = now
        return len(found)


def refresh(now=None, limit: int = BATCH) -> int:
    """Every stale row, batch after batch; how many were written."""
    total = 0
    for _ in range(100_000):  # a bound, should a row never settle
        written = refresh_batch(now, limit)
        total += written
        if written < limit:
            break
    return total


@job
def refresh_job() -> None:
    written = refresh()
    log.info("report minutes: %d ticket(s) computed", written)
