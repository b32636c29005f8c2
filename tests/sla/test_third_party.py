"""Waiting for a third party (a supplier): a status of incidents and service requests that stops the
clock only where the policy says so — by default the clock keeps running."""
import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.tickets import services as tickets
from sla import services
from sla.models import SlaPolicy, SlaThreshold, TicketClock
from tests.helpers import form_values, text
from tests.sla.conftest import TARGETS, kyiv

THIRD = "third_party"


@pytest.fixture
def pausing(calendar):
    """The provider's default policy, told to stop the clock while a third party is waited for."""
    return services.save_policy(SHELL, None, name="Supplier-aware", calendar=calendar, kind=None, targets=TARGETS,
                                pause_statuses=("pending", THIRD), is_default=True)


def _wait_for_supplier(users, clock):
    """Monday 09:00 an incident (resolution 960 business minutes: due Tuesday 16:00 on 9–18); 09:30
    the agent answers; 10:00 the ticket waits for the supplier."""
    agent = users["agent"]
    clock.at(2026, 3, 9, 9, 0)
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Leased line down")
    assert ticket.resolution_due == kyiv(2026, 3, 10, 16, 0)
    clock.at(2026, 3, 9, 9, 30)
    tickets.reply(agent, ticket, "We asked the carrier.")
    clock.at(2026, 3, 9, 10, 0)
    tickets.transition(agent, ticket, THIRD)
    return ticket


def test_a_policy_that_pauses_moves_the_due_time_by_exactly_the_paused_business_time(
        app, db, users, pausing, clock, api, login):
    ticket = _wait_for_supplier(users, clock)
    number = ticket.number
    assert ticket.status == THIRD and ticket.resolution_due is None and ticket.next_sla_check_at is None
    assert db.session.scalars(sa.select(SlaThreshold.at).where(SlaThreshold.ticket_id == ticket.id,
                                                                 SlaThreshold.at.is_not(None))).all() == []
    body = api("client_user").get(f"/api/v1/tickets/{number}").json
    assert body["status"] == THIRD and body["status_label"] == "Waiting for a third party (a supplier)"
    assert body["sla"]["paused"] is True and body["sla"]["pause_reason"] == THIRD
    assert body["sla"]["resolution"] == {"due": None, "met_at": None, "breached": False, "remaining_minutes": 900.0}
    staff = api("agent").get(f"/api/v1/tickets/{number}").json
    assert staff["status_label"] == "Waiting for a third party" and staff["sla"]["pause_reason"] == THIRD

    page = text(login("agent").get(f"/tickets/{number}"))
    assert "Paused since 9 Mar, 10:00: Waiting for a third party" in page
    clock.at(2026, 3, 10, 10, 15)
    portal = text(login("client_user").get(f"/portal/tickets/{number}"))
    assert "Paused since 09.03.2026 10:00: waiting for a third party (a supplier)" in portal
    assert "Waiting for a third party (a supplier)" in portal  # the status, in the client's words

    clock.at(2026, 3, 10, 11, 0)
    tickets.transition(users["agent"], ticket, "open")  # the carrier answered
    # Paused Monday 10:00–18:00 and Tuesday 09:00–11:00: 600 business minutes, so Tuesday 16:00 + 600
    # business minutes: 120 on Tuesday, 480 on Wednesday → Wednesday 17:00.
    assert ticket.resolution_due == kyiv(2026, 3, 11, 17, 0)
    segments = db.session.get(TicketClock, ticket.id).segments
    assert [(s["state"], s["why"]) for s in segments] == [("running", "new"), ("paused", THIRD), ("running", "open")]
    assert (segments[1]["from"], segments[1]["to"]) == (kyiv(2026, 3, 9, 10, 0).isoformat(),
                                                        kyiv(2026, 3, 10, 11, 0).isoformat())
    portal = text(login("client_user").get(f"/portal/tickets/{number}"))
    assert "Paused 09.03.2026 10:00–11:00: waiting for a third party (a supplier)" in portal
    assert "Paused since" not in portal
    agent_page = text(login("agent").get(f"/tickets/{number}"))
    assert "Mon 9 Mar, 10:00–Tue 10 Mar, 11:00: Waiting for a third party" in agent_page  # the past pause
    body = api("client_user").get(f"/api/v1/tickets/{number}").json
    assert body["sla"]["paused"] is False and body["sla"]["pause_reason"] is None
    assert body["sla"]["resolution"]["due"] == kyiv(2026, 3, 11, 17, 0).isoformat()

    ticket_id = ticket.id
    replayed = app.test_cli_runner().invoke(args=["sla", "recompute", "--ticket", number])
    assert replayed.exit_code == 0 and "1 clocks recomputed" in replayed.output
    db.session.expire_all()
    again = db.session.get(TicketClock, ticket_id)
    assert [(s["state"], s["why"]) for s in again.segments] == [("running", "new"), ("paused", THIRD),
                                                                ("running", "open")]
    assert again.ticket.resolution_due == kyiv(2026, 3, 11, 17, 0)  # the history replayed to the same clock


def test_by_default_the_clock_keeps_running_while_a_third_party_is_waited_for(db, users, policy, clock, api, login):
    assert list(db.session.scalar(sa.select(SlaPolicy.pause_statuses))) == ["pending"]
    ticket = _wait_for_supplier(users, clock)
    number, ticket_id = ticket.number, ticket.id
    assert ticket.resolution_due == kyiv(2026, 3, 10, 16, 0) and ticket.next_sla_check_at is not None
    assert db.session.scalars(sa.select(SlaThreshold.at).where(SlaThreshold.ticket_id == ticket_id,
                                                                 SlaThreshold.target == "resolution")).all() != [None]
    body = api("client_user").get(f"/api/v1/tickets/{number}").json
    assert body["status"] == THIRD and body["sla"]["paused"] is False and body["sla"]["pause_reason"] is None
    assert body["sla"]["resolution"]["due"] == kyiv(2026, 3, 10, 16, 0).isoformat()

    clock.at(2026, 3, 10, 16, 30)  # still waiting for the carrier, past the due time
    body = api("client_user").get(f"/api/v1/tickets/{number}").json
    assert body["sla"]["resolution"]["breached"] is True and body["sla"]["resolution"]["remaining_minutes"] == 0
    portal = text(login("client_user").get(f"/portal/tickets/{number}"))
    assert "Paused" not in portal and "Waiting for a third party (a supplier)" in portal
    tickets.transition(users["agent"], db.session.get(type(ticket), ticket_id), "open")
    assert [(s["state"], s["why"]) for s in db.session.get(TicketClock, ticket_id).segments] == [("running", "new")]


def test_a_client_reply_does_not_end_the_wait_for_a_third_party(db, users, pausing, clock):
    ticket = _wait_for_supplier(users, clock)
    clock.at(2026, 3, 9, 12, 0)
    tickets.reply(users["client_user"], ticket, "Any news from the carrier?")
    assert ticket.status == THIRD and ticket.resolution_due is None
    clock_row = db.session.get(TicketClock, ticket.id)
    assert clock_row.next_response_since is not None  # the client still waits for an answer from us


@pytest.mark.parametrize("kind", ["incident", "request"])
def test_the_steps_in_and_out_are_those_of_waiting_for_the_client(db, users, kind):
    agent, client = users["agent"], users["client_user"]
    ticket = tickets.create_ticket(client, kind=kind, title="Needs the vendor")
    with pytest.raises(ValidationError):
        tickets.transition(client, ticket, THIRD)  # only staff decide who the ticket waits for
    tickets.transition(agent, ticket, THIRD)
    assert ticket.status == THIRD and ticket.is_open
    tickets.transition(agent, ticket, "pending")
    tickets.transition(agent, ticket, THIRD)
    with pytest.raises(ValidationError) as refused:
        tickets.transition(agent, ticket, "resolved")
    assert "resolution_code" in refused.value.errors
    tickets.transition(agent, ticket, "resolved", resolution_code="fixed", resolution="The vendor replaced it.")
    with pytest.raises(ValidationError):
        tickets.transition(agent, ticket, THIRD)  # a resolved ticket is reopened first
    tickets.transition(client, ticket, "open")
    tickets.transition(agent, ticket, THIRD)
    tickets.transition(client, ticket, "closed")  # "solved, thanks", as from waiting for the client
    assert ticket.status == "closed"


def test_problems_and_changes_have_no_such_status(db, users):
    agent = users["agent"]
    for kind in ("problem", "change"):
        ticket = tickets.create_ticket(agent, kind=kind, title="Not for suppliers",
                                       organization=users["client_user"].organization)
        with pytest.raises(ValidationError):
            tickets.transition(agent, ticket, THIRD)


def test_the_agent_has_the_button_and_the_lists_filter(db, users, login):
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Printer toner from vendor")
    tickets.assign(users["agent"], ticket, assignee=users["agent"])
    agent = login("agent")
    page = f"/tickets/{ticket.number}"
    assert "Wait for a third party" in text(agent.get(page))
    assert agent.submit(f"{page}/transition", {"status": THIRD}, page=page).status_code == 302
    assert "Waiting for a third party" in text(agent.get(page))
    listed = text(agent.get("/tickets/?view=all&status=third_party"))
    assert ticket.title in listed
    assert ticket.title not in text(agent.get("/tickets/?view=all&status=pending"))
    home = text(agent.get("/"))
    assert "Waiting for a third party: 1" in home
    assert login("client_user").submit(f"/portal/tickets/{ticket.number}/reply", {"body": "Thanks"},
                                       page=f"/portal/tickets/{ticket.number}").status_code in (302, 303)
    assert ticket.title in text(agent.get("/tickets/?view=all&status=third_party"))


def test_the_policy_form_has_its_own_checkbox_off_by_default(login, calendar, db):
    admin = login("admin")
    form = text(admin.get("/sla/policies/new"))
    assert "Pause while waiting for a third party" in form
    assert "Off by default" in form and "the clock keeps running" in form
    shown = form_values(form, having="name")  # as a browser would post it untouched
    assert shown["pause_statuses"] == "pending" and "pause_third_party" not in shown
    data = {"name": "Carrier contract", "calendar": str(calendar.id), "kind": "", "pause_statuses": ["pending"],
            "pause_third_party": "y", "active": "y", "lv0_action": "notify_assignee", "lv1_action": "notify_assignee",
            "lv2_action": "notify_assignee", "lv3_action": "notify_assignee", "lv0_percent": "100",
            "t1_resolution": "480"}
    assert admin.submit("/sla/policies/new", data).status_code == 302
    policy = db.session.scalar(sa.select(SlaPolicy))
    assert policy.pause_statuses == ["pending", THIRD]
    edit = form_values(text(admin.get(f"/sla/policies/{policy.id}")), having="name")
    assert edit["pause_third_party"] == "y" and edit["pause_statuses"] == "pending"
    assert "Waiting for the client, Waiting for a third party" in text(admin.get("/sla/policies"))

    page = f"/sla/policies/{policy.id}"
    assert admin.submit(page, {k: v for k, v in data.items() if k != "pause_third_party"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(SlaPolicy, policy.id).pause_statuses == ["pending"]
    refused = admin.submit(page, {**data, "pause_statuses": ["lunch"]})
    assert refused.status_code == 200 and "is not a valid choice for this field." in text(refused)
    db.session.expire_all()
    assert db.session.get(SlaPolicy, policy.id).pause_statuses == ["pending"]


def test_the_service_refuses_a_status_that_cannot_stop_the_clock(db, calendar):
    with pytest.raises(ValidationError) as refused:
        services.save_policy(SHELL, None, name="Odd", calendar=calendar, kind=None, targets=TARGETS,
                             pause_statuses=("pending", "lunch"))
    assert "pause_statuses" in refused.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaPolicy)) == 0
