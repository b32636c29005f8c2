"""Every new ticket lands in a queue: the first matching rule, then the catalog item's team,
then the default team. Tickets made through the real services, as every channel does."""
import pytest
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.requests import catalog
from app.requests import services as requests
from app.routing import services
from app.routing.models import RoutingRule
from app.tickets.models import Ticket
from app.tickets.workflow import priority_for
from tests import factories
from tests.factories import make_ticket


def item(team=None):
    return requests.save_item(SHELL, None, name="Firewall rule", fields=catalog.parse_fields("why | Why | text"), team=team)


def test_no_rule_matches_the_default_team_takes_it(users, l1, rule, network):
    rule(kind="problem", team=network)
    ticket = make_ticket(users["client_user"], urgency=2)
    assert ticket.team == l1 and ticket.assignee is None


def test_without_a_default_team_and_rules_the_ticket_has_no_team(users):
    assert make_ticket(users["client_user"]).team is None


@pytest.mark.parametrize("condition, matching, other", [
    ("organization", {}, {"as": "other_user"}),
    ("kind", {"kind": "request"}, {"kind": "incident"}),
    ("category", {"category": "network"}, {"category": "disk"}),
    ("priority", {"urgency": 1}, {"urgency": 3}),
    ("channel", {"via": "portal"}, {"via": "api"}),
])
def test_each_condition_routes_only_what_it_names(users, org_a, l1, rule, network, condition, matching, other):
    value = {"organization": org_a, "kind": "request", "category": "network", "priority": 2,
             "channel": "portal"}[condition]
    rule(**{condition: value, "team": network})

    def open_ticket(fields):
        fields = dict(fields)
        actor = users[fields.pop("as", "client_user")]
        return make_ticket(actor, **fields)

    assert open_ticket(matching).team == network
    assert open_ticket(other).team == l1


def test_a_catalog_item_condition_and_the_items_own_team(users, l1, rule, network):
    infra = factories.make_team("Infrastructure L2")
    firewall = item(team=infra)
    assert requests.order(users["client_user"], firewall, values={"why": "lab"}).team == infra  # no rule: its team
    rule(request_item=firewall, team=network)
    assert requests.order(users["client_user"], firewall, values={"why": "lab"}).team == network
    assert make_ticket(users["client_user"]).team == l1


def test_first_match_wins_and_an_inactive_rule_is_skipped(users, l1, rule, network):
    infra = factories.make_team("Infrastructure L2")
    off = rule(name="Off", category="network", team=infra)
    rule(name="Network", category="network", team=network)
    rule(name="Later", category="network", team=l1)
    services.save_rule(SHELL, off, **{**_fields(off), "active": False})
    assert make_ticket(users["client_user"], category="network").team == network
    services.move_rule(SHELL, db_rule("Later"), -1)
    assert make_ticket(users["client_user"], category="network").team == l1


def _fields(r):
    return dict(name=r.name, active=r.active, organization=r.organization, kind=r.kind, category=r.category,
                priority=r.priority, request_item=r.request_item, channel=r.channel, team=r.team,
                assign_mode=r.assign_mode, assignee=r.assignee, priority_floor=r.priority_floor,
                followers=list(r.followers))


def db_rule(name):
    return RoutingRule.query.session.scalar(sa.select(RoutingRule).where(RoutingRule.name == name))


def test_an_agent_who_chose_a_team_keeps_it(users, l1, rule, network):
    rule(team=network)
    chosen = make_ticket(users["agent"], organization=users["client_user"].organization, team=l1)
    assert chosen.team == l1


def test_assign_to_a_named_agent(users, l1, rule):
    rule(assign_mode="agent", assignee=users["agent"])
    ticket = make_ticket(users["client_user"])
    assert (ticket.team, ticket.assignee) == (l1, users["agent"])


def test_round_robin_among_the_teams_active_agents(users, rule, network, db):
    a, b, c = (factories.make_user("agent", teams=[network], email=f"{n}@provider.test") for n in "abc")
    c.active = False
    db.session.commit()
    rule(team=network, assign_mode="round_robin")
    got = [make_ticket(users["client_user"]).assignee for _ in range(5)]
    assert got == [a, b, a, b, a]  # c is inactive


def test_least_open_picks_the_agent_with_fewest_open_tickets(users, rule, network):
    a, b = (factories.make_user("agent", teams=[network], email=f"{n}@provider.test") for n in "ab")
    org = users["client_user"].organization
    for _ in range(2):
        make_ticket(users["manager"], organization=org, assignee=a)
    make_ticket(users["manager"], organization=org, assignee=b)
    rule(team=network, assign_mode="least_open")
    first, second = make_ticket(users["client_user"]), make_ticket(users["client_user"])
    assert (first.assignee, second.assignee) == (b, a)  # 2 against 1; then 2 against 2: the lower id
    assert make_ticket(users["client_user"]).assignee == b  # 3 against 2


def test_priority_floor_raises_a_less_urgent_ticket_only(users, rule, org_a):
    rule(organization=org_a, priority_floor=2)
    low = make_ticket(users["client_user"], urgency=3)
    assert low.priority == 2 and priority_for(low.impact, low.urgency) == 2
    high = make_ticket(users["manager"], organization=org_a, impact=1, urgency=1)
    assert high.priority == 1


def test_followers_follow_the_routed_ticket(users, rule):
    rule(followers=[users["manager"], users["admin"]])
    ticket = make_ticket(users["client_user"])
    assert set(ticket.watchers) == {users["manager"], users["admin"]}


def test_routing_is_in_the_tickets_first_row_and_its_sla_sees_the_floor(users, rule, l1, db):
    rule(priority_floor=1)
    ticket = make_ticket(users["client_user"], urgency=3)
    db.session.expire_all()
    stored = db.session.get(Ticket, ticket.id)
    assert (stored.team_id, stored.priority, stored.version) == (l1.id, 1, 1)
