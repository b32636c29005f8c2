"""Changes: fields and their checks, the workflow with its emergency and standard paths, the
CAB's approvals under the policy, the review, and every bad input refused with nothing changed."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.changes import queries, services
from app.changes.models import ChangeApproval, ChangeDetail
from app.errors import Forbidden, ValidationError
from app.tickets import services as tickets
from app.tickets.models import Event, Ticket
from tests.changes.conftest import SUNDAY_2AM_KYIV, make_change, plan, to_cab
from tests.factories import make_team, make_ticket


def state(db, change):
    """What a refused action must leave as it was."""
    db.session.rollback()
    db.session.expire_all()
    ticket = db.session.get(Ticket, change.id)
    detail = db.session.get(ChangeDetail, change.id)
    events = db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.ticket_id == change.id))
    approvals = db.session.scalar(sa.select(sa.func.count()).select_from(ChangeApproval))
    return (ticket.status, ticket.version, ticket.approval_status, events, approvals,
            detail.planned_start, detail.planned_end, detail.risk)


def refused(db, change, action, field):
    before = state(db, change)
    with pytest.raises(ValidationError) as error:
        action()
    assert field in error.value.errors, error.value.errors
    assert state(db, change) == before
    return " ".join(str(m) for m in error.value.errors[field])


def test_a_change_is_normal_by_default_and_the_questionnaire_suggests_its_risk(users, org_a, org_b):
    change = services.create_change(users["agent"], organization=org_a, title="Replace a PSU",
                                    risk_answers={"downtime": True, "slow_backout": True})
    detail = change.change_detail
    assert (detail.change_type, detail.risk, change.status) == ("normal", "high", "draft")
    services.update_change(users["agent"], change, risk="", risk_answers={"first_time": True})
    assert change.change_detail.risk == "medium"
    services.update_change(users["agent"], change, organizations=[org_a, org_b], **plan())
    assert [o.code for o in change.change_detail.organizations] == ["ACME", "GLOBEX"]


def test_a_planned_end_before_its_start_is_refused(users, org_a, db):
    change = make_change(users["agent"], org_a)
    message = refused(db, change, lambda: services.update_change(
        users["agent"], change, planned_start=SUNDAY_2AM_KYIV, planned_end=SUNDAY_2AM_KYIV - timedelta(hours=1)),
        "planned_end")
    assert "must come after its start" in message
    with pytest.raises(ValidationError):
        services.create_change(users["agent"], organization=org_a, title="Backwards",
                               planned_start=SUNDAY_2AM_KYIV, planned_end=SUNDAY_2AM_KYIV)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_the_cab_needs_the_window_and_the_plans(users, org_a, db):
    change = services.create_change(users["agent"], organization=org_a, title="Unplanned")
    tickets.transition(users["agent"], change, "submitted")
    tickets.transition(users["agent"], change, "assessment")
    refused(db, change, lambda: tickets.transition(users["agent"], change, "awaiting_approval"), "planned_start")


def test_a_normal_change_cannot_skip_its_approval(users, change, org_a, db):
    for target in ("approved", "scheduled", "implementing"):
        message = refused(db, change, lambda t=target: tickets.transition(users["manager"], change, t), "status")
        assert "cannot go from" in message
    draft = make_change(users["agent"], org_a)
    tickets.transition(users["agent"], draft, "submitted")
    refused(db, draft, lambda: tickets.transition(users["agent"], draft, "implementing"), "status")


def test_two_approvals_approve_a_medium_risk_change(users, change, cab, db):
    services.decide(users["manager"], change, "approve", "Plan and backout are sound.")
    assert change.status == "awaiting_approval"
    services.decide(users["admin"], change, "approve", "Fine by me.")
    change = db.session.get(Ticket, change.id)
    assert (change.status, change.approval_status) == ("approved", "approved")
    history = [e.new_value for e in db.session.scalars(sa.select(Event).where(Event.ticket_id == change.id,
                                                                               Event.field == "approval"))]
    assert history == ["approved: Plan and backout are sound.", "approved: Fine by me."]
    tickets.transition(users["agent"], change, "scheduled")
    assert change.status == "scheduled"


def test_any_rejection_rejects_and_a_rejected_change_cannot_be_scheduled(users, change, cab, db):
    services.decide(users["manager"], change, "approve", "Looks fine.")
    services.decide(users["admin"], change, "reject", "Not during the sale week.")
    change = db.session.get(Ticket, change.id)
    assert (change.status, change.approval_status, change.is_open) == ("rejected", "rejected", False)
    message = refused(db, change, lambda: tickets.transition(users["agent"], change, "scheduled"), "status")
    assert "cannot go from" in message
    refused(db, change, lambda: services.decide(cab[2], change, "approve", "Late vote"), "status")


def test_approving_twice_is_refused(users, change, cab, db):
    services.decide(users["manager"], change, "approve", "Yes.")
    message = refused(db, change, lambda: services.decide(users["manager"], change, "approve", "Yes again."), "approver")
    assert "already decided" in message


def test_approving_your_own_change_is_refused_unless_the_policy_allows_it(users, org_a, cab, db):
    own = to_cab(users["manager"], make_change(users["manager"], org_a, risk="low"))
    message = refused(db, own, lambda: services.decide(users["manager"], own, "approve", "Mine, fine."), "approver")
    assert "your own change" in message
    services.save_policy(users["admin"], approvals_low=1, approvals_medium=2, approvals_high=2, self_approval=True)
    services.decide(users["manager"], own, "approve", "Policy allows it now.")
    assert db.session.get(Ticket, own.id).status == "approved"


def test_clients_and_agents_outside_the_cab_cannot_approve(users, change, db):
    before = state(db, change)
    for who in ("client_admin", "agent"):
        with pytest.raises(Forbidden):
            services.decide(users[who], change, "approve", "Let me in")
    assert state(db, change) == before


def test_a_named_cab_team_approves_instead_of_managers(users, change, db):
    board = make_team("Change Advisory Board", members=[users["agent"], users["admin"]])
    services.save_policy(users["admin"], approvals_low=1, approvals_medium=1, approvals_high=1, cab_team=board)
    with pytest.raises(Forbidden):
        services.decide(users["manager"], change, "approve", "I am a manager")
    db.session.rollback()
    assert [t.number for t in queries.approval_queue(users["admin"])] == [change.number]
    assert queries.approval_queue(users["manager"]) == []
    services.decide(users["admin"], change, "approve", "The board agrees.")
    assert db.session.get(Ticket, change.id).status == "approved"


def test_every_decision_carries_a_comment(users, change, db):
    refused(db, change, lambda: services.decide(users["manager"], change, "approve", "  "), "comment")
    refused(db, change, lambda: services.decide(users["manager"], change, "maybe", "Hmm"), "decision")


def test_an_emergency_change_starts_work_and_is_approved_afterwards(users, org_a, cab, db, app):
    urgent = services.create_change(users["agent"], organization=org_a, title="Patch the OpenSSH hole now",
                                    change_type="emergency", risk="high")
    tickets.transition(users["agent"], urgent, "submitted")
    assert "implementing" in tickets.targets(urgent)
    tickets.transition(users["agent"], urgent, "implementing")
    assert (urgent.status, urgent.approval_status) == ("implementing", "pending")
    assert [t.number for t in queries.approval_queue(users["manager"])] == [urgent.number]
    services.update_change(users["agent"], urgent, **plan())  # written while the work goes on
    services.decide(users["manager"], urgent, "approve", "Right call.")
    services.decide(users["admin"], urgent, "approve", "Agreed.")
    urgent = db.session.get(Ticket, urgent.id)
    assert (urgent.status, urgent.approval_status) == ("implementing", "approved")


def test_a_standard_change_is_approved_by_its_template(users, org_a, db):
    template = services.save_template(users["manager"], None, name="Restart a web server", title="Restart nginx",
                                      implementation_plan="systemctl restart nginx", backout_plan="None needed")
    with pytest.raises(ValidationError):
        services.create_change(users["agent"], organization=org_a, title="No template", change_type="standard")
    change = services.create_change(users["agent"], organization=org_a, title="", template=template,
                                    planned_start=SUNDAY_2AM_KYIV, planned_end=SUNDAY_2AM_KYIV + timedelta(minutes=30))
    assert (change.title, change.change_detail.change_type) == ("Restart nginx", "standard")
    tickets.transition(users["agent"], change, "submitted")
    assert "approved" in tickets.targets(change)
    tickets.transition(users["agent"], change, "approved")
    assert change.status == "approved"


def test_an_approved_change_keeps_its_plan(users, change, cab, db):
    services.decide(users["manager"], change, "approve", "Yes.")
    refused(db, change, lambda: services.update_change(users["agent"], change, risk="low"), "risk")


def test_the_review_records_the_outcome_and_the_incidents_caused(users, change, cab, db):
    services.decide(users["manager"], change, "approve", "Yes.")
    services.decide(users["admin"], change, "approve", "Yes.")
    for status in ("scheduled", "implementing", "review"):
        tickets.transition(users["agent"], change, status)
    refused(db, change, lambda: tickets.transition(users["agent"], change, "closed", resolution="Done"), "outcome")
    caused = make_ticket(users["client_user"], title="Graphs gone after the upgrade")
    services.record_review(users["agent"], change, outcome="backed_out", lessons="Test on staging first.",
                           caused=[caused])
    assert [ln.source.number for ln in queries.caused_links(change)] == [caused.number]
    tickets.transition(users["agent"], change, "closed", resolution="Backed out; retry next week.")
    assert (change.status, change.change_detail.outcome) == ("closed", "backed_out")
