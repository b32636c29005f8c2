"""Merging moves a conversation: only between tickets of the same kind, so what one kind keeps
internal (a problem's description) never becomes a client's public message, and a client's
conversation never hides behind a number they cannot open. Merging twice is refused, not a 500."""
import sqlalchemy as sa

from app.tickets import relations
from app.tickets.models import Link, Message, Ticket
from tests.factories import make_ticket


def _counts(db):
    db.session.rollback()
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Message, Link)], sorted(
        db.session.execute(sa.select(Ticket.number, Ticket.status, Ticket.merged_into_id)).all())


def test_a_problem_cannot_be_merged_into_an_incident_nor_the_other_way(api, users, org_a, db):
    incident = make_ticket(users["client_user"], title="Graphs are gone")
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Exporter leaks memory",
                          description="Internal: the exporter is on a build we never tested")
    before = _counts(db)
    agent = api("agent")
    for source, target in ((problem, incident), (incident, problem)):
        response = agent.post(f"/api/v1/tickets/{source.number}/merge", json={"target": target.number})
        assert response.status_code == 422
        assert "same kind" in str(response.json["error"]["fields"]["target"])
    assert _counts(db) == before
    messages = api("client_user").get(f"/api/v1/tickets/{incident.number}/messages").get_data(as_text=True)
    assert "build we never tested" not in messages


def test_merging_a_ticket_already_linked_as_a_duplicate_of_its_target(api, users, db):
    first = make_ticket(users["client_user"], title="Mail relay refuses us")
    second = make_ticket(users["client_user"], title="Mail relay refuses us again")
    relations.link(users["agent"], second, first, "duplicate_of")
    response = api("agent").post(f"/api/v1/tickets/{second.number}/merge", json={"target": first.number})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Ticket, second.id).merged_into_id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link).where(Link.kind == "duplicate_of")) == 1
    again = api("agent").post(f"/api/v1/tickets/{second.number}/merge", json={"target": first.number})
    assert again.status_code == 422
