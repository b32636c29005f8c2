"""REST API v1: the CMDB's configuration items, their relations and impact, and a ticket's CIs.
Same blueprint and conventions as app/api/views.py: scoped load (404) → permission (403) →
schema → one service call → dump. A client sees only their organization's CIs."""
from app.api import cmdb_schemas as ms
from app.api import refs
from app.api.auth import api_user, require
from app.api.blueprint import STAFF_ONLY, bp
from app.api.bodies import dump, load_args, load_json
from app.api.spec import doc
from app.auth.permissions import is_staff
from app.i18n import lazy_gettext as _l
from app.tickets import queries
from cmdb import links as cmdb_links
from cmdb import queries as cmdb_queries


@bp.get("/cis")
@doc(_l("Configuration items, a page at a time: staff see all, a client their organization's"), tag="cmdb",
     query=ms.CIListArgs, out=ms.CIPageOut)
def list_cis():
    user = api_user()
    args = load_args(ms.CIListArgs)
    code = args["organization"]
    org = None if code in (None, "provider") else refs.resolve(user, {"organization": code})["organization"]
    found = cmdb_queries.search(user, args["q"], organization_id=org.id if org else None, provider=code == "provider",
                                group=args["group"], status=args["status"], offset=args["offset"],
                                limit=args["limit"] + 1)
    more = len(found) > args["limit"]
    return dump(ms.CIPageOut(), {"items": found[:args["limit"]], "next": args["offset"] + args["limit"] if more else None})


@bp.get("/cis/<int:ci_id>")
@doc(_l("Get a configuration item"), tag="cmdb", out=ms.CIOut, errors=(404,))
def get_ci(ci_id):
    return dump(ms.CIOut(), cmdb_queries.get_ci(api_user(), ci_id))


@bp.get("/cis/<int:ci_id>/relations")
@doc(_l("What a CI depends on and what depends on it"), tag="cmdb", out=ms.RelationListOut, errors=(404,))
def list_ci_relations(ci_id):
    user = api_user()
    depends, dependents = cmdb_queries.relations_of(user, cmdb_queries.get_ci(user, ci_id))
    items = [{"id": side.relation.id, "direction": direction, "type": side.relation.type.code, "label": side.label,
              "impact": side.relation.effective_impact, "group": side.relation.group_key, "ci": side.other}
             for direction, sides in (("depends_on", depends), ("depended_on_by", dependents)) for side in sides]
    return dump(ms.RelationListOut(), {"items": items})


@bp.get("/cis/<int:ci_id>/impact")
@doc(_l("What if this CI fails: the impacted CIs with their paths, organizations and open tickets (staff)"),
     tag="cmdb", out=ms.ImpactOut, errors=(403, 404))
def ci_impact(ci_id):
    user = api_user()
    ci = cmdb_queries.get_ci(user, ci_id)
    require(is_staff(user), STAFF_ONLY)
    result = cmdb_queries.what_if(user, ci)
    impacted = [{"ci": row[0], "state": row[1], "service": row[0].ci_class.group == "services",
                 "organization": row[0].organization, "path": [step.id for step in row[2]]} for row in result.impacted]
    return dump(ms.ImpactOut(), {"failed": ci, "impacted": impacted, "organizations": result.organizations,
                                 "open_tickets": [t.number for t in result.tickets]})


@bp.get("/tickets/<number>/cis")
@doc(_l("The configuration items of a ticket"), tag="cmdb", out=ms.TicketCIListOut, errors=(404,))
def list_ticket_cis(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    return dump(ms.TicketCIListOut(), {"items": [{"ci": ci, "impact": link.impact}
                                                 for ci, link in cmdb_queries.cis_of_ticket(user, ticket)]})


@bp.post("/tickets/<number>/cis")
@doc(_l("Link configuration items to a ticket, by id or by name (a client: their organization's only)"),
     tag="cmdb", body=ms.TicketCIsIn, out=ms.TicketCIListOut, status=201, errors=(404,))
def link_ticket_cis(number):
    user = api_user()
    ticket = queries.get_ticket(user, number)
    cmdb_links.link_refs(user, ticket, load_json(ms.TicketCIsIn)["cis"])
    return dump(ms.TicketCIListOut(), {"items": [{"ci": ci, "impact": link.impact}
                                                 for ci, link in cmdb_queries.cis_of_ticket(user, ticket)]}, 201)
