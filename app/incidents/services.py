"""The write path of major incidents: declaring and undeclaring (an event with who and why), the
people on it, the affected organizations (by hand, or computed from the failed CIs), status
updates (public ones to every affected contact, the children's requesters and the portal;
internal ones to the people on it), children, resolving with the children, and the review.
Status moves and links go through the ticket core; mail goes through the outbox."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import jobs, timeutil
from app.auth.permissions import SHELL, can_work_problems_and_changes, can_work_tickets, is_manager
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.incidents import impact
from app.incidents.models import AffectedOrganization, IncidentDetail, MajorDeclaration, StatusUpdate
from app.problems import services as problems
from app.text import has_control_chars
from app.tickets import relations
from app.tickets import services as tickets
from app.tickets.models import Ticket
from app.tickets.queries import linking_to
from app.tickets.workflow import Kind
from app.transactions import transactional

BODY_MAX = 5000
QUEUE = "mail"


def _require_staff(actor) -> None:
    if not can_work_tickets(actor):
        raise Forbidden()


def _require_incident(ticket: Ticket) -> None:
    if ticket.kind != Kind.INCIDENT:
        raise ValidationError.single("ticket", _("%(number)s is not an incident.", number=ticket.number))


def may_declare(actor, ticket: Ticket) -> bool:
    """A manager (or admin), or the incident manager of this incident: until one is named, the
    engineer it is assigned to runs it."""
    if not actor.is_staff:
        return False
    detail = ticket.incident_detail
    manager_id = detail.manager_id if detail is not None else None
    return is_manager(actor) or actor.id == (manager_id if manager_id is not None else ticket.assignee_id)


def detail_of(ticket: Ticket) -> IncidentDetail:
    """The incident's major-incident record, made when first written."""
    if ticket.incident_detail is None:
        ticket.incident_detail = IncidentDetail(provider_wide=False, public_summary="", review_open=False,
                                                review_changes="")
        db.session.flush()
    return ticket.incident_detail


def update_interval(ticket: Ticket) -> timedelta:
    """How often the public hears of a major incident: INCIDENT_UPDATE_MINUTES by priority."""
    minutes = current_app.config.get("INCIDENT_UPDATE_MINUTES") or ["30"]
    try:
        value = int(minutes[min(ticket.priority, len(minutes)) - 1])
    except (ValueError, IndexError):
        value = 30
    return timedelta(minutes=max(value, 1))


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise ValidationError.single("reason", _("Say why, in a few words."))
    if len(reason) > 500 or has_control_chars(reason):
        raise ValidationError.single("reason", _("Say why in at most 500 characters, on one line."))
    return reason


def record_declaration(ticket: Ticket, actor, declared: bool, reason: str = "") -> None:
    """The event of a declaration (also written when the major flag moves another way: the API's
    PATCH, the agent's form), and the clock of the next public update."""
    detail = detail_of(ticket)
    db.session.add(MajorDeclaration(ticket_id=ticket.id, actor_id=actor.id if actor else None,
                                    declared=declared, reason=reason))
    now = timeutil.utcnow()
    if declared:
        detail.declared_at = detail.declared_at or now
        detail.next_update_due = now + update_interval(ticket)
        if detail.manager_id is None and actor is not None and actor.is_staff:
            detail.manager_id = actor.id
    else:
        detail.next_update_due = None


@transactional
def declare(actor, ticket: Ticket, reason: str, *, declared: bool = True) -> None:
    """Declare an incident major (or undeclare it), with why. Managers, or the incident manager."""
    _require_staff(actor)
    _require_incident(ticket)
    if not may_declare(actor, ticket):
        raise Forbidden()
    reason = _reason(reason)
    if not ticket.is_open:
        raise ValidationError.single("reason", _("The incident is no longer open."))
    if bool(ticket.major) == declared:
        raise ValidationError.single("reason", _("The incident is major already.") if declared
                                     else _("The incident is not major."))
    tickets.record(ticket, actor, "major", ticket.major, declared)
    ticket.major = declared
    ticket.last_activity_at = timeutil.utcnow()
    record_declaration(ticket, actor, declared, reason)


@transactional
def set_people(actor, ticket: Ticket, *, manager, engineers) -> None:
    """Who runs the incident, and who works on it (active staff only)."""
    _require_staff(actor)
    _require_incident(ticket)
    errors = {}
    if manager is not None and (not manager.is_staff or not manager.active):
        errors["manager"] = [_("The incident manager must be active staff.")]
    if any(e is None or not e.is_staff or not e.active for e in engineers):
        errors["engineers"] = [_("Engineers must be active staff.")]
    if errors:
        raise ValidationError(errors)
    detail = detail_of(ticket)
    if detail.manager_id != (manager.id if manager else None):
        tickets.record_detail(ticket, actor, "incident_manager", detail.manager.name if detail.manager else None,
                              manager.name if manager else None)
        detail.manager = manager
    names = sorted(e.name for e in engineers)
    if sorted(e.name for e in detail.engineers) != names:
        tickets.record_detail(ticket, actor, "engineers", ", ".join(e.name for e in detail.engineers) or None,
                              ", ".join(names) or None)
        detail.engineers = list({e.id: e for e in engineers}.values())


@transactional
def set_affected(actor, ticket: Ticket, organizations, *, public_summary: str | None = None,
                 provider_wide: bool | None = None) -> None:
    """The organizations chosen by hand (the computed ones stay until computed again); what clients
    read as affected; whether the public status page shows it."""
    _require_staff(actor)
    _require_incident(ticket)
    if any(o is None for o in organizations):
        raise ValidationError.single("organizations", _("There is no such organization."))
    detail = detail_of(ticket)
    if public_summary is not None:
        summary = " ".join(public_summary.split())
        if len(summary) > 300 or has_control_chars(summary):
            raise ValidationError.single("public_summary", _("At most 300 characters, on one line."))
        if summary != detail.public_summary:
            tickets.record_detail(ticket, actor, "public_summary", detail.public_summary or None, summary or None)
            detail.public_summary = summary
    if provider_wide is not None and bool(provider_wide) != detail.provider_wide:
        tickets.record_detail(ticket, actor, "provider_wide", detail.provider_wide, bool(provider_wide))
        detail.provider_wide = bool(provider_wide)
    wanted = {o.id: o for o in organizations}
    rows = {row.organization_id: row for row in ticket.affected_organizations_rows}
    for org_id, row in rows.items():
        if not row.computed and org_id not in wanted:
            db.session.delete(row)
    for org_id in wanted:
        if org_id not in rows:
            db.session.add(AffectedOrganization(ticket_id=ticket.id, organization_id=org_id, computed=False,
                                                path=[], services=[]))
    before = sorted(o.organization.name for o in rows.values() if not o.computed)
    after = sorted(o.name for o in wanted.values())
    if before != after:
        tickets.record_detail(ticket, actor, "affected_organizations", ", ".join(before) or None,
                              ", ".join(after) or None)
    db.session.flush()
    db.session.expire(ticket, ["affected_organizations_rows"])


@transactional
def compute_affected(actor, ticket: Ticket) -> int:
    """The organizations the failed CIs linked to the incident hit, with their paths (the CMDB's
    impact analysis, through app/incidents/impact.py). Returns how many organizations are affected."""
    _require_staff(actor)
    _require_incident(ticket)
    if not impact.available():
        raise ValidationError.single("cis", _("No CMDB is installed: choose the organizations by hand."))
    found = {entry["organization_id"]: entry for entry in impact.organizations_hit(ticket)}
    if not found:
        raise ValidationError.single("cis", _("Link the failed CIs first: the impact is computed from them."))
    rows = {row.organization_id: row for row in ticket.affected_organizations_rows}
    for org_id, row in rows.items():
        if row.computed and org_id not in found:
            db.session.delete(row)
    for org_id, entry in found.items():
        row = rows.get(org_id)
        if row is None:
            row = AffectedOrganization(ticket_id=ticket.id, organization_id=org_id)
            db.session.add(row)
        row.computed, row.path, row.services = True, entry["path"], entry["services"]
    tickets.record_detail(ticket, actor, "affected_organizations", None,
                          _("computed from the CMDB: %(count)s", count=len(found)))
    db.session.flush()
    db.session.expire(ticket, ["affected_organizations_rows"])
    return len(ticket.affected_organizations_rows)


def _body(text: str, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and len(text) < 3:
        raise ValidationError.single(field, _("Write the update: what is known, what is being done."))
    if len(text) > BODY_MAX:
        raise ValidationError.single(field, _("An update holds at most %(max)s characters.", max=BODY_MAX))
    if "\x00" in text:
        raise ValidationError.single(field, _("Please remove the control characters."))
    return text


@transactional
def post_update(actor, ticket: Ticket, *, body: str, body_uk: str = "", public: bool = True) -> StatusUpdate:
    """A status update. A public one goes to the affected organizations' contacts, the children's
    requesters and the portal, and moves the next public update due; an internal one goes to the
    people on the incident."""
    _require_staff(actor)
    _require_incident(ticket)
    body, body_uk = _body(body, "body", True), _body(body_uk, "body_uk", False)
    if not ticket.major:
        raise ValidationError.single("body", _("Status updates are for major incidents: declare it first."))
    update = StatusUpdate(ticket_id=ticket.id, author_id=actor.id, public=bool(public), body_en=body,
                          body_uk=body_uk, created_at=timeutil.utcnow())
    db.session.add(update)
    tickets.record_detail(ticket, actor, "status_update", None, _("public") if public else _("internal"))
    if public and ticket.is_open:
        detail = detail_of(ticket)
        detail.next_update_due = update.created_at + update_interval(ticket)
    db.session.flush()
    jobs.enqueue_after_commit("app.incidents.jobs.send_update", update.id, queue=QUEUE)
    return update


@transactional
def link_children(actor, ticket: Ticket, children: list[Ticket]) -> list[str]:
    """Make incidents children of this one (INC-9 child_of INC-8). Returns the numbers linked."""
    _require_staff(actor)
    _require_incident(ticket)
    errors = [_("%(number)s is not an incident.", number=c.number) for c in children if c.kind != Kind.INCIDENT]
    errors += [_("A ticket cannot be linked to itself.") for c in children if c.id == ticket.id]
    if errors:
        raise ValidationError({"children": errors})
    return relations.link_all(actor, children, ticket, "child_of")


@transactional
def join_major(actor, ticket: Ticket, major: Ticket) -> None:
    """A client's new incident is part of a major incident that affects their organization: it is
    linked as its child by the desk (the client may not link tickets; the choice was offered to them)."""
    if not actor.is_client or ticket.requester_id != actor.id or ticket.kind != Kind.INCIDENT:
        raise Forbidden()
    affected = {r.organization_id for r in major.affected_organizations_rows} | {major.organization_id}
    if not major.major or not major.is_open or actor.organization_id not in affected:
        raise ValidationError.single("part_of", _("There is no such incident."))
    relations.link(SHELL, ticket, major, "child_of")


def children_of(ticket: Ticket, *, open_only: bool = False) -> list[Ticket]:
    stmt = sa.select(Ticket).where(linking_to(ticket, "child_of"), Ticket.kind == Kind.INCIDENT)
    if open_only:
        stmt = stmt.where(Ticket.is_open.is_(True))
    return list(db.session.scalars(stmt.order_by(Ticket.id)))


@transactional
def resolve_major(actor, ticket: Ticket, *, resolution_code: str, resolution: str, message: str) -> list[str]:
    """Resolve the major incident and its open children, each child's requester told ``message``
    (a public reply), in one unit of work; the post-incident review opens. Returns the numbers resolved."""
    _require_staff(actor)
    _require_incident(ticket)
    message = (message or "").strip()
    if not message:
        raise ValidationError.single("message", _("Write the message the requesters will read."))
    resolved = []
    for child in children_of(ticket, open_only=True):
        tickets.reply(actor, child, message)
        tickets.transition(actor, child, "resolved", resolution_code=resolution_code, resolution=message)
        resolved.append(child.number)
    tickets.transition(actor, ticket, "resolved", resolution_code=resolution_code, resolution=resolution)
    resolved.append(ticket.number)
    return resolved


def open_review(ticket: Ticket) -> None:
    """When a major incident is resolved: the review opens, no more updates are due."""
    detail = detail_of(ticket)
    detail.review_open = True
    detail.next_update_due = None


@transactional
def save_review(actor, ticket: Ticket, *, changes: str) -> None:
    """What to change, as the review found."""
    _require_staff(actor)
    _require_incident(ticket)
    detail = detail_of(ticket)
    changes = (changes or "").strip()
    if len(changes) > 20_000:
        raise ValidationError.single("changes", _("At most 20000 characters."))
    if changes != detail.review_changes:
        tickets.record_detail(ticket, actor, "review", None, changes[:200] or None)
        detail.review_changes = changes


@transactional
def problem_from_review(actor, ticket: Ticket, *, root_cause: str = "") -> Ticket:
    """One click: the root cause becomes a problem, linked (the incident caused_by the problem)."""
    if not can_work_problems_and_changes(actor):
        raise Forbidden()
    _require_incident(ticket)
    detail = detail_of(ticket)
    if detail.problem_id is not None:
        raise ValidationError.single("problem", _("The review has its problem already: %(number)s.",
                                                  number=detail.problem.number))
    problem = tickets.create_ticket(
        actor, kind=Kind.PROBLEM, title=_("Root cause of %(number)s: %(title)s", number=ticket.number,
                                          title=ticket.title)[:200],
        description=ticket.resolution or "", organization=ticket.organization,
        category=ticket.category, affected_system=ticket.affected_system, team=ticket.team)
    if (root_cause or "").strip():
        problems.update_problem(actor, problem, root_cause=root_cause.strip())
    relations.link(actor, ticket, problem, "caused_by")
    detail.problem = problem
    tickets.record_detail(ticket, actor, "problem", None, problem.number)
    return problem
