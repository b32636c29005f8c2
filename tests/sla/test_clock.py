"""The clock at the doors: pausing, reopening, a priority change, replay, the CLI and bad input."""
import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.errors import ValidationError
from app.tickets import services as tickets
from app.tickets.models import Event
from sla import services
from sla.models import TicketClock
from tests.sla.conftest import NINE_TO_SIX, TARGETS, kyiv


def test_a_ticket_without_a_policy_has_no_clock(db, users):
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="No contract yet")
    assert db.session.get(TicketClock, ticket.id) is None and ticket.resolution_due is None


def test_an_organizations_policy_comes_before_the_default(db, users, org_a, calendar, policy):
    gold = services.save_policy(SHELL, None, name="Gold", calendar=calendar, kind="incident",
                                targets={str(p): {"first_response": 15, "resolution": 120} for p in range(1, 5)})
    services.set_organization_policies(SHELL, org_a, [gold])
    ticket = tickets.create_ticket(users["client_user"], kind="incident", title="Gold client")
    other = tickets.create_ticket(users["other_user"], kind="incident", title="Standard client")
    assert db.session.get(TicketClock, ticket.id).policy.name == "Gold"
    assert db.session.get(TicketClock, other.id).policy.name == "Standard"


def test_resolving_stops_and_reopening_resumes_with_time_used_kept(db, users, policy, clock):
    agent, client = users["agent"], users["client_user"]
    ticket = tickets.create_ticket(client, kind="incident", title="VPN drops")  # Fri 17:30
    clock.at(2026, 3, 9, 10, 0)
    tickets.reply(agent, ticket, "Fixed the tunnel.")
    tickets.transition(agent, ticket, "resolved", resolution_code="fixed", resolution="Tunnel rekeyed.")
    assert ticket.resolution_due is None
    clock.at(2026, 3, 11, 9, 0)
    tickets.transition(client, ticket, "open")
    # 30 min Friday + 60 Monday used; 870 left from Wednesday 09:00: 540 Wed, 330 Thu → 14:30.
    assert ticket.resolution_due == kyiv(2026, 3, 12, 14, 30)
    segments = db.session.get(TicketClock, ticket.id).segments
    assert [(s["state"], s["why"]) for s in segments] == [("running", "new"), ("stopped", "resolved"),
                                                          ("running", "open")]


def test_a_priority_change_recomputes_from_the_segments_and_says_so(db, users, calendar, clock):
    targets = {**TARGETS, "1": {"first_response": 15, "resolution": 120}}
    services.save_policy(SHELL, None, name="Standard", calendar=calendar, kind=None, targets=targets,
                         is_default=True)
    agent = users["agent"]
    clock.at(2026, 3, 9, 9, 0)
    ticket = tickets.create_ticket(agent, kind="incident", title="Site down", organization=users["client_user"]
                                   .organization, impact=2, urgency=2)
    clock.at(2026, 3, 9, 10, 0)
    tickets.update_ticket(agent, ticket, impact=1, urgency=1)
    assert ticket.priority == 1
    assert ticket.resolution_due == kyiv(2026, 3, 9, 11, 0)  # 60 of 120 minutes already used
    event = db.session.scalars(sa.select(Event).where(Event.ticket_id == ticket.id, Event.field == "sla")).one()
    assert (event.old_value, event.new_value) == ("first response 2026-03-09T08:00+00:00, resolution 2026-03-10T14:00+00:00",
                                                  "first response 2026-03-09T07:15+00:00, resolution 2026-03-09T09:00+00:00")


def test_recompute_replays_the_history_to_the_same_clock(app, db, users, policy, clock):
    agent, client = users["agent"], users["client_user"]
    ticket = tickets.create_ticket(client, kind="incident", title="DNS")
    clock.at(2026, 3, 6, 17, 45)
    tickets.reply(agent, ticket, "Looking.")
    tickets.transition(agent, ticket, "pending")
    clock.at(2026, 3, 9, 11, 0)
    tickets.reply(client, ticket, "Any news?")
    ticket_id, due = ticket.id, ticket.resolution_due
    result = app.test_cli_runner().invoke(args=["sla", "recompute", "--ticket", ticket.number])
    assert result.exit_code == 0 and "1 clocks recomputed" in result.output
    db.session.expire_all()
    state = db.session.get(TicketClock, ticket_id)
    assert [s["state"] for s in state.segments] == ["running", "paused", "running"]
    assert state.next_response_since == kyiv(2026, 3, 9, 11, 0)
    assert state.ticket.resolution_due == due


def test_the_deadline_command(app, calendar):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sla", "deadline", "--calendar", "Kyiv office", "--start",
                                 "2026-03-06T17:00+02:00", "--minutes", "120"])
    assert result.exit_code == 0 and result.output.strip() == "2026-03-09T10:00:00+02:00"
    result = runner.invoke(args=["sla", "deadline", "--calendar", "Nowhere", "--start", "2026-03-06T17:00+02:00",
                                 "--minutes", "1"])
    assert result.exit_code != 0 and "no calendar called 'Nowhere'" in result.output


@pytest.mark.parametrize("timezone, weekly, field, words", [
    ("Europe/Kyiv", {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}, "mon", "09:00–13:00 and 12:00–18:00 overlap"),
    ("Europe/Kyiv", {"mon": [["18:00", "09:00"]]}, "mon", "18:00–09:00 ends before it starts"),
    ("Europe/Kyiv", {"tue": [["09:00", "25:00"]]}, "tue", "“25:00” is not a time of day"),
    ("Mars/Olympus", NINE_TO_SIX, "timezone", "Unknown time zone"),
    ("Europe/Kyiv", {}, "weekly", "needs some working time"),
])
def test_a_bad_calendar_is_refused_clearly(db, timezone, weekly, field, words):
    """On the field of the day (the admin page's) or the zone, in the reader's words."""
    with pytest.raises(ValidationError) as refused:
        services.save_calendar(SHELL, None, name="Bad", timezone=timezone, weekly=weekly)
    assert words in " ".join(refused.value.errors[field])


def test_a_policy_with_a_negative_target_is_refused(db, calendar):
    with pytest.raises(ValidationError) as refused:
        services.save_policy(SHELL, None, name="Bad", calendar=calendar, kind=None,
                             targets={"1": {"first_response": -5}})
    assert refused.value.errors["targets"] == ["P1: a target must be more than zero minutes."]
    with pytest.raises(ValidationError):
        services.save_policy(SHELL, None, name="Bad", calendar=calendar, kind=None, targets=TARGETS,
                             levels=[{"percent": 150, "action": "notify_team"}])
