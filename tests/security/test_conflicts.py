"""A stale version answers 409 with what changed since — but only what the caller may see:
a client learns of public fields, never of teams, assignees, time logged, links or who did it,
and a caller who may not make the change learns nothing of the ticket's history at all."""
from app.tickets import relations, services
from app.tickets.models import Ticket
from tests.factories import make_ticket


def test_a_client_with_a_stale_version_sees_only_public_changes(api, users, team, db):
    ticket = make_ticket(users["client_user"], title="Mail relay refuses us")
    version = ticket.version
    problem = make_ticket(users["agent"], kind="problem", organization=ticket.organization, title="Relay cert expired")
    services.assign(users["manager"], ticket, team=team, assignee=users["agent"])
    relations.log_time(users["agent"], ticket, minutes=25)
    relations.link(users["agent"], ticket, problem, "caused_by")
    services.transition(users["agent"], ticket, "resolved", resolution_code="fixed", resolution="Renewed the certificate.")

    response = api("client_user").post(f"/api/v1/tickets/{ticket.number}/transition",
                                       json={"status": "closed", "version": version})
    assert response.status_code == 409
    error = response.json["error"]
    assert {c["field"] for c in error["changes"]} <= {"status", "resolution"}
    assert {c["field"] for c in error["changes"]} == {"status", "resolution"}
    assert all(c["actor"] is None for c in error["changes"])
    body = response.get_data(as_text=True)
    for secret in (team.name, users["agent"].name, users["manager"].name, problem.number, "assignee", "linked"):
        assert secret not in body, secret
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "resolved"


def test_staff_still_see_every_change_and_who_made_it(api, users, team, db):
    ticket = make_ticket(users["client_user"], title="Mail relay refuses us")
    version = ticket.version
    services.assign(users["manager"], ticket, team=team)
    response = api("agent").post(f"/api/v1/tickets/{ticket.number}/transition", json={"status": "open",
                                                                                      "version": version})
    assert response.status_code == 409
    [change] = response.json["error"]["changes"]
    assert (change["field"], change["new"], change["actor"]["name"]) == ("team", team.name, users["manager"].name)


def test_a_step_the_caller_may_not_make_is_refused_before_the_version_is_compared(api, users, team, db):
    ticket = make_ticket(users["client_user"], title="Mail relay refuses us")
    version = ticket.version
    services.assign(users["manager"], ticket, team=team, assignee=users["agent"])
    response = api("client_user").post(f"/api/v1/tickets/{ticket.number}/transition",
                                       json={"status": "resolved", "version": version})
    assert response.status_code == 422  # a client cannot resolve: said so, and nothing about the history
    assert team.name not in response.get_data(as_text=True) and "changes" not in response.json["error"]
    patch = api("client_user").patch(f"/api/v1/tickets/{ticket.number}", json={"title": "Mine now", "version": version})
    assert patch.status_code == 403 and team.name not in patch.get_data(as_text=True)
