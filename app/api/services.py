"""What one API call composes from several services, as one unit of work."""
from app.auth.permissions import can_work_tickets
from app.changes import services as change_services
from app.problems import services as problem_services
from app.tickets import services
from app.tickets.workflow import Kind
from app.transactions import transactional
from cmdb import links as cmdb_links


@transactional
def create_ticket(user, *, problem: dict | None = None, change: dict | None = None, cis=(), **data):
    """A ticket of any kind: a change with its details (staff), a problem with its root cause
    and workaround, and the CIs it concerns (by id or name) — created and described in one transaction."""
    if data["kind"] == Kind.CHANGE and can_work_tickets(user):
        data.pop("kind")
        ticket = change_services.create_change(user, via="api", **(change or {}), **data)
    else:
        ticket = services.create_ticket(user, via="api", arrival={"cis": list(cis)}, **data)
        if problem and ticket.kind == Kind.PROBLEM:
            problem_services.update_problem(user, ticket, **problem)
    if cis:
        cmdb_links.link_refs(user, ticket, cis)
    return ticket
