"""What hangs on a ticket beside its conversation and status: links to other
tickets, merging a duplicate, followers, the time agents spent and the client's
rating. Part of the ticket core's write path (see services.py): each call
validates, records its events and announces them inside one unit of work."""
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app import timeutil
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.tickets import content, doors, search
from app.tickets.models import Attachment, Link, Message, Ticket, Worklog
from app.tickets.services import record, require_staff, require_view, set_status
from app.tickets.workflow import LINK_KINDS
from app.transactions import transactional


@transactional
def link(actor, source: Ticket, target: Ticket, kind: str) -> Link:
    require_staff(actor)
    return _link(actor, source, target, kind)


@transactional
def link_all(actor, sources, target: Ticket, kind: str) -> list[str]:
    """Link each of ``sources`` to ``target`` with ``kind``, skipping those already linked so;
    returns the numbers newly linked (a problem's incidents, a major incident's children)."""
    require_staff(actor)
    linked = set(db.session.scalars(sa.select(Link.source_id).where(Link.target_id == target.id, Link.kind == kind)))
    done = []
    for source in sources:
        if source.id not in linked:
            _link(actor, source, target, kind)
            linked.add(source.id)
            done.append(source.number)
    return done


@transactional
def relate(actor, ticket: Ticket, earlier: Ticket) -> Link:
    """A client's new ticket that continues an earlier one of theirs ("the same problem is back")."""
    require_view(actor, ticket)
    require_view(actor, earlier)
    return _link(actor, ticket, earlier, "related")


def _link(actor, source: Ticket, target: Ticket, kind: str) -> Link:
    if kind not in LINK_KINDS:
        raise ValidationError.single("kind", _("Unknown kind of link."))
    if source.id == target.id:
        raise ValidationError.single("target", _("A ticket cannot be linked to itself."))
    exists = db.session.scalar(sa.select(Link.id).where(
        Link.source_id == source.id, Link.target_id == target.id, Link.kind == kind))
    if exists:
        raise ValidationError.single("target", _("These tickets are already linked this way."))
    relation = Link(source=source, target=target, kind=kind, created_by_id=actor.id)
    db.session.add(relation)
    record(source, actor, "link", None, f"{kind} {target.number}")
    record(target, actor, "linked_from", None, f"{source.number} {kind}")
    source.last_activity_at = target.last_activity_at = timeutil.utcnow()
    db.session.flush()
    doors.tickets_linked.send(relation, actor=actor)
    return relation


@transactional
def unlink(actor, relation: Link) -> None:
    require_staff(actor)
    record(relation.source, actor, "link", f"{relation.kind} {relation.target.number}", None)
    record(relation.target, actor, "linked_from", f"{relation.source.number} {relation.kind}", None)
    db.session.delete(relation)


@transactional
def merge(actor, duplicate: Ticket, target: Ticket) -> Ticket:
    """Move a duplicate's conversation into the target and close it with a pointer. Returns the target."""
    require_staff(actor)
    if duplicate.id == target.id:
        raise ValidationError.single("target", _("A ticket cannot be merged into itself."))
    if duplicate.organization_id != target.organization_id:
        raise ValidationError.single("target", _("Only tickets of the same organization can be merged."))
    if duplicate.kind != target.kind:  # what a kind shows its readers differs: a problem's notes are not public
        raise ValidationError.single("target", _("Only tickets of the same kind can be merged."))
    if duplicate.merged_into_id or target.merged_into_id:
        raise ValidationError.single("target", _("One of these tickets has already been merged."))
    db.session.execute(sa.update(Message).where(Message.ticket_id == duplicate.id).values(ticket_id=target.id))
    db.session.execute(sa.update(Attachment).where(Attachment.ticket_id == duplicate.id).values(ticket_id=target.id))
    if duplicate.description:
        db.session.add(Message(ticket_id=target.id, author_id=duplicate.requester_id, internal=False,
                               body_html=duplicate.description, body_text=content.to_text(duplicate.description),
                               via="merge", created_at=duplicate.created_at))
    for watcher in duplicate.watchers:
        if watcher not in target.watchers:
            target.watchers.append(watcher)
    if duplicate.requester is not None and duplicate.requester != target.requester \
            and duplicate.requester not in target.watchers:
        target.watchers.append(duplicate.requester)
    linked = db.session.scalar(sa.select(Link.id).where(Link.source_id == duplicate.id, Link.target_id == target.id,
                                                        Link.kind == "duplicate_of"))
    if linked is None:
        db.session.add(Link(source=duplicate, target=target, kind="duplicate_of", created_by_id=actor.id))
    record(duplicate, actor, "merged_into", None, target.number)
    record(target, actor, "merged_from", None, duplicate.number)
    duplicate.merged_into = target
    if duplicate.is_open or duplicate.status == "resolved":
        set_status(actor, duplicate, "closed")
    target.last_activity_at = timeutil.utcnow()
    db.session.flush()
    db.session.expire(target, ["messages", "attachments"])
    search.reindex(duplicate.id, target.id)
    doors.tickets_merged.send(duplicate, actor=actor, target=target)
    return target


@transactional
def watch(actor, ticket: Ticket, user, watching: bool = True) -> None:
    """Add or remove a watcher: staff, or a contact of the ticket's organization."""
    require_view(actor, ticket)
    if actor.is_client and user.id != actor.id and user.organization_id != actor.organization_id:
        raise Forbidden()
    if not user.is_staff and user.organization_id != ticket.organization_id:
        raise ValidationError.single("watcher", _("Only staff and contacts of the organization can follow a ticket."))
    if watching and user not in ticket.watchers:
        ticket.watchers.append(user)
        record(ticket, actor, "watcher", None, user.name)
    elif not watching and user in ticket.watchers:
        ticket.watchers.remove(user)
        record(ticket, actor, "watcher", user.name, None)


@transactional
def log_time(actor, ticket: Ticket, *, minutes, billable: bool = True, note: str = "",
             work_date: date | None = None) -> Worklog:
    require_staff(actor)
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError.single("minutes", _("Give the time spent in minutes, between 1 and 1440."))
    entry = Worklog(ticket_id=ticket.id, user_id=actor.id, minutes=minutes, billable=bool(billable),
                    note=(note or "").strip()[:500], work_date=work_date or timeutil.utcnow().date())
    db.session.add(entry)
    record(ticket, actor, "time", None, str(minutes))
    return entry


@transactional
def rate(actor, ticket: Ticket, score, comment: str = "") -> None:
    """The client's 1–5 for a resolved or closed ticket, once."""
    if not actor.is_client or actor.organization_id != ticket.organization_id:
        raise Forbidden()
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    errors: dict[str, list[str]] = {}
    if ticket.status not in ("resolved", "closed") or ticket.merged_into_id:
        errors["rating"] = [_("A ticket can be rated once it is resolved.")]
    elif ticket.rating is not None:
        errors["rating"] = [_("This ticket has already been rated. Thank you!")]
    elif not 1 <= score <= 5:
        errors["rating"] = [_("Choose from 1 to 5 stars.")]
    if errors:
        raise ValidationError(errors)
    ticket.rating, ticket.rating_comment = score, (comment or "").strip()[:2000]
    ticket.rated_at, ticket.rated_by_id = timeutil.utcnow(), actor.id
    record(ticket, actor, "rating", None, f"{score}/5")
