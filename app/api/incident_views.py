"""REST API v1: major incidents, their status updates, and the service status a client's
organization sees. Same blueprint and conventions as app/api/views.py; a client reads only what
affects their own organization."""
from flask import current_app

from app.api import incident_schemas as ins
from app.api.auth import api_user, require
from app.api.blueprint import STAFF_ONLY, bp
from app.api.bodies import dump, load_json
from app.api.spec import doc
from app.auth.permissions import can_work_tickets, is_staff
from app.i18n import lazy_gettext as _l
from app.incidents import queries as incident_queries
from app.incidents import services as incident_services
from app.tickets import queries


def _status(item, locale: str) -> dict:
    return {"kind": item.kind, "title": str(item.title), "affected": [str(a) for a in item.affected],
            "since": item.since, "ended": item.ended, "next_update_due": item.next_update_due,
            "updates": [{"body": u.body(locale), "created_at": u.created_at} for u in item.updates]}


def _major(ticket) -> dict:
    detail = ticket.incident_detail
    return {"number": ticket.number, "title": ticket.title, "priority": ticket.priority, "status": ticket.status,
            "organization": ticket.organization, "declared_at": detail.declared_at if detail else None,
            "next_update_due": detail.next_update_due if detail else None,
            "manager": detail.manager if detail else None, "affected": incident_queries.affected_of(ticket),
            "children": [c.number for c in incident_queries.children_of(ticket)],
            "updates": incident_queries.updates_of(ticket)}


@bp.get("/incidents/major")
@doc(_l("Open major incidents: staff get the incidents, a client what affects their organization"),
     tag="incidents", out=[ins.ClientMajorListOut, ins.StaffMajorListOut])
def list_major_incidents():
    user = api_user()
    if is_staff(user):
        rows = [row.ticket for row in incident_queries.open_incidents() if row.ticket.major]
        return dump(ins.StaffMajorListOut(), {"items": [_major(t) for t in rows]})
    items = [_status(item, user.locale or current_app.config["DEFAULT_LOCALE"])
             for item in incident_queries.service_status(user) if item.kind == "incident"]
    return dump(ins.ClientMajorListOut(), {"items": items})


@bp.post("/tickets/<number>/updates")
@doc(_l("Post a status update of a major incident (staff)"), tag="incidents", body=ins.StatusUpdateIn,
     out=ins.StatusUpdateOut, status=201, errors=(403, 404))
def post_status_update(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    data = load_json(ins.StatusUpdateIn)
    return dump(ins.StatusUpdateOut(), incident_services.post_update(user, ticket, **data), 201)


@bp.get("/status")
@doc(_l("The service status of the caller's organization: what affects it now, and the last 90 days"),
     tag="incidents", out=ins.StatusListOut)
def service_status():
    user = api_user()
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    return dump(ins.StatusListOut(), {"items": [_status(i, locale) for i in incident_queries.service_status(user)],
                                      "history": [_status(i, locale) for i in incident_queries.status_history(user)]})
