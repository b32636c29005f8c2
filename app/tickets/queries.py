"""Reads of tickets, always scoped by the reader: clients see their organization's
tickets and never an internal note; staff see everything."""
import base64
import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import validation
from app.auth.models import User
from app.auth.permissions import can_see_internal, scope_tickets
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.orgs.models import Organization, Team
from app.tickets import search
from app.tickets.models import (
    NO_DUE,
    Attachment,
    CannedResponse,
    Event,
    Link,
    Message,
    Ticket,
    Worklog,
    ticket_watchers,
)
from app.timeutil import UTCDateTime

VIEWS = ("mine", "my_teams", "unassigned", "open", "all")

# The nearest due time of a ticket (first response, else resolution), those without one last.
DUE = sa.type_coerce(sa.func.coalesce(Ticket.first_response_due, Ticket.resolution_due,
                                      sa.literal(NO_DUE, UTCDateTime)), UTCDateTime).label("sla_due")

SORTS = {
    # name: (columns, descending)
    "priority": ((Ticket.priority, Ticket.id), False),
    "updated": ((Ticket.last_activity_at, Ticket.id), True),
    "newest": ((Ticket.id,), True),
    "oldest": ((Ticket.id,), False),
    "due": ((DUE, Ticket.id), False),
}


def tickets_visible_to(user) -> sa.Select:
    return scope_tickets(sa.select(Ticket), user, Ticket, ticket_watchers)


def get_ticket(user, number: str) -> Ticket:
    """The ticket with this number, or 404 — the same 404 whether it does not
    exist or belongs to another organization."""
    ticket = db.session.scalar(tickets_visible_to(user).where(Ticket.number == (number or "").upper()).options(
        joinedload(Ticket.organization), joinedload(Ticket.requester), joinedload(Ticket.team),
        joinedload(Ticket.assignee)))
    if ticket is None:
        raise NotFound()
    return ticket


def find_ticket(user, number: str) -> Ticket | None:
    """Like get_ticket, but None instead of 404: for a number typed into a form."""
    return db.session.scalar(tickets_visible_to(user).where(Ticket.number == (number or "").strip().upper()))


TYPED_NUMBER_RE = re.compile(r"^(?:(INC|REQ|PRB|CHG)-?)?(\d{1,9})$")


def ticket_by_typed_number(user, typed: str) -> Ticket | None:
    """The ticket a person means by "INC-1042", "inc1042" or a bare "1042" (the first kind that has
    it, incidents first), if the user may see it; None for anything else."""
    match = TYPED_NUMBER_RE.match((typed or "").strip().upper())
    if match is None:
        return None
    prefix, digits = match.groups()
    for candidate in ([prefix] if prefix else ["INC", "REQ", "PRB", "CHG"]):
        ticket = find_ticket(user, f"{candidate}-{int(digits)}")
        if ticket is not None:
            return ticket
    return None


def linking_to(ticket: Ticket, kind: str):
    """A condition on Ticket: its link of ``kind`` points at ``ticket`` (a problem's incidents are
    those ``caused_by`` it). Written as ``id IN (the links' sources)``: joined to the links and
    ordered by id, SQLite walks every open ticket of a million instead (100 ms against 0.1)."""
    return Ticket.id.in_(sa.select(Link.source_id).where(Link.target_id == ticket.id, Link.kind == kind))


def other_open_tickets(user, ticket: Ticket, limit: int = 5) -> dict[str, list[Ticket]]:
    """The context of a ticket: the requester's other open tickets, and the organization's other
    open tickets besides those, most recently active first (ix_tickets_requester, ix_tickets_org_activity)."""
    base = tickets_visible_to(user).where(Ticket.id != ticket.id, Ticket.is_open.is_(True))
    mine = []
    if ticket.requester_id is not None:
        mine = list(db.session.scalars(base.where(Ticket.requester_id == ticket.requester_id)
                                       .order_by(Ticket.last_activity_at.desc()).limit(limit)))
    others = list(db.session.scalars(
        base.where(Ticket.organization_id == ticket.organization_id,
                   sa.or_(Ticket.requester_id.is_(None), Ticket.requester_id != ticket.requester_id)
                   if ticket.requester_id is not None else sa.true())
        .order_by(Ticket.last_activity_at.desc()).limit(limit)))
    return {"requester": mine, "organization": others}


def find_tickets(user, numbers, *, field_name: str) -> list[Ticket]:
    """The tickets with these numbers that the user may see; a number that names none is a
    ValidationError on ``field_name`` (a missing ticket and another organization's read alike)."""
    found = []
    for number in numbers:
        ticket = find_ticket(user, number)
        if ticket is None:
            raise ValidationError.single(field_name, _("There is no ticket %(number)s.", number=number))
        found.append(ticket)
    return found


def other_ticket(user, number: str, *, field_name: str = "target") -> Ticket:
    """The ticket whose number was typed into a form (to link or merge with); a number that names
    none the user may see is a ValidationError on ``field_name``."""
    return find_tickets(user, [number], field_name=field_name)[0]


def conversation(user, ticket: Ticket) -> tuple[list[Message], list[Attachment]]:
    """The messages the user may read, each with its files, and the files on the ticket itself:
    the files of both read in one statement (the ticket page and the portal's show both)."""
    stmt = (sa.select(Message).where(Message.ticket_id == ticket.id)
            .options(joinedload(Message.author)).order_by(Message.id))
    if not can_see_internal(user):
        stmt = stmt.where(Message.internal.is_(False))
    messages = list(db.session.scalars(stmt))
    by_message: dict[int | None, list[Attachment]] = {}
    for attachment in ticket_attachments(user, ticket):
        by_message.setdefault(attachment.message_id, []).append(attachment)
    for message in messages:
        set_committed_value(message, "attachments", by_message.get(message.id, []))
    return messages, by_message.get(None, [])


def messages_for(user, ticket: Ticket) -> list[Message]:
    """The messages the user may read, each with its files (conversation() without the ticket's own)."""
    return conversation(user, ticket)[0]


def events_of(ticket: Ticket) -> list[Event]:
    return list(db.session.scalars(sa.select(Event).where(Event.ticket_id == ticket.id)
                                   .options(joinedload(Event.actor)).order_by(Event.id)))


# What a client may learn of a ticket's history: the fields the portal shows them.
CLIENT_EVENT_FIELDS = frozenset({"created", "status", "title", "priority", "resolution", "rating", "merged_into"})


def events_visible_to(user, events) -> list[Event]:
    """The events of a history that ``user`` may read: staff every one; a client the public fields only."""
    if can_see_internal(user):
        return list(events)
    return [e for e in events if e.field in CLIENT_EVENT_FIELDS]


def ticket_attachments(user, ticket: Ticket) -> list[Attachment]:
    """Files on the ticket itself and on messages the user may read."""
    stmt = sa.select(Attachment).outerjoin(Message, Attachment.message_id == Message.id).where(
        Attachment.ticket_id == ticket.id)
    if not can_see_internal(user):
        stmt = stmt.where(sa.or_(Attachment.message_id.is_(None), Message.internal.is_(False)))
    return list(db.session.scalars(stmt.order_by(Attachment.id)))


def get_attachment(user, ticket: Ticket, attachment_id: int) -> Attachment:
    for attachment in ticket_attachments(user, ticket):
        if attachment.id == attachment_id:
            return attachment
    raise NotFound()


def links_of(ticket: Ticket) -> list[Link]:
    return list(db.session.scalars(sa.select(Link).where(
        sa.or_(Link.source_id == ticket.id, Link.target_id == ticket.id))
        .options(selectinload(Link.source), selectinload(Link.target)).order_by(Link.id)))


def minutes_logged(ticket: Ticket) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Worklog.minutes), 0))
                             .where(Worklog.ticket_id == ticket.id))


def worklog_of(ticket: Ticket) -> list[Worklog]:
    """The time logged on a ticket, in the order the work was done (staff read it; see permissions)."""
    return list(db.session.scalars(sa.select(Worklog).where(Worklog.ticket_id == ticket.id)
                                   .options(selectinload(Worklog.user)).order_by(Worklog.work_date, Worklog.id)))


# -- lists ---------------------------------------------------------------------------------

@dataclass
class TicketFilter:
    """The workspace's filters, as they come from a query string or the API."""

    view: str = "open"  # mine | my_teams | unassigned | open | all
    kind: str = ""
    status: str = ""
    priority: int | None = None
    organization_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    q: str = ""
    sort: str = "priority"
    team_ids: list[int] = field(default_factory=list)  # the viewer's teams, for view=my_teams


def default_sort(q: str, sort: str | None) -> str:
    """A search lists the newest matches first (cheap however many match); a queue, by priority."""
    if sort in SORTS:
        return sort
    return "newest" if (q or "").strip() else "priority"


def filtered(user, flt: TicketFilter, search_too: bool = True) -> sa.Select:
    stmt = tickets_visible_to(user)
    if flt.view == "mine":
        stmt = stmt.where(Ticket.assignee_id == user.id, Ticket.is_open.is_(True))
    elif flt.view == "my_teams":
        stmt = stmt.where(Ticket.team_id.in_(flt.team_ids or [-1]), Ticket.is_open.is_(True))
    elif flt.view == "unassigned":
        stmt = stmt.where(Ticket.assignee_id.is_(None), Ticket.is_open.is_(True))
    elif flt.view == "open":
        stmt = stmt.where(Ticket.is_open.is_(True))
    if flt.kind:
        stmt = stmt.where(Ticket.kind == flt.kind)
    if flt.status:
        stmt = stmt.where(Ticket.status == flt.status)
    if flt.priority:
        stmt = stmt.where(Ticket.priority == flt.priority)
    if flt.organization_id:
        stmt = stmt.where(Ticket.organization_id == flt.organization_id)
    if flt.team_id:
        stmt = stmt.where(Ticket.team_id == flt.team_id)
    if flt.assignee_id:
        stmt = stmt.where(Ticket.assignee_id == flt.assignee_id)
    if flt.q and search_too:
        matching = search.matching_ids(flt.q, include_internal=can_see_internal(user))
        if matching is not None:
            stmt = stmt.where(Ticket.id.in_(matching))
    return stmt


def encode_cursor(values) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, columns) -> tuple | None:
    """The values a cursor of this list holds, or None for anything that is not one
    (garbage, other columns, numbers the database cannot hold, times without a zone)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = []
        for column, value in zip(columns, raw, strict=True):
            if column.key in ("last_activity_at", "sla_due"):
                moment = datetime.fromisoformat(value)
                if not validation.moment_ok(moment) and moment != NO_DUE:  # (tickets without a due time)
                    return None
                values.append(moment)
            else:
                number = validation.int_or_none(value) if not isinstance(value, str) else None
                if number is None:
                    return None
                values.append(number)
        return tuple(values)
    except (ValueError, TypeError, RecursionError):
        return None


@dataclass
class Page:
    items: list[Ticket]
    next_cursor: str | None


def _page_statement(user, flt: TicketFilter, cursor: str | None, size: int) -> tuple[sa.Select, tuple]:
    """The statement of one page (size + 1 rows, the filter's order, after the cursor) and the
    columns its cursor is made of."""
    columns, descending = SORTS.get(flt.sort, SORTS["priority"])
    by_id = flt.q and flt.sort in ("newest", "oldest")
    stmt = filtered(user, flt, search_too=not by_id)
    if by_id:  # walk the full-text index in id order (see search.newest_matching)
        stmt, id_column = search.newest_matching(stmt, flt.q, include_internal=can_see_internal(user))
        columns = (id_column,)
    if cursor:
        after = decode_cursor(cursor, columns)
        if after is not None:
            typed = [sa.bindparam(None, v, type_=c.type) for c, v in zip(columns, after, strict=True)]
            key = sa.tuple_(*columns) if len(columns) > 1 else columns[0]
            value = sa.tuple_(*typed) if len(columns) > 1 else typed[0]
            stmt = stmt.where(key < value if descending else key > value)
    order = [c.desc() for c in columns] if descending else list(columns)
    return stmt.order_by(*order).limit(size + 1), columns


def _cursor_after(last, columns) -> str:
    return encode_cursor([last.id if c.key in ("rowid", "ticket_id") else getattr(last, c.key) for c in columns])


def page_of(user, flt: TicketFilter, cursor: str | None = None, size: int = 50, with_text: bool = True) -> Page:
    """One page of tickets in the filter's sort order, by seek (keyset) pagination:
    a page deep in the list costs the same as the first."""
    stmt, columns = _page_statement(user, flt, cursor, size)
    stmt = stmt.options(
        joinedload(Ticket.organization), joinedload(Ticket.assignee), joinedload(Ticket.team),
        joinedload(Ticket.requester))
    if not with_text:  # a list shows titles only: leave the long texts in the database
        stmt = stmt.options(defer(Ticket.description), defer(Ticket.resolution), defer(Ticket.request_data))
    rows = list(db.session.scalars(stmt))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor_after(rows[-1], columns) if more and rows else None)


@functools.cache
def _list_columns():
    """The list's columns and the two aliases of users they read (made once, after every
    model is mapped)."""
    requester, assignee = aliased(User), aliased(User)
    columns = (Ticket.id, Ticket.number, Ticket.priority, Ticket.major, Ticket.title, Ticket.status,
               Ticket.created_at, Ticket.last_activity_at, requester.name.label("requester_name"),
               Organization.name.label("organization_name"), Organization.code.label("organization_code"),
               Team.name.label("team_name"), assignee.name.label("assignee_name"))
    return columns, requester, assignee


def list_rows(user, flt: TicketFilter, cursor: str | None = None, size: int = 50) -> Page:
    """``page_of`` for the workspace's list: the same tickets (the same scoping, filter, order
    and cursor), as rows of just the columns the list shows — no ORM objects (issue 18)."""
    stmt, columns = _page_statement(user, flt, cursor, size)
    shown, requester, assignee = _list_columns()
    extra = [c for c in columns if c.key == "sla_due"]
    stmt = (stmt.with_only_columns(*shown, *extra, maintain_column_froms=True)
            .outerjoin(requester, requester.id == Ticket.requester_id)
            .outerjoin(Organization, Organization.id == Ticket.organization_id)
            .outerjoin(Team, Team.id == Ticket.team_id)
            .outerjoin(assignee, assignee.id == Ticket.assignee_id))
    rows = db.session.execute(stmt).all()
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, _cursor_after(rows[-1], columns) if more and rows else None)


def count(user, flt: TicketFilter) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(filtered(user, flt).subquery()))


def canned_responses() -> list[CannedResponse]:
    """Every canned response, those in use first (for the managers who keep them)."""
    return list(db.session.scalars(sa.select(CannedResponse).order_by(CannedResponse.active.desc(),
                                                                     CannedResponse.title)))


def get_canned_response(response_id: int) -> CannedResponse:
    response = db.session.get(CannedResponse, response_id)
    if response is None:
        raise NotFound()
    return response
