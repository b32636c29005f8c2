"""REST API v1: tickets, their conversation, files, links and time; organizations,
users and teams (the CMDB's routes are in app/api/cmdb_views.py, the knowledge base's in
app/api/kb_views.py, major incidents' in incident_views.py, the SLA report's in report_views.py,
on the same blueprint). Token authentication (app.api.auth), CSRF-exempt, JSON errors.

Each view: scoped load (404) → permission (403) → schema → one service call → dump.
"""
from datetime import UTC, datetime, time, timedelta

from flask import current_app, jsonify, url_for
from flask_babel import gettext as _

from app import timeutil
from app.api import change_schemas as cs
from app.api import refs
from app.api import schemas as s
from app.api import services as api_services
from app.api.auth import api_user, require
from app.api.blueprint import STAFF_ONLY, bp
from app.api.bodies import dump, load_args, load_json, load_upload
from app.api.spec import doc, openapi
from app.auth import queries as user_queries
from app.auth.permissions import can_see_internal, can_work_problems_and_changes, can_work_tickets, is_staff
from app.changes import queries as change_queries
from app.changes import services as change_services
from app.errors import NotFound
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.orgs import queries as org_queries
from app.problems import services as problem_services
from app.requests import catalog
from app.requests import queries as request_queries
from app.requests import services as request_services
from app.tickets import attachments, queries, relations, services
from app.transactions import answered_from_memory

TICKET = [s.TicketOut, s.StaffTicketOut]


def _write(user, ticket, body: str, uploads=(), internal: bool = False):
    """A public reply, or an internal note — which only staff may write."""
    if internal:
        require(can_see_internal(user), _("Only the provider's staff can write internal notes."))
        return services.add_note(user, ticket, body, uploads, via="api")
    return services.reply(user, ticket, body, uploads, via="api")


# -- tickets -------------------------------------------------------------------------------

@bp.get("/tickets")
@doc(_l("List tickets, a page at a time, with the workspace's filters"), tag="tickets", query=s.TicketListArgs,
     out=[s.TicketPageOut, s.StaffTicketPageOut])
def list_tickets():
    user = api_user()
    args = load_args(s.TicketListArgs)
    page = queries.page_of(user, refs.ticket_filter(user, args), args["cursor"], args["limit"])
    return dump(s.ticket_page_schema(user), {"items": page.items, "next": page.next_cursor})


@bp.post("/tickets")
@doc(_l("Open a ticket"), tag="tickets", body=s.TicketCreateIn, out=TICKET, status=201)
def create_ticket():
    user = api_user()
    data = refs.resolve(user, load_json(s.TicketCreateIn))
    with answered_from_memory():
        ticket = api_services.create_ticket(user, problem=data.pop("problem"),
                                            change=_change_fields(user, data.pop("change") or {}), **data)
    return dump(s.ticket_schema(user), ticket, 201, {"Location": url_for("api.get_ticket", number=ticket.number)})


@bp.get("/tickets/<number>")
@doc(_l("Get a ticket by its number"), tag="tickets", out=TICKET, errors=(404,))
def get_ticket(number):
    user = api_user()
    return dump(s.ticket_schema(user), queries.get_ticket(user, number))


@bp.patch("/tickets/<number>")
@doc(_l("Change a ticket's fields (staff)"), tag="tickets", body=s.TicketUpdateIn, out=TICKET, errors=(403, 404, 409))
def update_ticket(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    data = refs.resolve(user, load_json(s.TicketUpdateIn))
    services.update_ticket(user, ticket, expected_version=data.pop("version"), **data)
    return dump(s.ticket_schema(user), ticket)


@bp.post("/tickets/<number>/transition")
@doc(_l("Move a ticket to another status"), tag="tickets", body=s.TransitionIn, out=TICKET, errors=(404, 409))
def transition(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    data = load_json(s.TransitionIn)
    services.transition(user, ticket, data.pop("status"), expected_version=data.pop("version"), **data)
    return dump(s.ticket_schema(user), ticket)


# -- conversation and files ------------------------------------------------------------------

@bp.get("/tickets/<number>/messages")
@doc(_l("The conversation of a ticket"), tag="messages", out=s.MessageListOut, errors=(404,))
def list_messages(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    return dump(s.MessageListOut(), {"items": queries.messages_for(user, ticket)})


@bp.post("/tickets/<number>/messages")
@doc(_l("Reply, or write an internal note (staff)"), tag="messages", body=s.MessageIn, out=s.MessageOut,
     status=201, errors=(403, 404))
def create_message(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    data = load_json(s.MessageIn)
    return dump(s.MessageOut(), _write(user, ticket, data["body"], internal=data["internal"]), 201)


@bp.get("/tickets/<number>/attachments")
@doc(_l("The files of a ticket"), tag="attachments", out=s.AttachmentListOut, errors=(404,))
def list_attachments(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    return dump(s.AttachmentListOut(), {"items": queries.ticket_attachments(user, ticket)})


@bp.post("/tickets/<number>/attachments")
@doc(_l("Upload files, as a message carrying them"), tag="attachments", form=s.UPLOAD_FORM,
     out=s.AttachmentListOut, status=201, errors=(403, 404, 413))
def upload_attachments(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    data, uploads = load_upload(s.UploadIn)
    message = _write(user, ticket, data["body"], uploads, internal=data["internal"])
    return dump(s.AttachmentListOut(), {"items": message.attachments}, 201)


@bp.get("/tickets/<number>/attachments/<int:attachment_id>")
@doc(_l("Download a file"), tag="attachments", out="binary", errors=(404,))
def download_attachment(number, attachment_id):
    user = api_user()
    found = queries.get_attachment(user, queries.get_ticket(user, number), attachment_id)
    return attachments.send(found)


# -- staff work: links and time --------------------------------------------------------------

@bp.get("/tickets/<number>/links")
@doc(_l("Links of a ticket to other tickets (staff)"), tag="links", out=s.LinkListOut, errors=(403, 404))
def list_links(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    return dump(s.LinkListOut(), {"items": queries.links_of(ticket)})


@bp.post("/tickets/<number>/links")
@doc(_l("Link a ticket to another (staff)"), tag="links", body=s.LinkIn, out=s.LinkOut, status=201,
     errors=(403, 404))
def create_link(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    data = refs.resolve(user, load_json(s.LinkIn))
    return dump(s.LinkOut(), relations.link(user, ticket, data["target"], data["kind"]), 201)


@bp.post("/tickets/<number>/merge")
@doc(_l("Merge a duplicate into another ticket of the same organization (staff); answers the target"),
     tag="links", body=s.MergeIn, out=s.StaffTicketOut, errors=(403, 404))
def merge(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    target = refs.resolve(user, load_json(s.MergeIn))["target"]
    relations.merge(user, ticket, target)
    return dump(s.StaffTicketOut(), target)


@bp.get("/tickets/<number>/worklog")
@doc(_l("Time logged on a ticket (staff)"), tag="worklog", out=s.WorklogListOut, errors=(403, 404))
def list_worklog(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    entries = queries.worklog_of(ticket)
    return dump(s.WorklogListOut(), {"items": entries, "total_minutes": sum(e.minutes for e in entries)})


@bp.post("/tickets/<number>/worklog")
@doc(_l("Log time spent on a ticket (staff)"), tag="worklog", body=s.WorklogIn, out=s.WorklogOut, status=201,
     errors=(403, 404))
def create_worklog(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_tickets(user), STAFF_ONLY)
    return dump(s.WorklogOut(), relations.log_time(user, ticket, **load_json(s.WorklogIn)), 201)


# -- problems and changes ---------------------------------------------------------------------

def _change_fields(user, data: dict) -> dict:
    """A change's fields as the services take them: organization codes and a template id resolved."""
    data = dict(data)
    if "organizations" in data:
        data["organizations"] = refs.organizations(user, data["organizations"])
    if data.get("template") is not None:
        data["template"] = refs.change_template(data["template"])
    return data


def _kind(ticket, kind: str):
    if ticket.kind != kind:
        raise NotFound()
    return ticket


@bp.patch("/tickets/<number>/problem")
@doc(_l("Write a problem's root cause and workaround (staff)"), tag="problems", body=cs.ProblemFieldsIn,
     out=s.StaffTicketOut, errors=(403, 404))
def update_problem(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_problems_and_changes(user), STAFF_ONLY)
    data = load_json(cs.ProblemFieldsIn)
    problem_services.update_problem(user, _kind(ticket, "problem"), **data)
    return dump(s.StaffTicketOut(), ticket)


@bp.patch("/tickets/<number>/change")
@doc(_l("Describe and plan a change (staff)"), tag="changes", body=cs.ChangeFieldsIn, out=s.StaffTicketOut,
     errors=(403, 404))
def update_change(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_problems_and_changes(user), STAFF_ONLY)
    data = _change_fields(user, load_json(cs.ChangeFieldsIn))
    change_services.update_change(user, _kind(ticket, "change"), **data)
    return dump(s.StaffTicketOut(), ticket)


@bp.get("/tickets/<number>/approvals")
@doc(_l("The CAB's decisions on a change (staff)"), tag="changes", out=cs.ApprovalListOut, errors=(403, 404))
def list_approvals(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    require(can_work_problems_and_changes(user), STAFF_ONLY)
    change = _kind(ticket, "change")
    required = change_queries.policy().required(change_queries.details(change).risk)
    return dump(cs.ApprovalListOut(), {"items": change_queries.approvals_of(change), "required": required,
                                       "status": change.approval_status})


@bp.post("/tickets/<number>/approvals")
@doc(_l("Approve or reject a change, with a comment (a CAB member)"), tag="changes", body=cs.DecisionIn,
     out=cs.ApprovalOut, status=201, errors=(403, 404))
def create_approval(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    data = load_json(cs.DecisionIn)
    return dump(cs.ApprovalOut(), change_services.decide(user, _kind(ticket, "change"), data["decision"],
                                                         data["comment"]), 201)


@bp.get("/changes/calendar")
@doc(_l("Changes planned in a period, with conflicts and missed maintenance windows (staff)"), tag="changes",
     query=cs.CalendarArgs, out=cs.CalendarOut, errors=(403,))
def change_calendar():
    user = api_user()
    require(can_work_problems_and_changes(user), STAFF_ONLY)
    args = load_args(cs.CalendarArgs)
    organization = refs.resolve(user, {"organization": args["organization"]})["organization"]
    start = datetime.combine(args["start"] or timeutil.utcnow().date(), time(0), tzinfo=UTC)
    end = datetime.combine(args["end"], time(0), tzinfo=UTC) if args["end"] else start + timedelta(days=7)
    entries = change_queries.calendar_entries(start, end, team_id=args["team"], risk=args["risk"],
                                              organization_id=organization.id if organization else None)
    return dump(cs.CalendarOut(), {"items": entries})


# -- the service catalog -----------------------------------------------------------------------

@bp.get("/catalog")
@doc(_l("Catalog items the caller may order"), tag="catalog", out=s.CatalogListOut)
def list_catalog():
    user = api_user()
    return dump(s.CatalogListOut(), {"items": list(db.session.scalars(request_queries.items_for(user)))})


@bp.post("/catalog/<int:item_id>/orders")
@doc(_l("Order a catalog item: a service request carrying the filled-in form"), tag="catalog", body=s.OrderIn,
     out=TICKET, status=201, errors=(404,))
def order_item(item_id):
    user = api_user()
    item = request_queries.get_item(user, item_id)
    data = refs.resolve(user, load_json(s.OrderIn))
    values = catalog.checked_values(item, data["values"])
    ticket = request_services.order(user, item, values=values, organization=data["organization"],
                                    requester=data["requester"], note=data["note"], via="api")
    return dump(s.ticket_schema(user), ticket, 201, {"Location": url_for("api.get_ticket", number=ticket.number)})


# -- organizations, people, teams ------------------------------------------------------------

@bp.get("/organizations")
@doc(_l("Client organizations (a client: their own)"), tag="directory",
     out=[s.OrganizationListOut, s.StaffOrganizationListOut])
def list_organizations():
    user = api_user()
    organizations = db.session.scalars(org_queries.organizations_visible_to(user))
    return dump(s.organization_list_schema(user), {"items": list(organizations)})


@bp.get("/organizations/<code>")
@doc(_l("An organization by its code"), tag="directory", out=[s.OrganizationOut, s.StaffOrganizationOut],
     errors=(404,))
def get_organization(code):
    user = api_user()
    return dump(s.organization_schema(user), refs.visible_organization(user, code))


@bp.get("/users")
@doc(_l("User accounts (staff)"), tag="directory", query=s.UserListArgs, out=s.UserListOut, errors=(403,))
def list_users():
    user = api_user()
    require(is_staff(user), STAFF_ONLY)
    args = load_args(s.UserListArgs)
    return dump(s.UserListOut(), {"items": list(db.session.scalars(user_queries.users_visible_to(user, **args)))})


@bp.get("/teams")
@doc(_l("Teams and their members (staff)"), tag="directory", out=s.TeamListOut, errors=(403,))
def list_teams():
    user = api_user()
    require(is_staff(user), STAFF_ONLY)
    return dump(s.TeamListOut(), {"items": list(db.session.scalars(org_queries.teams_visible_to(user)))})


@bp.get("/me")
@doc(_l("The owner of the token"), tag="directory", out=s.UserOut)
def me():
    return dump(s.UserOut(), api_user())


@bp.get("/openapi.json", endpoint="openapi")
@doc(_l("This document: the API in OpenAPI 3.1"), tag="meta", out="object", public=True)
def openapi_document():
    return jsonify(openapi(current_app))
