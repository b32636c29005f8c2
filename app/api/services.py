"""What one API call composes from several services, as one unit of work."""
from app.auth.permissions import can_work_tickets
from app.changes import services as change_services
from app.problems import services as problem_services
from app.tickets import services
from app.tickets.workflow import Kind
from app.transactions import transactional


@transactional
def create_ticket(user, *, problem: dict | None = None, change: dict | None = None, **data):
    """A ticket of any kind: a change with its details (staff), a problem with its root cause
    and workaround — created and described in one transaction."""
    if data["kind"] == Kind.CHANGE and can_work_tickets(user):
        data.pop("kind")
        return change_services.create_change(user, via="api", **(change or {}), **data)
    ticket = services.create_ticket(user, via="api", **data)
    if problem and ticket.kind == Kind.PROBLEM:
        problem_services.update_problem(user, ticket, **problem)
    return ticket
