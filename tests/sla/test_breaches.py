"""The managers' breach list: the month's breaches with the clock's explanation, filtered by
organization, team, priority and month, and each organization's compliance."""
import re

from app.tickets import services as tickets
from sla import escalation
from tests.helpers import run_jobs, text


def test_breaches_are_listed_explained_and_filtered(app, mailbox, login, users, team, org_b, policy, clock, db):
    client, agent, other = users["client_user"], users["agent"], users["other_user"]
    late = tickets.create_ticket(client, kind="incident", title="Mail bounces")  # Fri 6 March 17:30
    tickets.update_ticket(agent, late, team=team)
    clock.at(2026, 3, 6, 17, 40)
    tickets.reply(agent, late, "Which address?")
    tickets.transition(agent, late, "pending")  # stands over the weekend
    clock.at(2026, 3, 9, 10, 0)
    tickets.reply(client, late, "postmaster@acme.test")
    clock.at(2026, 3, 9, 10, 5)
    on_time = tickets.create_ticket(other, kind="incident", title="Printer offline", urgency=3)
    clock.at(2026, 3, 9, 10, 30)
    tickets.reply(agent, on_time, "Rebooted it.")
    tickets.transition(agent, on_time, "resolved", resolution_code="configuration", resolution="Rebooted.")
    number_late, number_on_time, priority = late.number, on_time.number, late.priority
    team_id, org_b_id = team.id, org_b.id

    manager, agent_client = login("manager"), login("agent")
    clock.at(2026, 3, 12, 12, 0)
    escalation.sweep(clock.now)
    run_jobs(app)  # the sweep enqueues, the jobs fire

    page = text(manager.get("/sla/breaches?month=2026-03"))
    assert number_late in page and "Mail bounces" in page
    assert "Resolution" in page and "Breached at" in page
    assert "Stood 6 Mar, 17:40–9 Mar, 10:00: Waiting for the client." in page
    assert "Target 16 h of “Kyiv office” (Standard), counted from 6 Mar, 17:30." in page
    assert number_on_time not in page.split('id="breaches"')[1]  # answered and resolved within the hour
    compliance = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="compliance"')[1].split('id="breaches"')[0]).split())
    assert "Acme Hosting Clients" in compliance and "Globex Corporation" in compliance
    assert compliance.count("100 % 1 met, 0 breached") == 3  # ACME's first response, Globex's both
    assert "0 % 0 met, 1 breached" in compliance  # ACME's resolution

    assert number_late not in text(manager.get(f"/sla/breaches?month=2026-03&organization={org_b_id}"))
    assert number_late in text(manager.get(f"/sla/breaches?month=2026-03&team={team_id}&priority={priority}"))
    assert number_late not in text(manager.get("/sla/breaches?month=2026-03&priority=1"))
    assert number_late not in text(manager.get("/sla/breaches?month=2026-02"))
    assert number_late not in text(manager.get("/sla/breaches?month=2026-03&state=past"))
    assert manager.get("/sla/breaches?month=garbage&priority=x&team=-1").status_code == 200
    assert agent_client.get("/sla/breaches").status_code == 403
