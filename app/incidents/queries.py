"""Reads of incidents, scoped by the reader. Staff see every incident; a client sees the major
incidents that affect their organization, in their words: their own CIs and services by name, a
provider's component as "a provider component", and never another organization's name."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app import jobs, timeutil
from app.changes.queries import planned_work
from app.errors import NotFound
from app.extensions import db
from app.incidents.models import AffectedOrganization, IncidentDetail, MajorDeclaration, StatusUpdate
from app.orgs.models import Organization
from app.tickets.models import Ticket
from app.tickets.queries import get_ticket, linking_to
from app.tickets.workflow import Kind

BANNER_SECONDS = 10  # a newly declared major incident reaches every workspace page within seconds
HISTORY_DAYS = 90
LIST_LIMIT = 200


def major_banner() -> list[dict]:
    """The open major incidents for the banner of every workspace page (number, title, organization)."""
    return jobs.cached("major-incidents", BANNER_SECONDS, lambda: [
        {"number": number, "title": title, "organization": {"name": name}}
        for number, title, name in db.session.execute(
            sa.select(Ticket.number, Ticket.title, Organization.name).join(Organization)
            .where(Ticket.major.is_(True), Ticket.is_open.is_(True), Ticket.kind == Kind.INCIDENT)
            .order_by(Ticket.id.desc()).limit(5))])


@dataclass
class Row:
    ticket: Ticket
    detail: IncidentDetail | None
    organizations: list = field(default_factory=list)


def open_incidents() -> list[Row]:
    """Open incidents, major ones first, then by priority and age (staff)."""
    tickets = list(db.session.scalars(
        sa.select(Ticket).where(Ticket.kind == Kind.INCIDENT, Ticket.is_open.is_(True))
        .options(joinedload(Ticket.organization), selectinload(Ticket.affected_organizations_rows)
                 .joinedload(AffectedOrganization.organization), joinedload(Ticket.incident_detail))
        .order_by(Ticket.major.desc(), Ticket.priority, Ticket.created_at, Ticket.id).limit(LIST_LIMIT)))
    return [Row(t, t.incident_detail, [r.organization for r in t.affected_organizations_rows] or
                [t.organization]) for t in tickets]


def get_incident(user, number: str) -> Ticket:
    """An incident the user may see, or 404 (another kind reads as missing)."""
    ticket = get_ticket(user, number)
    if ticket.kind != Kind.INCIDENT:
        raise NotFound()
    return ticket


def updates_of(ticket: Ticket) -> list[StatusUpdate]:
    """Every update of the incident, internal ones too, newest first (the staff's timeline)."""
    return list(db.session.scalars(
        sa.select(StatusUpdate).where(StatusUpdate.ticket_id == ticket.id).options(joinedload(StatusUpdate.author))
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())))


def declarations_of(ticket: Ticket) -> list[MajorDeclaration]:
    return list(db.session.scalars(sa.select(MajorDeclaration).where(MajorDeclaration.ticket_id == ticket.id)
                                   .options(joinedload(MajorDeclaration.actor)).order_by(MajorDeclaration.id)))


def timeline(ticket: Ticket) -> list[tuple[str, object]]:
    """Updates and declarations, newest first."""
    items = [(u.created_at, "update", u) for u in updates_of(ticket)]
    items += [(d.created_at, "declaration", d) for d in declarations_of(ticket)]
    return [(kind, item) for _, kind, item in sorted(items, key=lambda row: row[0], reverse=True)]


def children_of(ticket: Ticket) -> list[Ticket]:
    return list(db.session.scalars(
        sa.select(Ticket).where(linking_to(ticket, "child_of"))
        .options(joinedload(Ticket.organization), joinedload(Ticket.requester)).order_by(Ticket.id)))


def affected_of(ticket: Ticket) -> list[AffectedOrganization]:
    return sorted(ticket.affected_organizations_rows, key=lambda r: r.organization.name)


def affected_ids(ticket: Ticket) -> set[int]:
    """Every organization the incident affects: the chosen and computed ones, and the incident's own."""
    return {r.organization_id for r in ticket.affected_organizations_rows} | {ticket.organization_id}


def _affecting(organization_id: int) -> sa.Select:
    chosen = sa.select(AffectedOrganization.ticket_id).where(AffectedOrganization.organization_id == organization_id)
    return sa.select(Ticket).where(Ticket.kind == Kind.INCIDENT, sa.or_(Ticket.id.in_(chosen),
                                                                        Ticket.organization_id == organization_id))


# ------------------------------------------------------------------ what a client reads

@dataclass
class Status:
    """One thing affecting the client now (or within the history): a major incident or planned work."""
    kind: str  # "incident" or "maintenance"
    title: str
    affected: list  # what is affected, in the client's words
    since: datetime
    latest: StatusUpdate | None = None
    next_update_due: datetime | None = None
    updates: list = field(default_factory=list)
    ended: datetime | None = None
    ticket: Ticket | None = None


def _in_their_words(row: AffectedOrganization | None, organization_id: int) -> list[str]:
    """The client's services and the chain to what failed: their CIs by name, others as "a provider component"."""
    if row is None:
        return []
    words = list(row.services)
    for name, owner in row.path or []:
        label = name if owner == organization_id else _("a provider component")
        if label not in words:
            words.append(label)
    return words


def _public_updates(tickets) -> dict[int, list[StatusUpdate]]:
    """The public updates of these incidents, newest first, in one statement."""
    found: dict[int, list[StatusUpdate]] = {t.id: [] for t in tickets}
    if found:
        for update in db.session.scalars(
                sa.select(StatusUpdate).where(StatusUpdate.ticket_id.in_(found), StatusUpdate.public.is_(True))
                .options(joinedload(StatusUpdate.author))
                .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())):
            found[update.ticket_id].append(update)
    return found


def _statuses(stmt: sa.Select, organization_id: int) -> list[Status]:
    """Each incident ``stmt`` selects as the client's organization reads it; the details,
    affected rows and public updates of all of them loaded at once (every portal page asks)."""
    tickets = list(db.session.scalars(stmt.options(joinedload(Ticket.incident_detail),
                                                   selectinload(Ticket.affected_organizations_rows))))
    updates = _public_updates(tickets)
    return [_status_of(ticket, organization_id, updates[ticket.id]) for ticket in tickets]


def _status_of(ticket: Ticket, organization_id: int, updates: list[StatusUpdate]) -> Status:
    detail = ticket.incident_detail
    row = next((r for r in ticket.affected_organizations_rows if r.organization_id == organization_id), None)
    affected = _in_their_words(row, organization_id)
    since = (detail.declared_at if detail and detail.declared_at else None) or ticket.created_at
    title = detail.public_summary if detail is not None and detail.public_summary else _("Service disruption")
    return Status("incident", title, affected, since, updates[0] if updates else None,
                  detail.next_update_due if detail and ticket.is_open else None, updates,
                  ticket.resolved_at or ticket.closed_at if not ticket.is_open else None, ticket)


def service_status(user) -> list[Status]:
    """What affects the client's organization now: open major incidents, and planned work in its window."""
    if user is None or not user.is_authenticated or not user.is_client or user.organization_id is None:
        return []
    org_id = user.organization_id
    found = _statuses(_affecting(org_id).where(Ticket.major.is_(True), Ticket.is_open.is_(True))
                      .order_by(Ticket.id), org_id)
    now = timeutil.utcnow()
    for change, detail in planned_work(user.organization):
        if detail.planned_start <= now < detail.planned_end or change.status == "implementing":
            found.append(Status("maintenance", detail.client_summary or change.title, [], detail.planned_start,
                                next_update_due=detail.planned_end))
    return found


def status_history(user, days: int = HISTORY_DAYS) -> list[Status]:
    """The major incidents that affected the client's organization and ended within ``days``."""
    if not user.is_client or user.organization_id is None:
        return []
    since = timeutil.utcnow() - timedelta(days=days)
    org_id = user.organization_id
    declared = sa.select(MajorDeclaration.ticket_id).where(MajorDeclaration.declared.is_(True))
    return _statuses(_affecting(org_id).where(Ticket.is_open.is_(False), Ticket.id.in_(declared),
                                              sa.func.coalesce(Ticket.resolved_at, Ticket.closed_at) >= since)
                     .order_by(Ticket.id.desc()).limit(100), org_id)


def public_status() -> list[Status]:
    """The public /status page: open provider-wide major incidents, with no client's name or CI."""
    rows = db.session.scalars(sa.select(Ticket).join(IncidentDetail, IncidentDetail.ticket_id == Ticket.id).where(
        Ticket.kind == Kind.INCIDENT, Ticket.major.is_(True), Ticket.is_open.is_(True),
        IncidentDetail.provider_wide.is_(True)).order_by(Ticket.id))
    tickets = list(rows)
    updates = _public_updates(tickets)
    found = []
    for ticket in tickets:
        detail, public = ticket.incident_detail, updates[ticket.id]
        found.append(Status("incident", detail.public_summary or _("Service disruption"),
                            [], detail.declared_at or ticket.created_at, public[0] if public else None,
                            detail.next_update_due, public))
    return found


def affected_incident_for(user, affected_system: str) -> Ticket | None:
    """The open major incident a client's new ticket about this server is probably part of."""
    text = (affected_system or "").strip().lower()
    if not text or not user.is_client:
        return None
    for status in service_status(user):
        if status.ticket is not None and any(text == a.lower() for a in status.affected):
            return status.ticket
    return None


def major_affecting(user, number: str | None) -> Ticket | None:
    """The open major incident with this number if it affects the client's organization, else None."""
    number = (number or "").strip().upper()
    if not number or not user.is_client or user.organization_id is None:
        return None
    return db.session.scalar(_affecting(user.organization_id).where(
        Ticket.number == number, Ticket.major.is_(True), Ticket.is_open.is_(True)))


def due_reminders(now: datetime) -> list[int]:
    """Open major incidents whose next public update is due and whose manager was not reminded of it."""
    return list(db.session.scalars(sa.select(IncidentDetail.ticket_id).join(Ticket, Ticket.id == IncidentDetail.ticket_id)
                                   .where(IncidentDetail.next_update_due <= now, Ticket.is_open.is_(True),
                                          Ticket.major.is_(True),
                                          sa.or_(IncidentDetail.reminded_for.is_(None),
                                                 IncidentDetail.reminded_for != IncidentDetail.next_update_due))
                                   .limit(200)))
