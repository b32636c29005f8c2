"""The team hears of its new ticket by mail, and the admin edits the rules at /admin/routing."""
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.orgs import services as orgs
from app.routing.models import RoutingRule, RoutingSettings
from app.tickets.models import Ticket
from tests.factories import make_ticket
from tests.helpers import count, form_values, run_jobs, text
from tests.mail.headers import assert_ours
from tests.portal.test_new_ticket import post_new


def test_a_portal_ticket_lands_in_the_default_teams_queue_and_the_team_is_mailed(app, login, users, l1, mailbox, db):
    orgs.update_team(SHELL, l1, name=l1.name, email="l1@provider.test", description="", members=list(l1.members))
    assert post_new(login("client_user"), urgency="1").status_code == 302
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.team == l1
    queue = text(login("agent").get("/tickets/?view=team"))
    assert ticket.number in queue
    run_jobs(app)
    to_team = [m for m in mailbox.messages if m["To"] == "l1@provider.test"]
    assert len(to_team) == 1
    assert ticket.number in to_team[0]["Subject"] and "Service Desk L1" in to_team[0]["Subject"]
    assert f"/tickets/{ticket.number}" in mailbox.body(to_team[0])
    assert_ours(to_team[0], ticket=ticket.number)


def test_a_team_without_an_address_is_not_mailed(app, users, l1, mailbox):
    make_ticket(users["client_user"])
    run_jobs(app)
    assert all(m["To"] != "" for m in mailbox.messages)
    assert [m["To"] for m in mailbox.messages] == [users["client_user"].email]  # the acknowledgement only


def rule_form(**overrides):
    return {"name": "Network", "active": "y", "organization_id": "", "kind": "incident", "category": "network",
            "priority": "", "request_item_id": "", "channel": "", "ci_class_id": "", "mailbox": "", "team_id": "",
            "assign_mode": "", "assignee_id": "", "priority_floor": "", **overrides}


def test_admin_adds_a_rule_and_it_routes(login, users, team, db):
    admin = login("admin")
    response = admin.submit("/admin/routing/new", rule_form(team_id=str(team.id), assign_mode="least_open",
                                                           followers=[str(users["manager"].id)]))
    assert response.status_code == 302
    page = text(admin.get("/admin/routing"))
    assert "Network" in page and "team Service Desk L1" in page and "fewest open tickets" in page
    assert make_ticket(users["client_user"], category="network").assignee in (users["agent"], users["manager"])


def test_bad_rule_is_refused_with_a_message_and_nothing_saved(login, users, db):
    admin = login("admin")
    response = admin.submit("/admin/routing/new", rule_form(assign_mode="round_robin"))
    assert response.status_code == 200 and "Choose the team whose agents take turns." in text(response)
    response = admin.submit("/admin/routing/new", rule_form(assign_mode="agent"))
    assert "Choose the agent who gets these tickets." in text(response)
    assert count(db, RoutingRule) == 0


def test_only_admins_see_routing(login):
    for who in ("manager", "agent", "client_admin"):
        assert login(who).get("/admin/routing").status_code == 403


def test_a_missing_rule_is_404(login):
    assert login("admin").get("/admin/routing/999").status_code == 404


def test_saving_a_rule_unchanged_changes_nothing(login, users, team, rule, org_a, db):
    saved = rule(name="Acme", organization=org_a, kind="incident", category="disk", priority=2, channel="portal",
                 team=team, assign_mode="agent", assignee=users["agent"], priority_floor=2,
                 followers=[users["manager"]])
    before = _snapshot(saved)
    admin = login("admin")
    page = text(admin.get(f"/admin/routing/{saved.id}"))
    response = admin.submit(f"/admin/routing/{saved.id}", _posted(page))
    assert response.status_code == 302
    db.session.expire_all()
    assert _snapshot(db.session.get(RoutingRule, saved.id)) == before


def test_default_team_is_set_and_shown(login, team, db):
    admin = login("admin")
    assert admin.submit("/admin/routing/default-team", {"default_team_id": str(team.id)},
                        page="/admin/routing").status_code == 302
    assert db.session.get(RoutingSettings, 1).default_team_id == team.id
    page = text(admin.get("/admin/routing"))
    assert f'<option selected value="{team.id}">' in page or f'value="{team.id}" selected' in page


def _snapshot(rule):
    return (rule.name, rule.active, rule.organization_id, rule.kind, rule.category, rule.priority,
            rule.request_item_id, rule.channel, rule.ci_class_id, rule.mailbox,
            rule.team_id, rule.assign_mode, rule.assignee_id, rule.priority_floor,
            sorted(f.id for f in rule.followers))


def _posted(page: str) -> dict:
    """What a browser posts for the form as the page shows it."""
    return form_values(page)
