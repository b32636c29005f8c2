"""Problems: incidents gathered, root cause and workaround, the known error and its offer,
a change raised in one click, and the problem resolved with its incidents after the change."""
import pytest
import sqlalchemy as sa

from app.changes import services as changes
from app.errors import Forbidden, ValidationError
from app.problems import queries, services
from app.tickets import relations
from app.tickets import services as tickets
from app.tickets.models import Event, Link, Message, Ticket
from tests.factories import make_ticket


@pytest.fixture
def problem(users, org_a, team):
    return make_ticket(users["agent"], kind="problem", organization=org_a, title="node_exporter hangs", team=team,
                       category="monitoring", affected_system="mon-01")


def incidents(users, n=3, **fields):
    return [make_ticket(users["client_user"], title=f"Graphs are empty #{i}", **fields) for i in range(n)]


def test_a_problem_gathers_incidents_from_either_side(users, problem, db):
    first, second, third = incidents(users)
    assert services.gather_incidents(users["agent"], problem, [first, second]) == [first.number, second.number]
    relations.link(users["agent"], third, problem, "caused_by")  # from the incident's side
    assert services.gather_incidents(users["agent"], problem, [first, third]) == []  # already linked: left alone
    assert [t.number for t in queries.incidents_of(problem)] == [first.number, second.number, third.number]


def test_only_incidents_are_gathered_and_only_by_staff(users, problem, org_a, db):
    other = make_ticket(users["agent"], kind="problem", organization=org_a, title="Another problem")
    with pytest.raises(ValidationError) as error:
        services.gather_incidents(users["agent"], problem, [other])
    assert "is not an incident" in str(error.value.errors["incidents"])
    with pytest.raises(Forbidden):
        services.update_problem(users["client_admin"], problem, root_cause="Hijack")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Link)) == 0


def test_known_error_needs_its_workaround_then_is_offered_on_matching_incidents(users, problem, db):
    with pytest.raises(ValidationError) as error:
        tickets.transition(users["agent"], problem, "known_error")
    assert "workaround" in error.value.errors
    db.session.rollback()
    assert db.session.get(Ticket, problem.id).status == "new"

    services.update_problem(users["agent"], problem, root_cause="A leak in the textfile collector")
    services.mark_known_error(users["agent"], problem, "Restart the exporter: systemctl restart node_exporter")
    problem = db.session.get(Ticket, problem.id)
    assert problem.status == "known_error" and problem.problem_detail.known_error
    fields = [e.field for e in db.session.scalars(sa.select(Event).where(Event.ticket_id == problem.id))]
    assert {"root_cause", "workaround", "status"} <= set(fields)

    same_ci = make_ticket(users["client_user"], title="No graphs", affected_system="mon-01")
    same_category = make_ticket(users["agent"], title="Alerts missing", organization=problem.organization,
                                category="monitoring")
    unrelated = make_ticket(users["client_user"], title="Mail bounces", affected_system="mx-01")
    assert [p.number for p, _ in queries.known_errors_for(same_ci)] == [problem.number]
    assert [p.number for p, _ in queries.known_errors_for(same_category)] == [problem.number]
    assert queries.known_errors_for(unrelated) == []
    with pytest.raises(ValidationError):  # a known error keeps its workaround
        services.update_problem(users["agent"], problem, workaround=" ")


def test_one_click_raises_a_change_that_fixes_the_problem(users, problem, db):
    services.update_problem(users["agent"], problem, root_cause="A leak in the textfile collector")
    change = changes.raise_from_problem(users["manager"], problem)
    assert change.kind == "change" and change.status == "draft" and change.change_detail.change_type == "normal"
    assert change.title.startswith(f"Fix {problem.number}")
    assert "A leak in the textfile collector" in change.description
    assert [o.code for o in change.change_detail.organizations] == ["ACME"]
    link = db.session.scalar(sa.select(Link).where(Link.kind == "fixed_by"))
    assert (link.source_id, link.target_id) == (problem.id, change.id)


def test_a_successful_change_resolves_the_problem_and_tells_the_requesters(users, problem, db):
    gathered = incidents(users, 2)
    services.gather_incidents(users["agent"], problem, gathered)
    change = changes.raise_from_problem(users["manager"], problem)
    with pytest.raises(ValidationError):  # not reviewed yet
        services.resolve_with_change(users["manager"], change, "Fixed for good.")
    db.session.rollback()
    change.change_detail.outcome = "successful"
    db.session.commit()
    resolved = services.resolve_with_change(users["manager"], change, "We fixed the exporter for good.")
    assert resolved == [gathered[0].number, gathered[1].number, problem.number]
    for incident in gathered:
        incident = db.session.get(Ticket, incident.id)
        assert incident.status == "resolved" and incident.resolution == "We fixed the exporter for good."
        replies = db.session.scalars(sa.select(Message.body_text).where(Message.ticket_id == incident.id)).all()
        assert "We fixed the exporter for good." in replies
    assert db.session.get(Ticket, problem.id).status == "resolved"
