"""Reads of the service catalog, scoped by the reader."""
import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.requests.models import RequestItem, request_item_organizations


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
