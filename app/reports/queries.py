"""Read-only aggregates for managers."""
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.orgs.models import Organization
from app.tickets.models import Ticket, Worklog


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-11' → (2026-11-01, 2026-12-01); ValueError for anything else."""
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    return start, date(year + number // 12, number % 12 + 1, 1)


def time_by_organization(month: str) -> list[dict]:
    """Minutes logged per organization in a month, billable and not."""
    start, end = month_bounds(month)
    billable = sa.func.sum(sa.case((Worklog.billable.is_(True), Worklog.minutes), else_=0))
    rows = db.session.execute(
        sa.select(Organization.code, Organization.name, billable.label("billable"),
                  sa.func.sum(Worklog.minutes).label("total"), sa.func.count(sa.distinct(Ticket.id)).label("tickets"))
        .join(Ticket, Worklog.ticket_id == Ticket.id).join(Organization, Ticket.organization_id == Organization.id)
        .where(Worklog.work_date >= start, Worklog.work_date < end)
        .group_by(Organization.code, Organization.name).order_by(Organization.name))
    return [dict(row._mapping) for row in rows]
