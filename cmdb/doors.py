"""The CMDB at the ticket core's doors (app/tickets/doors.py), and its panel on the ticket page.

``ticket_created``: the portal's "Which server or service?" puts the chosen CI's name in the
ticket's ``affected_system``; when that names exactly one live CI of the ticket's organization
(by name or hostname), the CI is linked (``manual``) in the same unit of work. Routing asks,
before the insert, the classes of that CI and of the API's ``cis`` (its CI-class condition).

``status_changed``: a change entering submission gets the impact of its CIs recorded
(cmdb/kinds.py). The change calendar asks which CIs a change touches (app/changes/hooks.py).
The ticket page shows the CMDB panel, and beside a change, a problem or an incident what the
CMDB says of it (impact for the CAB; the problem's CIs; root-cause help; known errors by CI).
For a major incident, the organizations its failed CIs hit (queries.organizations_hit) are
registered with app/incidents/impact.py."""
from app.changes import hooks
from app.incidents import impact as incident_impact
from app.routing import engine as routing
from app.tickets import doors
from app.tickets.pages import register_panel
from cmdb import kinds, links, pages, queries


def link_affected_system(ticket, *, actor) -> None:
    ci = links.matching_ci(ticket)
    if ci is not None:
        links.link_cis(actor, ticket, [ci])


def init_app(app) -> None:
    doors.ticket_created.connect(link_affected_system)
    routing.register_ci_classes(links.classes_at_creation)
    doors.status_changed.connect(kinds.record_change_impact)
    register_panel("cmdb/_on_ticket.html", pages.panel_context)
    register_panel("cmdb/_on_kinds.html", kinds.panel_context)
    hooks.register_touches(kinds.touches)
    incident_impact.register(queries.organizations_hit)
