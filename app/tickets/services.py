"""THE write path of tickets. The agent UI, the portal, the mail gateway and the
API all call these functions, so a ticket behaves the same whichever way it is
touched. Each call validates, changes, records its events, keeps the search
index in step and announces what happened at the doors (doors.py), all inside
one unit of work (app/transactions.py): a service called by another joins its
caller's transaction. Bad input raises ValidationError and changes nothing."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import timeutil
from app.auth.permissions import can_view_ticket, can_work_tickets
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.text import has_control_chars
from app.tickets import attachments, content, doors, search
from app.tickets.models import Attachment, Event, Message, Ticket
from app.tickets.numbering import next_number
from app.tickets.workflow import (
    CLIENT,
    RESOLUTION_CODES,
    STAFF,
    STATUS_LABELS,
    Kind,
    priority_for,
    workflow,
)
from app.transactions import transactional
from app.uploads import Upload

CLIENT_KINDS = (Kind.INCIDENT, Kind.REQUEST)
CLIENT_IMPACT = 2  # a client says how urgent it is; the provider judges the impact


class Conflict(Exception):
    """The ticket changed since the caller read it; ``events`` are those changes."""

    def __init__(self, ticket: Ticket, events: list[Event]):
        super().__init__(ticket.number)
        self.ticket = ticket
        self.events = events


def _side(actor) -> str:
    return STAFF if actor.is_staff else CLIENT


def require_view(actor, ticket) -> None:
    if not can_view_ticket(actor, ticket):
        raise Forbidden()


def require_staff(actor) -> None:
    if not can_work_tickets(actor):
        raise Forbidden()


def record(ticket: Ticket, actor, field: str, old=None, new=None, version: int | None = None) -> None:
    """An Event for one change; its version is the one the pending UPDATE of the ticket will give it."""
    db.session.add(Event(ticket_id=ticket.id, actor_id=actor.id if actor else None, field=field,
                         old_value=None if old is None else str(old), new_value=None if new is None else str(new),
                         ticket_version=version or (ticket.version or 0) + 1))


def record_detail(ticket: Ticket, actor, field: str, old=None, new=None) -> None:
    """An event for a change of a kind's details table (a problem's root cause, a change's plan);
    the ticket is touched too, so that its version moves with the event."""
    record(ticket, actor, field, old, new)
    ticket.last_activity_at = timeutil.utcnow()


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    """Refuse to overwrite: if fields changed since the caller's version, raise Conflict.
    (New messages also bump the version, but overwrite nothing, so they pass.)"""
    if expected_version is None or int(expected_version) == ticket.version:
        return
    since = list(db.session.scalars(sa.select(Event).where(
        Event.ticket_id == ticket.id, Event.ticket_version > int(expected_version)).order_by(Event.id)))
    if since:
        raise Conflict(ticket, since)


def check_uploads(uploads, errors: dict) -> list[tuple[Upload, str]]:
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, attachments.sniff(upload)))
        except ValueError as problem:
            errors.setdefault("attachments", []).append(str(problem))
    return checked


def _attach(ticket: Ticket, message: Message | None, checked, actor) -> None:
    for upload, media_type in checked:
        digest = attachments.store(upload.data)
        db.session.add(Attachment(ticket=ticket, message=message, filename=attachments.stored_name(upload.filename,
                                                                                                  media_type),
                                  content_type=media_type, size=len(upload.data), sha256=digest,
                                  uploaded_by_id=actor.id if actor else None))


def _check_title(title: str, errors: dict) -> str:
    title = " ".join((title or "").split())
    if has_control_chars(title):
        errors["title"] = [_("Please write this on one line, without control characters.")]
    elif len(title) < 3:
        errors["title"] = [_("Please give a short title that says what is wrong.")]
    elif len(title) > 200:
        errors["title"] = [_("The title must be at most 200 characters.")]
    return title


def _check_level(name: str, value, errors: dict) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if value not in (1, 2, 3):
        errors[name] = [_("Choose high, medium or low.")]
    return value


def _check_assignment(organization, team, assignee, errors: dict) -> None:
    if team is not None and not team.active:
        errors["team"] = [_("This team is no longer active.")]
    if assignee is not None and (not assignee.is_staff or not assignee.active):
        errors["assignee"] = [_("Tickets can only be assigned to active staff.")]


@transactional
def create_ticket(actor, *, kind: str, title: str, description: str = "", organization=None, requester=None,
                  impact=2, urgency=2, category: str = "", affected_system: str = "", team=None, assignee=None,
                  via: str = "web", uploads=(), watchers=(), major: bool = False, request_item=None,
                  request_data: dict | None = None, arrival: dict | None = None) -> Ticket:
    """``arrival``: what the door knows of how the ticket came, for routing (doors.py)."""
    errors: dict[str, list[str]] = {}
    title = _check_title(title, errors)
    if kind not in set(Kind):
        errors["kind"] = [_("Unknown kind of ticket.")]
    elif actor.is_client and kind not in CLIENT_KINDS:
        errors["kind"] = [_("Clients open incidents and service requests.")]
    impact, urgency = _check_level("impact", impact, errors), _check_level("urgency", urgency, errors)
    if actor.is_client and impact not in (0, CLIENT_IMPACT):  # the same rule as the portal's form
        errors["impact"] = [_("Say how urgent it is; the impact is for your provider to judge.")]
    if actor.is_client:
        organization, requester, team, assignee, major = actor.organization, actor, None, None, False
    elif organization is None:
        errors["organization"] = [_("Choose the client organization.")]
    elif not organization.active:
        errors["organization"] = [_("This organization is no longer active.")]
    if requester is not None and organization is not None and requester.organization_id != organization.id:
        errors["requester"] = [_("The requester must be a contact of the organization.")]
    _check_assignment(organization, team, assignee, errors)
    checked = check_uploads(uploads, errors)
    if errors:
        raise ValidationError(errors)

    flow = workflow(kind)
    status = "awaiting_approval" if request_item is not None and request_item.needs_approval else flow.initial
    now = timeutil.utcnow()
    ticket = Ticket(
        kind=kind, number=next_number(kind), title=title, description=content.to_html(description),
        status=status, is_open=flow.is_open(status), impact=impact, urgency=urgency,
        priority=priority_for(impact, urgency, current_app.config.get("PRIORITY_MATRIX")),
        category=(category or "").strip(), affected_system=(affected_system or "").strip(),
        organization=organization, requester=requester, created_by=actor, team=team, assignee=assignee,
        via=via, major=bool(major), last_activity_at=now, request_item=request_item,
        request_data=request_data or {}, approval_status="pending" if status == "awaiting_approval" else None,
        watchers=[w for w in watchers if w is not None],
    )
    doors.ticket_routing.send(ticket, actor=actor, arrival=arrival or {})  # team, assignee, priority, watchers: before the insert
    db.session.add(ticket)
    db.session.flush()
    record(ticket, actor, "created", None, ticket.number, version=ticket.version)
    _attach(ticket, None, checked, actor)
    search.index_new(ticket)  # no message yet: title and description are the whole document
    doors.ticket_created.send(ticket, actor=actor)
    return ticket


def _add_message(actor, ticket: Ticket, body: str, uploads, *, internal: bool, via: str) -> Message:
    errors: dict[str, list[str]] = {}
    html = content.to_html(body)
    if not content.to_text(html) and not uploads:
        errors["body"] = [_("Please write a message.")]
    checked = check_uploads(uploads, errors)
    if errors:
        raise ValidationError(errors)
    text = content.to_text(html)
    message = Message(ticket=ticket, author_id=actor.id if actor else None, internal=internal, body_html=html,
                      body_text=text, via=via, created_at=timeutil.utcnow())
    db.session.add(message)
    db.session.flush()
    _attach(ticket, message, checked, actor)
    ticket.last_activity_at = message.created_at
    doors.message_posted.send(message, actor=actor)
    return message


@transactional
def reply(actor, ticket: Ticket, body: str, uploads=(), via: str = "web") -> Message:
    """A public message. A client's answer wakes a ticket that waited for them."""
    require_view(actor, ticket)
    if ticket.status == "closed" or ticket.merged_into_id:
        raise ValidationError.single("body", _("This ticket is closed. Reopen it or open a new ticket."))
    message = _add_message(actor, ticket, body, uploads, internal=False, via=via)
    if actor.is_client and ticket.status in ("pending", "resolved"):
        set_status(actor, ticket, "open")
    if actor.is_staff and ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
    if actor.is_staff and ticket.status == "new":
        set_status(actor, ticket, "open")  # someone is on it
    search.reindex_ticket(ticket)
    return message


@transactional
def add_note(actor, ticket: Ticket, body: str, uploads=(), via: str = "web") -> Message:
    """An internal note: never shown to clients."""
    require_staff(actor)
    message = _add_message(actor, ticket, body, uploads, internal=True, via=via)
    search.reindex_ticket(ticket)
    return message


@transactional
def answer(actor, ticket: Ticket, body: str, uploads=(), *, internal: bool = False, then: str | None = None,
           resolution_code: str | None = None, resolution: str = "", via: str = "web") -> Message:
    """The agent's one reply box: a reply (or an internal note) and, in the same unit of work, the
    next status — "pending" (wait for the client) or "resolved", whose resolution is the one
    written beside the reply, else the reply itself. A refused step keeps the message unsent."""
    write = add_note if internal else reply
    message = write(actor, ticket, body, uploads, via=via)
    if then:
        transition(actor, ticket, then, resolution_code=resolution_code,
                   resolution=(resolution or "").strip() or message.body_text)
    return message


def set_status(actor, ticket: Ticket, status: str, side: str | None = None) -> None:
    """Move the status (the caller checked the step) and announce it."""
    old = ticket.status
    record(ticket, actor, "status", old, status)
    now = timeutil.utcnow()
    ticket.status = status
    ticket.is_open = workflow(ticket.kind).is_open(status)
    ticket.last_activity_at = now
    if status == "resolved":
        ticket.resolved_at = now
    elif status == "closed":
        ticket.closed_at = now
    elif ticket.is_open:
        ticket.resolved_at = ticket.closed_at = None
    doors.status_changed.send(ticket, actor=actor, old=old, new=status, side=side or (_side(actor) if actor else STAFF))


def reopen_deadline(ticket: Ticket):
    """Until when a client may reopen a resolved or closed ticket (None: it is not finished)."""
    finished = ticket.resolved_at or ticket.closed_at
    return finished + timedelta(days=current_app.config["REOPEN_DAYS"]) if finished else None


def reopen_refusal(actor, ticket: Ticket) -> str | None:
    """Why this actor may not reopen this finished ticket, or None."""
    if ticket.merged_into_id:
        return _("This ticket was merged into %(number)s; continue there.", number=ticket.merged_into.number)
    if ticket.approval_status in ("pending", "rejected"):
        return _("This request was not approved; please order it again.")
    deadline = reopen_deadline(ticket)
    if actor.is_client and deadline is not None and deadline < timeutil.utcnow():
        return _("This ticket was resolved more than %(days)d days ago; please open a new one.",
                 days=current_app.config["REOPEN_DAYS"])
    return None


def targets(ticket: Ticket) -> list[str]:
    """The statuses staff may move this ticket to with a status button."""
    return doors.kind_rules(ticket.kind).targets(ticket)


@transactional
def transition(actor, ticket: Ticket, status: str, *, resolution_code: str | None = None,
               resolution: str | None = None, expected_version: int | None = None, side: str | None = None) -> None:
    """Move a ticket to another status. ``side`` is for a kind's own services (the CAB's decision).
    Whether the caller may make this step is known before the version is compared: a refused
    caller learns nothing of what changed meanwhile."""
    require_view(actor, ticket)
    flow = workflow(ticket.kind)
    if status not in flow.statuses:
        raise ValidationError.single("status", _("Unknown status for this kind of ticket."))
    side = doors.kind_rules(ticket.kind).side(ticket, status, side or _side(actor))
    step = flow.find(ticket.status, status, side)
    if step is None:
        raise ValidationError.single("status", _("A ticket cannot go from “%(old)s” to “%(new)s”.",
                                                 old=STATUS_LABELS[ticket.status], new=STATUS_LABELS[status]))
    _check_version(ticket, expected_version)
    errors: dict[str, list[str]] = {}
    if "resolution_code" in step.requires and resolution_code not in RESOLUTION_CODES:
        errors["resolution_code"] = [_("Choose how the ticket was resolved.")]
    if "resolution" in step.requires and not (resolution or "").strip():
        errors["resolution"] = [_("Describe the resolution: the client will read it.")]
    refusal = reopen_refusal(actor, ticket) if status == "open" and ticket.status in ("resolved", "closed") else None
    if refusal:
        errors["status"] = [refusal]
    doors.status_changing.send(ticket, actor=actor, status=status, side=side, errors=errors)
    if errors:
        raise ValidationError(errors)
    if step.requires:
        if "resolution_code" in step.requires:
            record(ticket, actor, "resolution_code", ticket.resolution_code, resolution_code)
            ticket.resolution_code = resolution_code
        record(ticket, actor, "resolution", None, resolution.strip())
        ticket.resolution = resolution.strip()
    set_status(actor, ticket, status, side)


def _display(value) -> str | None:
    if value is None:
        return None
    return getattr(value, "name", None) or getattr(value, "number", None) or str(value)


UPDATABLE = ("title", "impact", "urgency", "category", "affected_system", "major", "team", "assignee")


@transactional
def update_ticket(actor, ticket: Ticket, *, expected_version: int | None = None, **changes) -> list[str]:
    """Change fields of a ticket (staff). Returns the names of the fields that changed.

    With ``expected_version`` (the version the caller read), a ticket changed in
    the meantime raises Conflict instead of being overwritten."""
    require_staff(actor)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    _check_version(ticket, expected_version)
    errors: dict[str, list[str]] = {}
    if "title" in changes:
        changes["title"] = _check_title(changes["title"], errors)
    for level in ("impact", "urgency"):
        if level in changes:
            changes[level] = _check_level(level, changes[level], errors)
    _check_assignment(ticket.organization, changes.get("team"), changes.get("assignee"), errors)
    if errors:
        raise ValidationError(errors)

    changed = []
    for name, new in changes.items():
        if isinstance(new, str):
            new = new.strip()
        old = getattr(ticket, name)
        if old == new:
            continue
        record(ticket, actor, name, _display(old), _display(new))
        setattr(ticket, name, new)
        changed.append(name)
        doors.field_changed.send(ticket, actor=actor, field=name, old=old, new=new)
    if {"impact", "urgency"} & set(changed):
        priority = priority_for(ticket.impact, ticket.urgency, current_app.config.get("PRIORITY_MATRIX"))
        if priority != ticket.priority:
            record(ticket, actor, "priority", f"P{ticket.priority}", f"P{priority}")
            old, ticket.priority = ticket.priority, priority
            changed.append("priority")
            doors.field_changed.send(ticket, actor=actor, field="priority", old=old, new=priority)
    if changed:
        ticket.last_activity_at = timeutil.utcnow()
        if "title" in changed:
            search.reindex_ticket(ticket)
    return changed


def assign(actor, ticket: Ticket, *, team=None, assignee=None, expected_version: int | None = None) -> list[str]:
    return update_ticket(actor, ticket, team=team, assignee=assignee, expected_version=expected_version)


@transactional
def take(actor, ticket: Ticket) -> list[str]:
    """"Assign to me": the agent becomes the assignee; a ticket without a team joins the agent's
    first team, so that it stays in a queue."""
    require_staff(actor)
    if not ticket.is_open:
        raise ValidationError.single("assignee", _("This ticket is no longer open."))
    team = ticket.team or next((t for t in getattr(actor, "teams", []) if t.active), None)
    return update_ticket(actor, ticket, team=team, assignee=actor)


@transactional
def record_approval(actor, ticket: Ticket, approve: bool, comment: str = "") -> None:
    """An approver's decision on a request waiting for it (who may decide is the caller's check)."""
    if ticket.status != "awaiting_approval":
        raise ValidationError.single("status", _("This request is not waiting for approval."))
    decision = "approved" if approve else "rejected"
    comment = (comment or "").strip()
    record(ticket, actor, "approval", "pending", f"{decision}: {comment}" if comment else decision)
    ticket.approval_status = decision
    if approve:
        set_status(actor, ticket, "new")
    else:
        ticket.resolution_code, ticket.resolution = "cancelled", comment or _("Rejected by the approver.")
        set_status(actor, ticket, "closed")


@transactional
def close_resolved(older_than_days: int) -> list[str]:
    """Close tickets resolved that long ago with no answer from the client since
    (a client's answer reopens a ticket, so "still resolved" means silence)."""
    limit = timeutil.utcnow() - timedelta(days=older_than_days)
    stale = db.session.scalars(sa.select(Ticket).where(Ticket.status == "resolved", Ticket.resolved_at < limit)
                               .order_by(Ticket.id).limit(1000)).all()
    for ticket in stale:
        set_status(None, ticket, "closed")
    return [t.number for t in stale]
