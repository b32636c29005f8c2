"""A small SLA dataset built by hand: five tickets with known clocks, pauses and breaches across
two organizations and two months (March and April 2026, Kyiv 9–18 on weekdays; first response
60 business minutes, resolution 960). One ticket opens at 01:30 on 1 April in Kyiv, which is
still 31 March in UTC, so the months differ between the two zones of the fixture. The fixture
builds the daily roll-up of those months in both zones, so the report's counts come from it."""
from datetime import date

import pytest

from app.reports import daily_jobs, rollup
from app.tickets import relations
from app.tickets import services as tickets
from tests.sla.conftest import calendar, clock, kyiv, policy  # noqa: F401 (fixtures)


def _resolve(agent, ticket):
    tickets.transition(agent, ticket, "resolved", resolution_code="configuration", resolution="Fixed.")


@pytest.fixture
def dataset(users, team, org_a, org_b, policy, clock):  # noqa: F811
    acme, globex, agent = users["client_user"], users["other_user"], users["agent"]
    made = {}

    # T1 ACME, Mon 2 March: answered in 20 min, resolved in 120, rated 5; 60 billable minutes.
    clock.at(2026, 3, 2, 10, 0)
    t1 = made["t1"] = tickets.create_ticket(acme, kind="incident", title="T1 mail down")
    tickets.update_ticket(agent, t1, team=team, assignee=agent)
    clock.at(2026, 3, 2, 10, 20)
    tickets.reply(agent, t1, "Looking.")
    clock.at(2026, 3, 2, 12, 0)
    _resolve(agent, t1)
    relations.log_time(agent, t1, minutes=60)
    relations.log_time(agent, t1, minutes=15, billable=False)
    clock.at(2026, 3, 2, 13, 0)
    relations.rate(acme, t1, 5, "Quick.")

    # T2 ACME, Tue 3 March 17:30: answered Wed 09:50 (80 min: breached), waits for the client
    # from Wed 10:00 to Thu 10:00 (paused), resolved Thu 12:00 (210 min: met).
    clock.at(2026, 3, 3, 17, 30)
    t2 = made["t2"] = tickets.create_ticket(acme, kind="incident", title="T2 slow site")
    tickets.update_ticket(agent, t2, team=team)
    clock.at(2026, 3, 4, 9, 50)
    tickets.reply(agent, t2, "Which page?")
    clock.at(2026, 3, 4, 10, 0)
    tickets.transition(agent, t2, "pending")
    clock.at(2026, 3, 5, 10, 0)
    tickets.reply(acme, t2, "The shop.")
    clock.at(2026, 3, 5, 12, 0)
    _resolve(agent, t2)

    # T3 GLOBEX, priority 2, Mon 2 March 09:00: answered in 30 min; resolved Wed 15:00 (1440 min:
    # breached), reopened by the client Thu 10:00, resolved again 11:00 (1500 min); rated 2.
    clock.at(2026, 3, 2, 9, 0)
    t3 = made["t3"] = tickets.create_ticket(globex, kind="incident", title="T3 backup failed", urgency=1, impact=2)
    tickets.update_ticket(agent, t3, team=team, assignee=agent)
    clock.at(2026, 3, 2, 9, 30)
    tickets.reply(agent, t3, "Checking.")
    clock.at(2026, 3, 4, 15, 0)
    _resolve(agent, t3)
    clock.at(2026, 3, 5, 10, 0)
    tickets.reply(globex, t3, "Still failing.")
    clock.at(2026, 3, 5, 11, 0)
    _resolve(agent, t3)
    relations.rate(globex, t3, 2, "Took long.")

    # T4 GLOBEX, 1 April 01:30 in Kyiv (31 March 22:30 UTC): answered 09:15 (15 min), still open.
    clock.at(2026, 4, 1, 1, 30)
    t4 = made["t4"] = tickets.create_ticket(globex, kind="incident", title="T4 VPN flaps")
    clock.at(2026, 4, 1, 9, 15)
    tickets.reply(agent, t4, "On it.")

    # T5 ACME, Thu 2 April 10:00: answered 11:30 (90 min: breached), still open; 45 billable minutes.
    clock.at(2026, 4, 2, 10, 0)
    t5 = made["t5"] = tickets.create_ticket(acme, kind="request", title="T5 new mailbox")
    clock.at(2026, 4, 2, 11, 30)
    tickets.reply(agent, t5, "Creating it.")
    relations.log_time(agent, t5, minutes=45)

    clock.at(2026, 4, 20, 12, 0)
    rollup.refresh(clock.now)
    build_rollup(clock.now)
    return made


def build_rollup(now):
    """The daily roll-up of February to May 2026 in both zones, as the nightly job and the command
    build it; the report then reads March and April from it (the job's mark set at ``now``)."""
    daily_jobs.refresh(now)  # the first run sets the mark
    return daily_jobs.build(date(2026, 2, 1), date(2026, 6, 1), now)
