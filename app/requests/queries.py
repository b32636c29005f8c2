"""Reads of the service catalog, scoped by the reader."""
import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.requests.models import RequestItem, request_item_organizations
from app.tickets.models import Ticket
from app.tickets.queries import tickets_visible_to


def items_for(user) -> sa.Select:
    """Active items the user may order: staff see all; a client those offered to everyone or to their organization."""
    stmt = sa.select(RequestItem).where(RequestItem.active.is_(True)).order_by(RequestItem.name)
    if user.is_staff:
        return stmt
    offered = sa.select(request_item_organizations.c.request_item_id)
    mine = offered.where(request_item_organizations.c.organization_id == user.organization_id)
    return stmt.where(sa.or_(RequestItem.id.not_in(offered), RequestItem.id.in_(mine)))


def get_item(user, item_id: int) -> RequestItem:
    item = db.session.scalar(items_for(user).where(RequestItem.id == item_id))
    if item is None:
        raise NotFound()
    return item


def offered_to(user) -> list[RequestItem]:
    """The items the user may order, by name."""
    return list(db.session.scalars(items_for(user)))


def catalog() -> list[RequestItem]:
    """Every item, those offered first (staff's catalog page)."""
    return list(db.session.scalars(sa.select(RequestItem).order_by(RequestItem.active.desc(), RequestItem.name)))


def catalog_item(item_id: int) -> RequestItem:
    """Any item of the catalog, offered or not (staff: to edit it, or to order it for a client)."""
    item = db.session.get(RequestItem, item_id)
    if item is None:
        raise NotFound()
    return item


def awaiting_approval(user) -> list[Ticket]:
    """The requests the user sees that wait for a client admin's approval, oldest first."""
    return list(db.session.scalars(tickets_visible_to(user).where(
        Ticket.kind == "request", Ticket.status == "awaiting_approval").order_by(Ticket.id)))
