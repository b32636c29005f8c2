"""The clock where people see it: the API, the workspace's sort, the agent's panel, the portal."""
from app.tickets import services as tickets
from tests.helpers import text
from tests.sla.conftest import kyiv


def test_the_api_carries_the_clock_and_sorts_by_due(app, db, users, policy, clock, api):
    client, agent = users["client_user"], users["agent"]
    late = tickets.create_ticket(client, kind="incident", title="Created first")  # Fri 17:30
    clock.at(2026, 3, 6, 9, 0)
    early = tickets.create_ticket(client, kind="incident", title="Created earlier that day")
    problem = tickets.create_ticket(agent, kind="problem", title="No clock", organization=client.organization)
    clock.at(2026, 3, 6, 9, 42)
    tickets.reply(agent, early, "On it.")
    tickets.transition(agent, early, "pending")
    numbers = late.number, early.number, problem.number

    body = api("client_user").get(f"/api/v1/tickets/{numbers[1]}").json
    assert body["sla"] == {
        "policy": "Standard", "paused": True, "pause_reason": "pending",
        "first_response": {"due": kyiv(2026, 3, 6, 10, 0).isoformat(), "met_at": kyiv(2026, 3, 6, 9, 42).isoformat(),
                           "breached": False, "remaining_minutes": None},
        "resolution": {"due": None, "met_at": None, "breached": False, "remaining_minutes": 918.0}}
    assert api("agent").get(f"/api/v1/tickets/{numbers[2]}").json["sla"] is None
    listed = api("agent").get("/api/v1/tickets?sort=due&limit=1")
    assert [t["number"] for t in listed.json["items"]] == [numbers[0]]  # the paused one has no due time
    following = api("agent").get(f"/api/v1/tickets?sort=due&limit=5&cursor={listed.json['next']}")
    assert [t["number"] for t in following.json["items"]] == [numbers[2], numbers[1]] or \
        [t["number"] for t in following.json["items"]] == [numbers[1], numbers[2]]


def test_the_agent_sees_timers_and_segments_and_the_client_their_words(app, db, users, policy, clock, login):
    client, agent = users["client_user"], users["agent"]
    clock.at(2026, 3, 10, 10, 30)
    ticket = tickets.create_ticket(client, kind="incident", title="Backups failing")
    clock.at(2026, 3, 10, 10, 42)
    tickets.reply(agent, ticket, "Which server?")
    clock.at(2026, 3, 10, 14, 2)
    tickets.transition(agent, ticket, "pending")
    number = ticket.number

    page = text(login("agent").get(f"/tickets/{number}"))
    assert "Service level" in page and "Standard" in page
    assert "Waiting for the client" in page  # the open segment's reason
    portal = text(login("client_user").get(f"/portal/tickets/{number}"))
    assert "First answer due by 11:30 (Kyiv time) — met at 10:42" in portal
    assert "Paused since 14:02: waiting for your reply" in portal

    clock.at(2026, 3, 10, 16, 40)
    tickets.reply(client, ticket, "It is backup-02.")
    portal = text(login("client_user").get(f"/portal/tickets/{number}"))
    assert "Paused 14:02–16:40: waiting for your reply" in portal  # the past pause, explained
    assert "Paused since" not in portal
