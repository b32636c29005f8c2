"""Reads about problems: their incidents, and the known errors an incident may match."""
import sqlalchemy as sa

from app.extensions import db
from app.problems.models import ProblemDetail
from app.tickets.models import Ticket
from app.tickets.queries import linking_to
from app.tickets.workflow import Kind


def incidents_of(problem: Ticket) -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket).where(
        linking_to(problem, "caused_by")).order_by(Ticket.id)))


def open_problems_fixed_by(change: Ticket) -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket).where(
        linking_to(change, "fixed_by"), Ticket.kind == Kind.PROBLEM,
        Ticket.is_open.is_(True)).order_by(Ticket.id)))


def known_errors_for(ticket: Ticket) -> list[tuple[Ticket, ProblemDetail]]:
    """Open known errors of the incident's category or affected system (the CI, until the CMDB lands)."""
    if ticket.kind != Kind.INCIDENT or not ticket.is_open:
        return []
    same = []
    if ticket.category:
        same.append(Ticket.category == ticket.category)
    if ticket.affected_system:
        same.append(Ticket.affected_system == ticket.affected_system)
    if not same:
        return []
    rows = db.session.execute(sa.select(Ticket, ProblemDetail).join(ProblemDetail, ProblemDetail.ticket_id == Ticket.id)
                              .where(Ticket.kind == Kind.PROBLEM, Ticket.is_open.is_(True),
                                     ProblemDetail.known_error.is_(True), sa.or_(*same)).order_by(Ticket.id).limit(5))
    return [tuple(row) for row in rows]
