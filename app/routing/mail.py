"""The mail to a team about a new ticket in its queue (a job, run after the commit)."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.jobs import job
from app.mail import outbound
from app.tickets.models import Ticket
from app.tickets.numbering import subject_tag
from app.tickets.workflow import KIND_LABELS


@job
def team_notified(ticket_id: int) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.team is None or not ticket.team.email:
        return
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        subject = _("New ticket for %(team)s: %(title)s", team=ticket.team.name, title=ticket.title)
        message = outbound.build(
            ticket.team.email, f"{subject_tag(ticket.number)} {subject}", "routing/new_ticket", ticket=ticket,
            link=outbound.external_url("tickets.detail", number=ticket.number),
            kind_label=str(KIND_LABELS.get(ticket.kind, ticket.kind)))
    outbound.deliver(message, ticket=ticket, automatic=outbound.AUTO_GENERATED)
