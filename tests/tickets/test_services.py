"""The ticket write path: what every channel (agent UI, portal, mail, API) relies on."""
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import timeutil
from app.errors import Forbidden, ValidationError
from app.tickets import queries, relations, services
from app.tickets.models import Event, Message, Ticket
from app.uploads import Upload
from tests.factories import ELF, PNG, make_ticket


def test_numbers_are_per_kind_and_sequential(users, org_a):
    agent = users["agent"]
    numbers = [make_ticket(agent, organization=org_a).number for _ in range(2)]
    numbers.append(make_ticket(agent, kind="request", organization=org_a).number)
    numbers.append(make_ticket(agent, kind="problem", organization=org_a).number)
    numbers.append(make_ticket(agent, kind="change", organization=org_a).number)
    assert numbers == ["INC-1", "INC-2", "REQ-1", "PRB-1", "CHG-1"]


def test_numbers_stay_unique_under_concurrent_creation(app, users, org_a):
    agent_id, org_id = users["agent"].id, org_a.id
    numbers, errors = [], []

    def create_some():
        from app.auth.models import User
        from app.extensions import db
        from app.orgs.models import Organization

        with app.app_context():
            try:
                agent, org = db.session.get(User, agent_id), db.session.get(Organization, org_id)
                for _ in range(10):
                    numbers.append(make_ticket(agent, organization=org).number)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)

    threads = [threading.Thread(target=create_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers, key=lambda n: int(n.split("-")[1])) == [f"INC-{i}" for i in range(1, 41)]


def test_client_ticket_belongs_to_their_organization_whatever_they_send(users, org_b):
    ticket = make_ticket(users["client_user"], organization=org_b, team=None, major=True)
    assert ticket.organization_id == users["client_user"].organization_id
    assert ticket.requester_id == users["client_user"].id and not ticket.major


def test_clients_open_only_incidents_and_requests(users):
    with pytest.raises(ValidationError) as error:
        make_ticket(users["client_user"], kind="change")
    assert "kind" in error.value.errors


def test_priority_follows_impact_and_urgency(app, users, org_a):
    agent = users["agent"]
    assert make_ticket(agent, organization=org_a, impact=1, urgency=1).priority == 1
    assert make_ticket(agent, organization=org_a, impact=3, urgency=3).priority == 4
    ticket = make_ticket(agent, organization=org_a, impact=2, urgency=2)
    assert ticket.priority == 3
    services.update_ticket(agent, ticket, impact=1)
    assert ticket.priority == 2
    fields = [e.field for e in queries.events_of(ticket)]
    assert fields[-2:] == ["impact", "priority"]


def test_bad_input_creates_nothing(users, org_a, db):
    with pytest.raises(ValidationError) as error:
        make_ticket(users["agent"], title="x", organization=None, impact=7)
    assert set(error.value.errors) == {"title", "organization", "impact"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_html_is_sanitized(users, org_a):
    ticket = make_ticket(users["agent"], organization=org_a,
                         description="Look: <script>alert(1)</script><a href='javascript:x()'>x</a> **bold**")
    assert "<script" not in ticket.description and "javascript:" not in ticket.description
    assert "<strong>bold</strong>" in ticket.description
    message = services.reply(users["client_user"], ticket, "<img src=x onerror=alert(1)>hi")
    assert "onerror" not in message.body_html


def test_workflow_allows_only_listed_transitions(users, org_a):
    agent = users["agent"]
    ticket = make_ticket(agent, organization=org_a)
    with pytest.raises(ValidationError) as error:
        services.transition(agent, ticket, "closed")
    assert "cannot go from" in error.value.errors["status"][0]
    with pytest.raises(ValidationError) as error:
        services.transition(agent, ticket, "flying")
    assert error.value.errors["status"] == ["Unknown status for this kind of ticket."]
    services.transition(agent, ticket, "open")
    with pytest.raises(ValidationError) as error:
        services.transition(agent, ticket, "resolved")
    assert set(error.value.errors) == {"resolution_code", "resolution"}
    assert ticket.status == "open"
    services.transition(agent, ticket, "resolved", resolution_code="fixed", resolution="Freed 20 GB.")
    assert ticket.status == "resolved" and not ticket.is_open and ticket.resolved_at is not None


def test_client_reply_wakes_a_pending_ticket_and_staff_reply_is_first_response(users, org_a):
    ticket = make_ticket(users["client_user"])
    services.transition(users["agent"], ticket, "pending")
    assert ticket.first_response_at is None
    services.reply(users["agent"], ticket, "Please send the output of `df -h`.")
    assert ticket.first_response_at is not None
    services.reply(users["client_user"], ticket, "Here it is.")
    assert ticket.status == "open"


def test_client_reopens_within_the_window_only(app, users, monkeypatch):
    ticket = make_ticket(users["client_user"])
    services.transition(users["agent"], ticket, "resolved", resolution_code="fixed", resolution="Done")
    later = timeutil.utcnow() + timedelta(days=app.config["REOPEN_DAYS"] + 1)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    with pytest.raises(ValidationError):
        services.transition(users["client_user"], ticket, "open")
    monkeypatch.undo()
    services.transition(users["client_user"], ticket, "open")
    assert ticket.status == "open" and ticket.resolved_at is None


def test_internal_notes_are_staff_only_and_invisible_to_clients(users):
    ticket = make_ticket(users["client_user"])
    services.add_note(users["agent"], ticket, "Client's admin password is in the vault")
    services.reply(users["agent"], ticket, "Looking into it")
    with pytest.raises(Forbidden):
        services.add_note(users["client_user"], ticket, "sneaky")
    bodies = [m.body_text for m in queries.messages_for(users["client_user"], ticket)]
    assert bodies == ["Looking into it"]
    assert len(queries.messages_for(users["agent"], ticket)) == 2


def test_other_organizations_cannot_touch_a_ticket(users):
    ticket = make_ticket(users["client_user"])
    with pytest.raises(Forbidden):
        services.reply(users["other_user"], ticket, "hello")
    with pytest.raises(Exception) as error:
        queries.get_ticket(users["other_user"], ticket.number)
    assert error.value.code == 404


def test_attachments_are_checked_by_content(users, db):
    ticket = make_ticket(users["client_user"], uploads=[Upload("screen.png", PNG), Upload("ping.txt", b"64 bytes")])
    assert sorted(a.content_type for a in ticket.attachments) == ["image/png", "text/plain"]
    with pytest.raises(ValidationError) as error:
        services.reply(users["client_user"], ticket, "see file", uploads=[Upload("photo.png", ELF)])
    assert "not accepted" in error.value.errors["attachments"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_oversized_attachment_is_refused(app, users, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100)
    with pytest.raises(ValidationError) as error:
        make_ticket(users["client_user"], uploads=[Upload("big.log", b"x" * 101)])
    assert "larger than" in error.value.errors["attachments"][0]


def test_stale_version_raises_conflict_with_the_changes(users, org_a):
    ticket = make_ticket(users["agent"], organization=org_a)
    seen = ticket.version
    services.update_ticket(users["manager"], ticket, title="Disk full on web-01 (again)", expected_version=seen)
    with pytest.raises(services.Conflict) as conflict:
        services.update_ticket(users["agent"], ticket, category="storage", expected_version=seen)
    assert [e.field for e in conflict.value.events] == ["title"]
    assert ticket.category == ""
    services.reply(users["client_user"], ticket, "any news?")  # a message overwrites nothing
    services.update_ticket(users["agent"], ticket, category="storage", expected_version=ticket.version - 1)
    assert ticket.category == "storage"


def test_links_and_their_history(users, org_a):
    incident = make_ticket(users["agent"], organization=org_a)
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Log rotation broken")
    relations.link(users["agent"], incident, problem, "caused_by")
    with pytest.raises(ValidationError):
        relations.link(users["agent"], incident, problem, "caused_by")
    with pytest.raises(ValidationError):
        relations.link(users["agent"], incident, incident, "related")
    assert [(ln.source.number, ln.kind, ln.target.number) for ln in queries.links_of(problem)] == [
        (incident.number, "caused_by", problem.number)]


def test_merge_moves_the_conversation_and_leaves_a_pointer(users, org_a, org_b):
    target = make_ticket(users["client_user"], title="Site down")
    duplicate = make_ticket(users["client_admin"], title="Website is down", description="Since 10:00")
    services.reply(users["client_admin"], duplicate, "Still down")
    relations.merge(users["agent"], duplicate, target)
    assert duplicate.status == "closed" and duplicate.merged_into_id == target.id
    texts = [m.body_text for m in queries.messages_for(users["agent"], target)]
    assert "Still down" in texts and "Since 10:00" in texts
    assert users["client_admin"] in target.watchers
    assert "merged_into" in [e.field for e in queries.events_of(duplicate)]
    assert "merged_from" in [e.field for e in queries.events_of(target)]
    other = make_ticket(users["other_user"])
    with pytest.raises(ValidationError):
        relations.merge(users["agent"], other, target)


def test_time_is_logged_by_staff(users, org_a):
    ticket = make_ticket(users["agent"], organization=org_a)
    relations.log_time(users["agent"], ticket, minutes=45, note="Cleaned /var/log")
    relations.log_time(users["agent"], ticket, minutes="30", billable=False)
    assert queries.minutes_logged(ticket) == 75
    with pytest.raises(ValidationError):
        relations.log_time(users["agent"], ticket, minutes=0)
    with pytest.raises(Forbidden):
        relations.log_time(users["client_user"], ticket, minutes=5)


def test_every_change_is_an_event_with_its_actor(users, org_a, team, db):
    ticket = make_ticket(users["agent"], organization=org_a)
    services.assign(users["manager"], ticket, team=team, assignee=users["agent"])
    events = db.session.scalars(sa.select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)).all()
    assert [(e.field, e.old_value, e.new_value, e.actor_id) for e in events][1:] == [
        ("team", None, "Service Desk L1", users["manager"].id),
        ("assignee", None, users["agent"].name, users["manager"].id),
    ]
