"""Organization and team pages to work from: open tickets, servers, windows, time; queue and load."""
from datetime import time

import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.changes import services as changes
from app.tickets import relations
from cmdb import services as cmdb
from cmdb.models import CIClass
from tests.factories import make_ticket
from tests.helpers import text


def test_an_organizations_page_shows_its_work_to_staff_only(login, users, org_a, team, db):
    ticket = make_ticket(users["client_user"], title="Disk almost full on db-03")
    relations.log_time(users["agent"], ticket, minutes=75)
    changes.add_window(users["manager"], org_a, weekday=6, start_time=time(2, 0), duration_minutes=180,
                       timezone="Europe/Kyiv")
    cmdb.seed_catalog(SHELL)
    vm = db.session.scalar(sa.select(CIClass).where(CIClass.code == "virtual_machine"))
    cmdb.create_ci(users["agent"], ci_class=vm, name="db-03", organization=org_a)
    page = text(login("agent").get(f"/organizations/{org_a.id}"))
    overview = page[page.index('id="org-overview"'):]
    assert ticket.number in overview and f"/tickets/?view=open&amp;organization={org_a.id}" in overview
    assert "All 1" in overview and "1 h 15 min" in overview
    servers = overview[overview.index('id="org-servers"'):]
    assert "db-03" in servers and vm.name in servers and "/cmdb/" in servers
    assert "Sunday, 02:00 · 3 hours (Europe/Kyiv)" in overview
    assert 'id="org-overview"' not in text(login("client_admin").get(f"/organizations/{org_a.id}"))


def test_a_teams_page_links_its_queue_and_shows_each_members_load(login, users, team, org_a):
    make_ticket(users["agent"], organization=org_a, team=team, assignee=users["agent"])
    make_ticket(users["agent"], organization=org_a, team=team)
    page = text(login("agent").get(f"/teams/{team.id}"))
    assert f"/tickets/?view=team_queue&amp;team={team.id}" in page and "The queue: 2 open tickets" in page
    assert "1 unassigned" in page
    assert f"/tickets/?view=open&amp;assignee={users['agent'].id}" in page and "1 open ticket" in page


def test_an_organizations_contract_is_its_sla_policy_with_targets_else_the_default(login, users, org_a, org_b, db):
    from sla import services as sla

    calendar = sla.save_calendar(SHELL, None, name="Kyiv office", timezone="Europe/Kyiv",
                                 weekly={day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")})
    targets = {str(p): {"first_response": 30 * p, "next_response": 120, "resolution": 240 * p} for p in range(1, 5)}
    sla.save_policy(SHELL, None, name="Standard", calendar=calendar, kind=None, targets=targets, is_default=True)
    gold = sla.save_policy(SHELL, None, name="Gold 24/7", calendar=calendar, kind="incident",
                           targets={**targets, "1": {"first_response": 15, "next_response": 30, "resolution": 120}})
    sla.set_organization_policies(SHELL, org_a, [gold])
    agent = login("agent")
    contract = text(agent.get(f"/organizations/{org_a.id}"))
    contract = contract[contract.index('id="org-contract"'):contract.index('id="org-servers"')]
    assert "Gold 24/7" in contract and "Standard" not in contract and "Incident" in contract
    assert "15 min" in contract and "2 h" in contract  # P1: first response in 15 min, resolution in 2 h
    other = text(agent.get(f"/organizations/{org_b.id}"))
    other = other[other.index('id="org-contract"'):other.index('id="org-servers"')]
    assert "the provider’s default" in other and "Standard" in other and "Gold" not in other
