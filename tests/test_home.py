"""Home pages that say what needs doing, each count linking to the list it counts."""
from datetime import timedelta

from app import timeutil
from app.changes import services as changes
from app.jobs.models import OutboxJob
from app.tickets import relations, services
from tests import factories
from tests.changes.conftest import make_change, to_cab
from tests.factories import make_ticket
from tests.helpers import text


def test_agent_home_counts_my_work_and_links_to_the_lists(login, users, team, db):
    org = users["client_user"].organization
    mine = make_ticket(users["agent"], organization=org, assignee=users["agent"], team=team)
    waiting = make_ticket(users["agent"], organization=org, assignee=users["agent"], team=team, title="Send the log")
    services.transition(users["agent"], waiting, "pending")
    make_ticket(users["agent"], organization=org, team=team, title="Nobody took me")  # unassigned in my team
    answered = make_ticket(users["client_user"], title="Printer jams again")
    services.assign(users["agent"], answered, team=team, assignee=users["agent"])
    services.reply(users["agent"], answered, "Which tray?")
    services.reply(users["client_user"], answered, "The second one.")
    followed = make_ticket(users["client_admin"], title="VPN to the lab drops")
    relations.watch(users["agent"], followed, users["agent"], watching=True)
    make_ticket(users["manager"], organization=org, major=True, title="Core uplink down", impact=1, urgency=1)

    page = text(login("agent").get("/"))
    assert "/tickets/?view=mine&amp;status=pending" in page  # waiting for the client, linked
    my_work = page[page.index('id="my-work"'):]
    assert "/tickets/?view=unassigned&amp;team=" in my_work
    answered_box = page[page.index('id="client-answered"'):page.index('id="followed-news"')]
    assert answered.number in answered_box and mine.number not in answered_box
    assert followed.number in page[page.index('id="followed-news"'):]
    assert "Core uplink down" in page[page.index('id="major-incidents"'):]


def test_manager_home_backlog_unassigned_oldest_cab_and_low_ratings_first(login, users, team, org_a, db):
    make_ticket(users["client_user"], urgency=1)
    make_ticket(users["agent"], organization=org_a, team=team, impact=1, urgency=1, assignee=users["agent"])
    good, bad = make_ticket(users["client_user"], title="Fixed fast"), make_ticket(users["client_user"], title="Slow fix")
    for ticket, score in ((good, 5), (bad, 1)):
        services.transition(users["agent"], ticket, "resolved", resolution_code="fixed", resolution="Done.")
        relations.rate(users["client_user"], ticket, score, "Too slow" if score == 1 else "")
    board = factories.make_team("CAB", members=[users["manager"]])
    changes.save_policy(users["manager"], approvals_low=1, approvals_medium=1, approvals_high=1, cab_team=board)
    change = to_cab(users["agent"], make_change(users["agent"], org_a, risk="low"))

    page = text(login("manager").get("/"))
    backlog = page[page.index('id="backlog"'):page.index('id="oldest-open"')]
    assert f"/tickets/?view=open&amp;team={team.id}&amp;priority=1" in backlog and "No team" in backlog
    assert "view=unassigned" in backlog
    ratings = page[page.index('id="ratings"'):]
    assert ratings.index("Slow fix") < ratings.index("Fixed fast") and "Too slow" in ratings
    assert change.number in page[page.index('id="waits-for-you"'):]


def test_admin_home_says_what_waits_for_an_admin(login, users, db):
    db.session.add(OutboxJob(func="app.mail.notify.ticket_received", args=[1], kwargs={}, queue="mail",
                             state="failed", created_at=timeutil.utcnow() - timedelta(hours=1)))
    db.session.commit()
    page = text(login("admin").get("/"))
    assert "1 background job needs a look" in page and "/admin/jobs" in page


def test_client_home_needs_your_answer_please_rate_and_one_new_ticket_button(login, users, db):
    asked = make_ticket(users["client_user"], title="Disk almost full on db-03")
    services.transition(users["agent"], asked, "pending")
    done = make_ticket(users["client_user"], title="Mail bounces")
    services.transition(users["agent"], done, "resolved", resolution_code="fixed", resolution="SPF fixed.")
    foreign = make_ticket(users["other_user"], title="Globex printer")
    services.transition(users["agent"], foreign, "pending")

    page = text(login("client_user").get("/portal/"))
    assert asked.number in page[page.index('id="needs-answer"'):page.index('id="please-rate"')]
    assert f"/portal/tickets/{done.number}#rate" in page
    assert foreign.number not in page
    assert page.count("/portal/new\"") == 1

    relations.rate(users["client_user"], done, 4)
    assert 'id="please-rate"' not in text(login("client_user").get("/portal/"))
