"""Reads of changes: details, the policy, the CAB's queue, the calendar, planned work."""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app import timeutil
from app.auth.permissions import can_approve_changes
from app.changes import calendar, hooks
from app.changes.models import (
    ChangeApproval,
    ChangeDetail,
    ChangePolicy,
    ChangeTemplate,
    MaintenanceWindow,
    change_affected_organizations,
)
from app.changes.rules import RETRO_APPROVAL, details
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Organization
from app.tickets.models import Link, Ticket
from app.tickets.workflow import Kind

__all__ = ["details"]

ON_CALENDAR = ("submitted", "assessment", "awaiting_approval", "approved", "scheduled", "implementing", "review", "closed")
PLANNED_WORK = ("approved", "scheduled", "implementing")


def policy() -> ChangePolicy:
    """The approval policy; the defaults (1, 2, 2 approvals; no self-approval; managers) until one is saved."""
    found = db.session.scalar(sa.select(ChangePolicy).order_by(ChangePolicy.id))
    return found or ChangePolicy(approvals_low=1, approvals_medium=2, approvals_high=2, self_approval=False)


def approvals_of(change: Ticket) -> list[ChangeApproval]:
    return list(db.session.scalars(sa.select(ChangeApproval).where(ChangeApproval.ticket_id == change.id)
                                   .options(joinedload(ChangeApproval.approver)).order_by(ChangeApproval.id)))


def decision_of(change: Ticket, user) -> ChangeApproval | None:
    return db.session.scalar(sa.select(ChangeApproval).where(ChangeApproval.ticket_id == change.id,
                                                             ChangeApproval.approver_id == user.id))


def caused_links(change: Ticket) -> list[Link]:
    return list(db.session.scalars(sa.select(Link).where(Link.target_id == change.id, Link.kind == "caused_by")
                                   .options(joinedload(Link.source)).order_by(Link.id)))


def approval_queue(user) -> list[Ticket]:
    """Changes waiting for this user's decision: at the CAB, or emergency changes approved afterwards."""
    if not can_approve_changes(user, policy().cab_team):
        return []
    decided = sa.select(ChangeApproval.ticket_id).where(ChangeApproval.approver_id == user.id)
    waiting = sa.or_(Ticket.status == "awaiting_approval",
                     sa.and_(Ticket.status.in_(RETRO_APPROVAL), Ticket.approval_status == "pending"))
    stmt = (sa.select(Ticket).where(Ticket.kind == Kind.CHANGE, waiting, Ticket.id.not_in(decided))
            .options(joinedload(Ticket.organization), joinedload(Ticket.change_detail)))
    # Sorted here: asked to sort by id, SQLite walks the whole table in id order instead of the
    # two indexes of the OR (ix_tickets_status_resolved, ix_tickets_approval); the queue is short.
    return sorted(db.session.scalars(stmt), key=lambda change: change.id)


def template(template_id) -> ChangeTemplate | None:
    return db.session.get(ChangeTemplate, template_id)


def get_template(template_id: int) -> ChangeTemplate:
    found = template(template_id)
    if found is None:
        raise NotFound()
    return found


def get_window(window_id: int) -> MaintenanceWindow:
    window = db.session.get(MaintenanceWindow, window_id)
    if window is None:
        raise NotFound()
    return window


def templates(active_only: bool = True) -> list[ChangeTemplate]:
    stmt = sa.select(ChangeTemplate).order_by(ChangeTemplate.name)
    return list(db.session.scalars(stmt.where(ChangeTemplate.active.is_(True)) if active_only else stmt))


def windows(organization_id: int | None = None) -> list[MaintenanceWindow]:
    stmt = (sa.select(MaintenanceWindow).where(MaintenanceWindow.active.is_(True))
            .options(joinedload(MaintenanceWindow.organization))
            .order_by(MaintenanceWindow.organization_id, MaintenanceWindow.weekday, MaintenanceWindow.start_time))
    if organization_id is not None:
        stmt = stmt.where(MaintenanceWindow.organization_id == organization_id)
    return list(db.session.scalars(stmt))


def weekly(rows: list[MaintenanceWindow]) -> dict[int, list[calendar.Weekly]]:
    by_org: dict[int, list[calendar.Weekly]] = {}
    for w in rows:
        by_org.setdefault(w.organization_id, []).append(calendar.Weekly(w.weekday, w.start_time, w.duration_minutes,
                                                                        w.timezone))
    return by_org


@dataclass
class Entry:
    """A change on the calendar, with what the calendar says about it."""

    ticket: Ticket
    detail: ChangeDetail
    organizations: list[Organization]
    conflicts: list[Ticket] = field(default_factory=list)
    ci_conflicts: list[Ticket] = field(default_factory=list)  # overlapping on the same or dependent CIs
    outside: list[Organization] = field(default_factory=list)  # organizations whose windows it misses


def _planned(start: datetime, end: datetime) -> sa.Select:
    return (sa.select(Ticket, ChangeDetail).join(ChangeDetail, ChangeDetail.ticket_id == Ticket.id)
            .where(Ticket.kind == Kind.CHANGE, ChangeDetail.planned_start < end, ChangeDetail.planned_end > start)
            .options(selectinload(ChangeDetail.organizations), joinedload(Ticket.team)))


def calendar_entries(start: datetime, end: datetime, *, team_id=None, organization_id=None, risk=None) -> list[Entry]:
    """Changes planned in [start, end), with conflicts (overlapping windows on a shared organization,
    and — apart — on the same CIs or CIs that depend on each other; whatever the filters) and the
    organizations whose maintenance windows they miss."""
    rows = list(db.session.execute(_planned(start, end).where(Ticket.status.in_(ON_CALENDAR))
                                   .order_by(ChangeDetail.planned_start, Ticket.id)))
    # Conflicts are looked for among every change that overlaps one shown, not just those shown.
    entries = [Entry(t, d, list(d.organizations) or [t.organization]) for t, d in rows]
    touched = hooks.touches(e.ticket.id for e in entries)
    planned = [calendar.Planned(e.ticket.id, e.detail.planned_start, e.detail.planned_end,
                                frozenset(o.id for o in e.organizations),
                                *touched.get(e.ticket.id, (frozenset(), frozenset()))) for e in entries]
    by_id = {e.ticket.id: e.ticket for e in entries}
    live = [p for p in planned if by_id[p.id].status != "closed"]
    clashes, ci_clashes = calendar.conflicts(live), calendar.ci_conflicts(live)
    windows_by_org = weekly(windows())
    for entry in entries:
        entry.conflicts = sorted((by_id[i] for i in clashes.get(entry.ticket.id, ())), key=lambda t: t.id)
        entry.ci_conflicts = sorted((by_id[i] for i in ci_clashes.get(entry.ticket.id, ())), key=lambda t: t.id)
        entry.outside = [o for o in entry.organizations if not calendar.inside_windows(
            entry.detail.planned_start, entry.detail.planned_end, windows_by_org.get(o.id, []))]
    if team_id:
        entries = [e for e in entries if e.ticket.team_id == team_id]
    if organization_id:
        entries = [e for e in entries if any(o.id == organization_id for o in e.organizations)]
    if risk:
        entries = [e for e in entries if e.detail.risk == risk]
    return entries


def entry_for(change: Ticket) -> Entry | None:
    """The calendar's view of one change (its conflicts and missed windows), if it has a window."""
    detail = change.change_detail
    if detail is None or detail.planned_start is None:
        return None
    for entry in calendar_entries(detail.planned_start, detail.planned_end):
        if entry.ticket.id == change.id:
            return entry
    return Entry(change, detail, list(detail.organizations))


def planned_work(organization) -> list[tuple[Ticket, ChangeDetail]]:
    """Approved changes that affect the organization and have not ended yet: the client's "planned work"."""
    affected = sa.select(change_affected_organizations.c.ticket_id).where(
        change_affected_organizations.c.organization_id == organization.id)
    stmt = (sa.select(Ticket, ChangeDetail).join(ChangeDetail, ChangeDetail.ticket_id == Ticket.id)
            .where(Ticket.kind == Kind.CHANGE, Ticket.status.in_(PLANNED_WORK), Ticket.id.in_(affected),
                   ChangeDetail.planned_end > timeutil.utcnow())
            .order_by(ChangeDetail.planned_start, Ticket.id))
    return [tuple(row) for row in db.session.execute(stmt)]
