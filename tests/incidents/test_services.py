"""Major-incident management: who may declare, status updates and their mail (real RQ jobs, a real
SMTP sink), children, resolving with the children in one unit of work, the review's problem, and
the organizations computed from the CMDB."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import timeutil
from app.auth import services as accounts
from app.errors import Forbidden, ValidationError
from app.incidents import jobs as incident_jobs
from app.incidents import queries, services
from app.tickets import services as tickets
from app.tickets.models import Link, Ticket
from tests.factories import make_ticket
from tests.helpers import run_jobs
from tests.mail.headers import assert_ours


def test_an_agent_may_not_declare_but_the_incident_manager_may_undeclare(users, outage, db):
    with pytest.raises(Forbidden):
        services.declare(users["agent"], outage, "Looks bad")
    with pytest.raises(ValidationError) as error:
        services.declare(users["manager"], outage, "")
    assert "reason" in error.value.errors and not outage.major
    services.declare(users["manager"], outage, "Core switch lost")
    services.set_people(users["manager"], outage, manager=users["agent"], engineers=[users["admin"]])
    services.declare(users["agent"], outage, "Only one rack after all", declared=False)
    assert not outage.major
    assert [(d.actor.name, d.declared, d.reason) for d in queries.declarations_of(outage)] == [
        (users["manager"].name, True, "Core switch lost"), (users["agent"].name, False, "Only one rack after all")]


def test_the_engineer_it_is_assigned_to_runs_it_until_a_manager_is_named(users, outage):
    tickets.assign(users["manager"], outage, assignee=users["agent"])
    services.declare(users["agent"], outage, "Both rows down")
    services.set_people(users["manager"], outage, manager=users["manager"], engineers=[users["agent"]])
    with pytest.raises(Forbidden):
        services.declare(users["agent"], outage, "Not so bad", declared=False)


def test_a_client_contact_cannot_run_an_incident(users, major):
    with pytest.raises(Forbidden):
        services.post_update(users["client_user"], major, body="We fixed it ourselves")
    with pytest.raises(ValidationError):
        services.set_people(users["manager"], major, manager=users["client_user"], engineers=[])


def test_a_public_update_reaches_every_affected_contact_in_their_language_and_zone(
        app, users, major, children, initech, mailbox, db):
    services.link_children(users["agent"], major, children)
    accounts.update_profile(users["other_user"], name=users["other_user"].name, locale="uk", timezone="Europe/Kyiv")
    users["client_user"].timezone = "America/New_York"
    db.session.commit()
    run_jobs(app)
    mailbox.messages.clear()
    update = services.post_update(users["agent"], major, body="The switch is being replaced.",
                                  body_uk="Комутатор замінюють.")
    assert major.incident_detail.next_update_due == update.created_at + timedelta(minutes=30)
    run_jobs(app)
    told = {m["To"]: m for m in mailbox.messages}
    assert set(told) == {"boss@acme.test", "user@acme.test", "boss@globex.test", "user@globex.test"}
    assert "peter@initech.test" not in told  # not affected
    english = mailbox.body(told["user@acme.test"])
    assert "The switch is being replaced." in english and "(America/New_York)" in english
    assert "Hosting in the Kyiv data centre" in told["user@acme.test"]["Subject"]
    assert major.title not in told["user@acme.test"]["Subject"]  # the provider's words stay inside
    assert_ours(told["user@acme.test"], thread_key=f"status.{major.number}")
    ukrainian = mailbox.body(told["user@globex.test"])
    assert "Комутатор замінюють." in ukrainian and "(Europe/Kyiv)" in ukrainian
    mailbox.messages.clear()
    db.session.commit()  # a fresh snapshot, as a job gets
    incident_jobs.send_update(update.id)  # twice: nobody hears twice
    assert mailbox.messages == []


def test_an_internal_update_goes_only_to_the_people_on_it(app, users, major, children, mailbox, db):
    services.set_people(users["manager"], major, manager=users["manager"], engineers=[users["admin"]])
    run_jobs(app)
    mailbox.messages.clear()
    services.post_update(users["agent"], major, body="Vendor RMA 7731 opened.", public=False)
    run_jobs(app)
    assert sorted(m["To"] for m in mailbox.messages) == ["admin@provider.test", "manager@provider.test"]
    assert all(major.number in m["Subject"] for m in mailbox.messages)
    assert_ours(mailbox.messages[0], ticket=major.number)


def test_an_update_needs_text_and_a_major_incident(users, outage, major):
    with pytest.raises(ValidationError) as error:
        services.post_update(users["agent"], major, body=" ")
    assert "body" in error.value.errors


def test_the_manager_is_reminded_once_when_an_update_is_due(app, users, major, mailbox, db, monkeypatch):
    services.set_people(users["manager"], major, manager=users["agent"], engineers=[])
    number = major.number
    run_jobs(app)
    mailbox.messages.clear()
    assert incident_jobs.remind_managers() == 0  # not due yet
    later = timeutil.utcnow() + timedelta(minutes=31)
    monkeypatch.setattr(timeutil, "utcnow", lambda: later)
    assert incident_jobs.remind_managers() == 1
    assert incident_jobs.remind_managers() == 0  # once per due time
    assert [m["To"] for m in mailbox.messages] == ["agent@provider.test"]
    assert "A status update is due" in mailbox.messages[0]["Subject"]
    assert_ours(mailbox.messages[0], ticket=number)


def test_the_interval_is_configured_per_priority(app, users, outage, org_b):
    app.config["INCIDENT_UPDATE_MINUTES"] = ["15", "30", "60", "120"]
    try:
        services.declare(users["manager"], outage, "P1 outage")
        due = outage.incident_detail.next_update_due - outage.incident_detail.declared_at
        assert due == timedelta(minutes=15)
    finally:
        app.config["INCIDENT_UPDATE_MINUTES"] = ["30", "30", "30", "30"]


def test_resolving_resolves_the_children_with_a_message_in_one_unit_of_work(app, users, major, children, db):
    services.link_children(users["agent"], major, children)
    done = services.resolve_major(users["agent"], major, resolution_code="hardware_replaced",
                                  resolution="Core switch replaced.", message="The network is back: sorry.")
    assert done == [children[0].number, children[1].number, major.number]
    db.session.expire_all()
    for child in children:
        fresh = db.session.get(Ticket, child.id)
        assert fresh.status == "resolved" and fresh.messages[-1].body_text.strip() == "The network is back: sorry."
    assert db.session.get(Ticket, major.id).incident_detail.review_open


def test_a_refused_resolution_resolves_no_child(users, major, children, db):
    services.link_children(users["agent"], major, children)
    with pytest.raises(ValidationError):
        services.resolve_major(users["agent"], major, resolution_code="nonsense", resolution="x", message="Back.")
    db.session.expire_all()
    assert [db.session.get(Ticket, c.id).status for c in children] == ["new", "new"]
    assert all(not db.session.get(Ticket, c.id).messages for c in children)


def test_only_incidents_become_children(users, major, org_a):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Switch firmware")
    with pytest.raises(ValidationError):
        services.link_children(users["agent"], major, [problem])


def test_the_review_creates_its_problem_once(users, major, db):
    services.resolve_major(users["agent"], major, resolution_code="fixed", resolution="Replaced.", message="Back.")
    problem = services.problem_from_review(users["manager"], major, root_cause="Firmware bug in the line cards")
    assert problem.kind == "problem" and problem.problem_detail.root_cause == "Firmware bug in the line cards"
    assert major.incident_detail.problem == problem
    assert db.session.scalar(sa.select(Link.id).where(Link.source_id == major.id, Link.target_id == problem.id,
                                                      Link.kind == "caused_by"))
    with pytest.raises(ValidationError):
        services.problem_from_review(users["manager"], major)
