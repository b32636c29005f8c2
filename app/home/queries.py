"""What the home pages count: each a small query on an existing index of the tickets table
(team and assignee queues, open by priority, status and resolution time, the rating time)."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app import timeutil
from app.auth.models import User
from app.auth.roles import CLIENT_ROLES
from app.extensions import db
from app.orgs.models import Team
from app.tickets.models import Message, Ticket, ticket_watchers

NEWS_DAYS = 3
RATINGS_DAYS = 7


def my_open_by_status(user) -> dict[str, int]:
    """The agent's open tickets per status (ix_tickets_assignee_queue)."""
    return dict(db.session.execute(
        sa.select(Ticket.status, sa.func.count()).where(Ticket.assignee_id == user.id, Ticket.is_open.is_(True))
        .group_by(Ticket.status)).all())


def unassigned_in_teams(team_ids) -> dict[int, int]:
    """Open tickets nobody has taken, per team (from ix_tickets_open_team alone)."""
    if not team_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Ticket.team_id, sa.func.count()).where(Ticket.team_id.in_(team_ids), Ticket.is_open.is_(True),
                                                         Ticket.assignee_id.is_(None))
        .group_by(Ticket.team_id)).all())


def client_answered(user, limit: int = 10) -> list[Ticket]:
    """The agent's open tickets whose last public message is the client's: they wait for us."""
    last = (sa.select(sa.func.max(Message.id)).where(Message.ticket_id == Ticket.id, Message.internal.is_(False))
            .correlate(Ticket).scalar_subquery())
    author_role = (sa.select(User.role).join(Message, Message.author_id == User.id).where(Message.id == last)
                   .scalar_subquery())
    # The agent's open tickets come from ix_tickets_assignee_queue (as a subquery: by itself SQLite
    # walks every open ticket in activity order to spare a sort, and asks each the last author).
    mine = sa.select(Ticket.id).where(Ticket.assignee_id == user.id, Ticket.is_open.is_(True))
    return list(db.session.scalars(
        sa.select(Ticket).where(Ticket.id.in_(mine), author_role.in_([r.value for r in CLIENT_ROLES]))
        .order_by(Ticket.last_activity_at).limit(limit)))


def followed_with_news(user, limit: int = 10) -> list[Ticket]:
    """Tickets the user follows that moved in the last days, the latest first."""
    since = timeutil.utcnow() - timedelta(days=NEWS_DAYS)
    return list(db.session.scalars(
        sa.select(Ticket).join(ticket_watchers, ticket_watchers.c.ticket_id == Ticket.id)
        .where(ticket_watchers.c.user_id == user.id, Ticket.last_activity_at >= since)
        .order_by(Ticket.last_activity_at.desc()).limit(limit)))


def backlog() -> tuple[list, dict]:
    """Open tickets per team and priority (ix_tickets_team_queue): the teams (None: no team) and
    {(team_id, priority): count}."""
    rows = db.session.execute(sa.select(Ticket.team_id, Ticket.priority, sa.func.count())
                              .where(Ticket.is_open.is_(True)).group_by(Ticket.team_id, Ticket.priority)).all()
    cells = {(team_id, priority): n for team_id, priority, n in rows}
    ids = {team_id for team_id, _ in cells if team_id is not None}
    teams = list(db.session.scalars(sa.select(Team).where(Team.id.in_(ids)).order_by(Team.name))) if ids else []
    return teams + ([None] if any(team_id is None for team_id, _ in cells) else []), cells


def unassigned_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)
                             .where(Ticket.is_open.is_(True), Ticket.assignee_id.is_(None)))


def oldest_open(limit: int = 5) -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket).where(Ticket.is_open.is_(True)).order_by(Ticket.id)
                                   .options(joinedload(Ticket.organization)).limit(limit)))


def recent_ratings(limit: int = 10) -> list[Ticket]:
    """Last week's ratings, the lowest first (ix_tickets_rated_at)."""
    since = timeutil.utcnow() - timedelta(days=RATINGS_DAYS)
    return list(db.session.scalars(sa.select(Ticket).where(Ticket.rated_at >= since)
                                   .order_by(Ticket.rating, Ticket.rated_at.desc())
                                   .options(joinedload(Ticket.organization)).limit(limit)))
