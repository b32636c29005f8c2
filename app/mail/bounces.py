"""Addresses our mail bounced from: flagged when a bounce of a ticket's mail arrives, shown to the
agents on the ticket page ("Mail to x@y bounced on …"), cleared by the next mail from the address."""
import re

import sqlalchemy as sa

from app import timeutil
from app.auth.models import User
from app.extensions import db
from app.mail.models import BouncedAddress
from app.tickets.models import ticket_watchers
from app.tickets.pages import register_panel

_FINAL_RECIPIENT = re.compile(r"^final-recipient:\s*(?:rfc822\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?", re.I | re.M)


def bounced_address(detail: str) -> str | None:
    """The Final-Recipient of a delivery report's text (parse.ParsedMail.bounce_detail). PURE."""
    match = _FINAL_RECIPIENT.search(detail or "")
    return match.group(1).lower() if match else None


def flag(address: str, detail: str, ticket_id: int | None) -> None:
    """Inside the gateway's unit of work: the address bounced now (again, if it had before)."""
    address = address.strip().lower()[:254]
    row = db.session.scalar(sa.select(BouncedAddress).where(BouncedAddress.address == address))
    if row is None:
        row = BouncedAddress(address=address)
        db.session.add(row)
    row.bounced_at, row.detail, row.ticket_id, row.cleared_at = timeutil.utcnow(), detail[:500], ticket_id, None


def clear(addresses) -> None:
    """Mail came from these addresses: they work again."""
    wanted = sorted({address.strip().lower() for address in addresses if address})
    if wanted:
        db.session.execute(sa.update(BouncedAddress).where(
            BouncedAddress.address.in_(wanted), BouncedAddress.cleared_at.is_(None)).values(
            cleared_at=timeutil.utcnow()))


def bounced(addresses) -> list[BouncedAddress]:
    """The flagged ones among these addresses, in their order."""
    wanted = [address.lower() for address in addresses if address]
    if not wanted:
        return []
    rows = {row.address: row for row in db.session.scalars(sa.select(BouncedAddress).where(
        BouncedAddress.address.in_(wanted), BouncedAddress.cleared_at.is_(None)))}
    return [rows[address] for address in dict.fromkeys(wanted) if address in rows]


def panel_context(ticket) -> dict:
    """On the agent's ticket page: the requester's and the followers' addresses that bounced, the
    requester's first (one statement: the followers are not loaded for it)."""
    followers = sa.select(ticket_watchers.c.user_id).where(ticket_watchers.c.ticket_id == ticket.id)
    people = sa.select(sa.func.lower(User.email)).where(sa.or_(User.id == ticket.requester_id, User.id.in_(followers)))
    rows = db.session.scalars(sa.select(BouncedAddress).where(
        BouncedAddress.address.in_(people), BouncedAddress.cleared_at.is_(None)).order_by(BouncedAddress.address))
    requester = ticket.requester.email.lower() if ticket.requester else None
    return {"mail_bounces": sorted(rows, key=lambda row: row.address != requester)}


def init_app(app) -> None:
    register_panel("mail/_on_ticket.html", panel_context)
