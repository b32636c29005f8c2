"""Read-only aggregates for managers."""
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from app.auth.models import User
from app.extensions import db
from app.orgs.models import Organization, Team
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


def ratings(month: str) -> dict:
    """The clients' ratings of a month (by when they rated): per engineer, team and organization, and the latest."""
    start, end = month_bounds(month)
    when = sa.and_(Ticket.rated_at >= datetime.combine(start, time(), UTC),
                   Ticket.rated_at < datetime.combine(end, time(), UTC))

    def by(label_column, *joins):
        stmt = sa.select(label_column.label("name"), sa.func.count().label("count"),
                         sa.func.avg(Ticket.rating).label("average"),
                         sa.func.sum(sa.case((Ticket.rating <= 2, 1), else_=0)).label("low")).select_from(Ticket)
        for target, condition in joins:
            stmt = stmt.outerjoin(target, condition)
        stmt = stmt.where(when).group_by(label_column).order_by(sa.func.avg(Ticket.rating), label_column)
        return [dict(row._mapping) for row in db.session.execute(stmt)]

    assignee = aliased(User)
    latest = db.session.scalars(sa.select(Ticket).where(when).order_by(Ticket.rated_at.desc()).limit(20)
                                .options(selectinload(Ticket.rated_by), selectinload(Ticket.assignee),
                                         selectinload(Ticket.organization)))
    overall = db.session.execute(sa.select(sa.func.count(), sa.func.avg(Ticket.rating)).where(when)).one()
    return {
        "count": overall[0], "average": overall[1],
        "engineers": by(assignee.name, (assignee, Ticket.assignee_id == assignee.id)),
        "teams": by(Team.name, (Team, Ticket.team_id == Team.id)),
        "organizations": by(Organization.name, (Organization, Ticket.organization_id == Organization.id)),
        "latest": list(latest),
    }
