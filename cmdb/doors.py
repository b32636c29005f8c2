"""The CMDB at the ticket core's doors (app/tickets/doors.py), and its panel on the ticket page.

``ticket_created``: the portal's "Which server or service?" puts the chosen CI's name in the
ticket's ``affected_system``; when that names exactly one live CI of the ticket's organization
(by name or hostname), the CI is linked (``manual``) in the same unit of work."""
import sqlalchemy as sa

from app.extensions import db
from app.tickets import doors
from app.tickets.pages import register_panel
from cmdb import links, pages
from cmdb.models import CI


def link_affected_system(ticket, *, actor) -> None:
    text = (ticket.affected_system or "").strip().lower()
    if not text or ticket.organization_id is None:
        return
    found = db.session.scalars(sa.select(CI).where(
        CI.organization_id == ticket.organization_id, CI.status != "retired",
        sa.or_(sa.func.lower(CI.name) == text, sa.func.lower(CI.hostname) == text)).limit(2)).all()
    if len(found) == 1:
        links.link_cis(actor, ticket, found)


def init_app(app) -> None:
    doors.ticket_created.connect(link_affected_system)
    register_panel("cmdb/_on_ticket.html", pages.panel_context)
