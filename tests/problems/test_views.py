"""The problem panel: root cause, workaround, known error, incidents gathered, a change raised;
and the known error offered on a matching incident's page."""
import sqlalchemy as sa

from app.tickets import services as tickets
from app.tickets.models import Link, Ticket
from tests.factories import make_ticket
from tests.helpers import text


def test_a_manager_walks_a_problem_to_a_known_error_and_a_change(login, users, org_a, db):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Exporter hangs", category="monitoring")
    incidents = [make_ticket(users["client_user"], title=f"No graphs {i}", category="monitoring") for i in range(3)]
    manager = login("manager")
    page = f"/tickets/{problem.number}"
    assert 'id="problem-panel"' in text(manager.get(page))
    numbers = ", ".join(t.number for t in incidents)
    manager.submit(f"/problems/{problem.number}/incidents", {"gather-incidents": numbers}, page=page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link).where(Link.kind == "caused_by")) == 3
    response = manager.submit(f"/problems/{problem.number}/details", {"root_cause": "Leak", "known_error": "y"}, page=page)
    assert "A known error needs its workaround" in text(manager.get(page))
    assert db.session.get(Ticket, problem.id).status == "new"
    response = manager.submit(f"/problems/{problem.number}/details", {
        "root_cause": "Leak in the textfile collector", "workaround": "Restart the exporter", "known_error": "y"}, page=page)
    assert response.status_code == 302
    assert db.session.get(Ticket, problem.id).status == "known_error"

    fresh = make_ticket(users["client_user"], title="Graphs gone again", category="monitoring")
    incident_page = text(login("agent").get(f"/tickets/{fresh.number}"))
    assert f"Known error <a href=\"/tickets/{problem.number}\">{problem.number}</a>:" in incident_page
    assert "Restart the exporter" in incident_page
    tickets.transition(users["agent"], fresh, "resolved", resolution_code="workaround", resolution="Restarted")
    assert 'id="known-errors"' not in text(login("agent").get(f"/tickets/{fresh.number}"))

    response = manager.submit(f"/changes/from-problem/{problem.number}", page=page)
    change = db.session.scalar(sa.select(Ticket).where(Ticket.kind == "change"))
    assert response.headers["Location"] == f"/changes/{change.number}/edit"
    assert "Root cause: Leak in the textfile collector" in change.description


def test_gathering_an_unknown_ticket_says_so(login, users, org_a, db):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Exporter hangs")
    manager = login("manager")
    page = f"/tickets/{problem.number}"
    manager.submit(f"/problems/{problem.number}/incidents", {"gather-incidents": "INC-404"}, page=page)
    assert "There is no ticket INC-404." in text(manager.get(page))
