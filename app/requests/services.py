"""The service catalog's write path: items, orders and their approval."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import can_approve_request, is_admin
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.requests.models import RequestItem
from app.tickets import services as tickets
from app.transactions import transactional


@transactional
def save_item(actor, item: RequestItem | None, *, name: str, description: str = "", category: str = "",
              fields: list[dict], needs_approval: bool = False, team=None, organizations=(),
              active: bool = True) -> RequestItem:
    if not is_admin(actor):
        raise Forbidden()
    name = (name or "").strip()
    if not name:
        raise ValidationError.single("name", _("Please give a name."))
    clash = db.session.scalar(sa.select(RequestItem.id).where(RequestItem.name == name))
    if clash is not None and (item is None or clash != item.id):
        raise ValidationError.single("name", _("A catalog item with this name already exists."))
    if item is None:
        item = RequestItem()
        db.session.add(item)
    item.name, item.description, item.category = name, (description or "").strip(), (category or "").strip()
    item.fields, item.needs_approval, item.team, item.active = fields, bool(needs_approval), team, bool(active)
    item.organizations = list(organizations)
    return item


def order(actor, item: RequestItem, *, values: dict, organization=None, requester=None, note: str = "",
          via: str = "web"):
    """A service request for a catalog item: a ticket carrying the filled-in form."""
    if not item.active:
        raise ValidationError.single("item", _("This item can no longer be ordered."))
    org = actor.organization if actor.is_client else organization
    if org is not None and item.organizations and org not in item.organizations:
        raise ValidationError.single("item", _("This item is not offered to this organization."))
    title = item.name if not values else f"{item.name}: {next(iter(values.values()))}"[:200]
    return tickets.create_ticket(actor, kind="request", title=title, description=note, organization=org,
                                 requester=requester, team=item.team, category=item.category, via=via,
                                 request_item=item, request_data=values)


def decide(actor, ticket, approve: bool, comment: str = "") -> None:
    """The requester's client admin approves (work starts) or rejects (the request closes)."""
    if not can_approve_request(actor, ticket):
        raise Forbidden()
    if ticket.kind != "request":
        raise ValidationError.single("status", _("This request is not waiting for approval."))
    tickets.record_approval(actor, ticket, approve, comment)
