"""What an organization's and a team's pages show besides their own fields: the tickets, the
servers, the maintenance windows and the time of an organization; a team's queue and load.
Read-only gatherings for staff (the views show them to staff only), each on an existing index."""
from datetime import date

import sqlalchemy as sa

from app import timeutil
from app.changes.models import MaintenanceWindow
from app.extensions import db
from app.tickets.models import Ticket, Worklog
from cmdb.models import CI
from sla.models import SlaPolicy, organization_policies

RETIRED = "retired"


def contract(org) -> tuple[list[SlaPolicy], bool]:
    """The organization's own active SLA policies, or (with False) the provider's defaults."""
    own = list(db.session.scalars(
        sa.select(SlaPolicy).join(organization_policies, organization_policies.c.policy_id == SlaPolicy.id)
        .where(organization_policies.c.organization_id == org.id, SlaPolicy.active.is_(True)).order_by(SlaPolicy.name)))
    if own:
        return own, True
    return list(db.session.scalars(sa.select(SlaPolicy).where(SlaPolicy.is_default.is_(True),
                                                              SlaPolicy.active.is_(True)).order_by(SlaPolicy.name))), False


def organization(org, limit: int = 10) -> dict:
    today = timeutil.utcnow().date()
    month = date(today.year, today.month, 1)
    open_tickets = sa.select(Ticket).where(Ticket.organization_id == org.id, Ticket.is_open.is_(True))
    return {
        "open_count": db.session.scalar(sa.select(sa.func.count()).select_from(open_tickets.subquery())),
        "open_tickets": list(db.session.scalars(open_tickets.order_by(Ticket.last_activity_at.desc()).limit(limit))),
        "servers": db.session.scalar(sa.select(sa.func.count()).select_from(CI)
                                     .where(CI.organization_id == org.id, CI.status != RETIRED)),
        "first_servers": list(db.session.scalars(sa.select(CI).where(CI.organization_id == org.id, CI.status != RETIRED)
                                                 .order_by(CI.name).limit(limit))),
        "contract": contract(org),
        "windows": list(db.session.scalars(sa.select(MaintenanceWindow).where(
            MaintenanceWindow.organization_id == org.id, MaintenanceWindow.active.is_(True))
            .order_by(MaintenanceWindow.weekday, MaintenanceWindow.start_time))),
        **_time(org, month),
    }


def _time(org, month: date) -> dict:
    """The minutes logged this month, the billable ones, and those against the contract's hours."""
    billable = sa.func.sum(sa.case((Worklog.billable.is_(True), Worklog.minutes), else_=0))
    total, billable = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Worklog.minutes), 0), sa.func.coalesce(billable, 0))
        .join(Ticket, Ticket.id == Worklog.ticket_id)
        .where(Ticket.organization_id == org.id, Worklog.work_date >= month)).one()
    return {"minutes_this_month": int(total or 0), "contract_use": contract_use(org.contract_minutes, int(billable or 0))}


def contract_use(included: int | None, used: int) -> dict | None:
    """The billable minutes ``used`` against the ``included`` minutes of a month (None: no contract
    hours): what is left, what is over, and the share used in %."""
    if included is None:
        return None
    return {"included_minutes": included, "used_minutes": used, "left_minutes": max(included - used, 0),
            "over_minutes": max(used - included, 0), "over": used > included,
            "percent": round(100 * used / included, 1) if included else None}


def team(team) -> dict:
    """A team's open tickets, those nobody took, and each member's open tickets (the load)."""
    base = sa.select(sa.func.count()).select_from(Ticket).where(Ticket.team_id == team.id, Ticket.is_open.is_(True))
    ids = [m.id for m in team.members]
    load = dict(db.session.execute(
        sa.select(Ticket.assignee_id, sa.func.count()).where(Ticket.assignee_id.in_(ids), Ticket.is_open.is_(True))
        .group_by(Ticket.assignee_id)).all()) if ids else {}
    return {"open": db.session.scalar(base), "unassigned": db.session.scalar(base.where(Ticket.assignee_id.is_(None))),
            "load": load}
