"""What an incident follows beyond its workflow table, answered at the ticket core's doors
(app/tickets/doors.py), so that the core knows nothing of major incidents:

- the major flag, however it moves (declared here with a reason, or the agent's form, the API's
  PATCH, a new ticket marked major), is an event with who (``MajorDeclaration``) and starts the
  clock of the next public update (``ticket_created``, ``field_changed``);
- a major incident that is resolved or closed opens its review and stops the update clock
  (``status_changed``);
- an incident linked as the child of a major incident is told nothing here: its requester hears
  from the public updates (``app.incidents.jobs``) and from the resolution;
- the workspace's banner of open major incidents (``register_banner``), and the incident's panel
  on the ticket page (``register_panel``)."""
from app.i18n import lazy_gettext as _l
from app.incidents import pages, queries, services
from app.tickets import doors
from app.tickets.pages import register_banner, register_panel
from app.tickets.workflow import Kind, add_event_labels

EVENT_LABELS = {
    "incident_manager": _l("incident manager"), "engineers": _l("engineers on it"),
    "status_update": _l("status update"), "review": _l("post-incident review"), "problem": _l("problem"),
    "public_summary": _l("what clients read as affected"), "provider_wide": _l("on the public status page"),
}


class IncidentRules(doors.KindRules):
    """An incident's steps are the workflow table's; declared so that the kinds read alike."""


def on_created(ticket, *, actor) -> None:
    if ticket.kind == Kind.INCIDENT and ticket.major:
        services.record_declaration(ticket, actor, True, "")


def on_field(ticket, *, actor, field: str, old, new) -> None:
    if ticket.kind == Kind.INCIDENT and field == "major" and bool(old) != bool(new):
        services.record_declaration(ticket, actor, bool(new), "")


def on_status(ticket, *, actor, old: str, new: str, side: str) -> None:
    if ticket.kind == Kind.INCIDENT and ticket.major and not ticket.is_open:
        services.open_review(ticket)


def init_app(app) -> None:
    doors.register_kind_rules(Kind.INCIDENT, IncidentRules())
    doors.ticket_created.connect(on_created)
    doors.field_changed.connect(on_field)
    doors.status_changed.connect(on_status)
    add_event_labels(EVENT_LABELS)
    register_banner("incidents/_banner.html", queries.major_banner)
    register_panel("incidents/_on_ticket.html", pages.panel_context)
