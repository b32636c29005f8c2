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
    assert "1 configuration item" in overview and "1 h 15 min" in overview
    assert "Sunday, 02:00 · 3 hours (Europe/Kyiv)" in overview
    assert 'id="org-overview"' not in text(login("client_admin").get(f"/organizations/{org_a.id}"))


def test_a_teams_page_links_its_queue_and_shows_each_members_load(login, users, team, org_a):
    make_ticket(users["agent"], organization=org_a, team=team, assignee=users["agent"])
    make_ticket(users["agent"], organization=org_a, team=team)
    page = text(login("agent").get(f"/teams/{team.id}"))
    assert f"/tickets/?view=team_queue&amp;team={team.id}" in page and "The queue: 2 open tickets" in page
    assert "1 unassigned" in page
    assert f"/tickets/?view=open&amp;assignee={users['agent'].id}" in page and "1 open ticket" in page
