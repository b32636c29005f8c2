"""What the portal reads: the contact's tickets, similar open ones, recent activity."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from app import timeutil
from app.auth.models import User
from app.extensions import db
from app.portal.models import PortalCategory
from app.tickets import search
from app.tickets.content import to_text
from app.tickets.models import Event, Message, Ticket
from app.tickets.queries import decode_cursor, encode_cursor, tickets_visible_to
from app.tickets.similar import MIN_SCORE, score, words

STATES = ("open", "closed", "all")
CANDIDATES = 300  # an organization's open tickets, at most, compared with a new one




def open_tickets(user, limit: int = 100) -> list[Ticket]:
    stmt = tickets_visible_to(user).where(Ticket.is_open.is_(True)).order_by(
        Ticket.last_activity_at.desc(), Ticket.id.desc()).limit(limit)
    return list(db.session.scalars(stmt.options(defer(Ticket.description), selectinload(Ticket.requester))))


def needs_answer(user, limit: int = 20) -> list[Ticket]:
    """Tickets waiting for the client's answer (status "pending"), oldest wait first."""
    return list(db.session.scalars(tickets_visible_to(user).where(Ticket.status == "pending")
                                   .order_by(Ticket.last_activity_at).limit(limit)
                                   .options(defer(Ticket.description), selectinload(Ticket.requester))))


RATE_DAYS = 30


def to_rate(user, limit: int = 10) -> list[Ticket]:
    """Resolved or closed tickets of the last month nobody has rated yet, the contact's own first.
    A ticket's last activity is never older than its resolution (set_status moves both), so the
    organization's closed tickets active since then are walked on ix_tickets_org_activity
    instead of every organization's resolutions of the month."""
    since = timeutil.utcnow() - timedelta(days=RATE_DAYS)
    return list(db.session.scalars(
        tickets_visible_to(user).where(Ticket.is_open.is_(False), Ticket.last_activity_at >= since,
                                       Ticket.status.in_(("resolved", "closed")), Ticket.resolved_at >= since,
                                       Ticket.rating.is_(None), Ticket.merged_into_id.is_(None))
        .order_by((Ticket.requester_id == user.id).desc(), Ticket.resolved_at.desc()).limit(limit)
        .options(defer(Ticket.description), selectinload(Ticket.requester))))


def ticket_list(user, state: str, q: str = "", limit: int = 50, cursor: str | None = None):
    """The contact's tickets, the most recently active first, with a search over titles and
    public text; one page and the cursor of the next. Each state walks an index of the
    organization's tickets in activity order (ix_tickets_org_recent, ix_tickets_org_activity)."""
    stmt = tickets_visible_to(user)
    if state == "open":
        stmt = stmt.where(Ticket.is_open.is_(True))
    elif state == "closed":
        stmt = stmt.where(Ticket.is_open.is_(False))
    if q.strip():
        matching = search.matching_ids(q, include_internal=False)
        if matching is not None:
            stmt = stmt.where(Ticket.id.in_(matching))
    columns = (Ticket.last_activity_at, Ticket.id)
    after = decode_cursor(cursor, columns) if cursor else None
    if after is not None:
        stmt = stmt.where(sa.tuple_(*columns) < sa.tuple_(*(sa.bindparam(None, v, type_=c.type)
                                                             for c, v in zip(columns, after, strict=True))))
    rows = list(db.session.scalars(stmt.order_by(Ticket.last_activity_at.desc(), Ticket.id.desc()).limit(limit + 1)
                                   .options(defer(Ticket.description), selectinload(Ticket.requester))))
    last = rows[limit - 1] if len(rows) > limit else None
    return rows[:limit], (encode_cursor([last.last_activity_at, last.id]) if last else None)


def similar_open(user, title: str, description: str = "", limit: int = 5) -> list[Ticket]:
    """Open tickets of the contact's organization that look like the one being written:
    most shared words first, words of the title counting double. An organization has
    few open tickets, so they are compared here rather than ranked across the whole index."""
    wanted_title, wanted = words(title), words(f"{title}\n{description}")
    if not wanted:
        return []
    candidates = db.session.execute(tickets_visible_to(user).with_only_columns(Ticket.id, Ticket.title, Ticket.description)
                                    .where(Ticket.is_open.is_(True)).order_by(Ticket.id.desc()).limit(CANDIDATES))
    scored = []
    for ticket_id, other_title, description_html in candidates:
        points = score(wanted_title, wanted, other_title, to_text(description_html))
        if points >= MIN_SCORE:
            scored.append((points, ticket_id))
    best = [ticket_id for _, ticket_id in sorted(scored, reverse=True)[:limit]]
    tickets = {t.id: t for t in db.session.scalars(sa.select(Ticket).where(Ticket.id.in_(best)))}
    return [tickets[ticket_id] for ticket_id in best]


def recent_activity(user, limit: int = 8) -> list[tuple]:
    """The newest public messages and status changes on the contact's tickets."""
    visible = tickets_visible_to(user).with_only_columns(Ticket.id).order_by(
        Ticket.last_activity_at.desc()).limit(30).scalar_subquery()
    messages = db.session.scalars(sa.select(Message).where(Message.ticket_id.in_(visible), Message.internal.is_(False))
                                  .options(selectinload(Message.author), selectinload(Message.ticket))
                                  .order_by(Message.id.desc()).limit(limit))
    events = db.session.scalars(sa.select(Event).where(Event.ticket_id.in_(visible), Event.field == "status")
                                .options(selectinload(Event.actor)).order_by(Event.id.desc()).limit(limit))
    events = list(events)
    numbers = dict(db.session.execute(sa.select(Ticket.id, Ticket.number).where(
        Ticket.id.in_({e.ticket_id for e in events}))).all()) if events else {}
    items = [(m.created_at, "message", m, m.ticket.number) for m in messages]
    items += [(e.created_at, "status", e, numbers.get(e.ticket_id)) for e in events]
    return sorted(items, key=lambda item: item[0], reverse=True)[:limit]


def colleagues(user) -> list[User]:
    """The contacts of the user's organization, active first."""
    return list(db.session.scalars(sa.select(User).where(User.organization_id == user.organization_id)
                                   .order_by(User.active.desc(), User.name)))


def category_rows() -> dict[str, PortalCategory]:
    """The admins' settings of the new-ticket form's categories, by key."""
    return {row.key: row for row in db.session.scalars(sa.select(PortalCategory))}


def category_row(key: str | None) -> PortalCategory | None:
    """The admins' setting of one category (None: the shipped default, or a new category)."""
    return db.session.scalar(sa.select(PortalCategory).where(PortalCategory.key == key)) if key else None
