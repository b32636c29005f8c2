"""Routing at the ticket core's doors: every new ticket lands in a queue.

``doors.ticket_routing`` is sent by ``tickets.services.create_ticket`` after it has
built the ticket and before it is inserted, inside the ticket's unit of work, so
whatever is set here is in the ticket's first row (and the SLA clock that starts at
``ticket_created`` sees the routed priority). The rules are tried in order; the
first active rule whose every condition holds is applied:

- team: set when the ticket has none yet (an agent who chose a team keeps it);
- assignee: set when the ticket has none: a named active agent, or among the
  team's active agents the next one after the rule's last (round robin) or the one
  with the fewest open tickets (ties to the lower id);
- priority floor: a ticket less urgent than the floor is raised to it;
- followers: the rule's active staff follow the ticket.

Two conditions are facts of the ticket's arrival rather than of the ticket, handed over
by the door it came through in ``arrival`` (create_ticket's argument): the mailbox a
mail came through (``arrival["mailbox"]``, matched with its To/Cc ``arrival["addresses"]``)
and the class of a CI given at creation. The CI classes come from the finders the
CMDB registers (``register_ci_classes``: the API's ``arrival["cis"]``, the affected
system naming one CI of the organization); they are asked only when a rule has a
CI-class condition.

Then, if the ticket still has no team: the catalog item's team, else the default
team of the settings. At ``ticket_created``, a team with an address is mailed
about its new ticket through the outbox (app/routing/mail.py).

The active rules' conditions and the default team's id are kept per routing version
(app/jobs/versions.py): a change of a rule or of the settings reaches the next ticket, and a
ticket that matches no rule costs no statement here. The matching rule itself is loaded."""
from collections import namedtuple

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.jobs import enqueue_after_commit, versioned, watch
from app.orgs.models import Team
from app.routing.models import (
    ASSIGN_AGENT,
    ASSIGN_LEAST_OPEN,
    ASSIGN_ROUND_ROBIN,
    RoutingRule,
    RoutingSettings,
)
from app.tickets import doors
from app.tickets.models import Ticket
from app.tickets.workflow import levels_for


def _id(obj) -> int | None:
    return obj.id if obj is not None else None


_ci_class_finders: list = []


def register_ci_classes(finder) -> None:
    """``finder(ticket, arrival) -> set of CI class ids`` of the CIs the new ticket comes with."""
    if finder not in _ci_class_finders:
        _ci_class_finders.append(finder)


class Arrival:
    """What the door a ticket came through knows of it, for the conditions that are not columns."""

    def __init__(self, ticket: Ticket, arrival: dict | None):
        arrival = arrival or {}
        self.ticket, self.raw = ticket, arrival
        self.mail_names = {str(a).strip().lower() for a in (arrival.get("mailbox"), *arrival.get("addresses", ())) if a}
        self._classes: set[int] | None = None

    @property
    def ci_classes(self) -> set[int]:
        if self._classes is None:
            self._classes = set().union(*(finder(self.ticket, self.raw) for finder in _ci_class_finders))
        return self._classes


def matches(rule: RoutingRule, ticket: Ticket, arrival: Arrival | None = None) -> bool:
    """Whether every condition of the rule holds for the (not yet inserted) ticket."""
    arrival = arrival or Arrival(ticket, None)
    return ((rule.organization_id is None or rule.organization_id == _id(ticket.organization))
            and (not rule.kind or rule.kind == ticket.kind)
            and (not rule.category or rule.category == ticket.category)
            and (rule.priority is None or rule.priority == ticket.priority)
            and (rule.request_item_id is None or rule.request_item_id == _id(ticket.request_item))
            and (not rule.channel or rule.channel == ticket.via)
            and (not rule.mailbox or rule.mailbox in arrival.mail_names)
            and (rule.ci_class_id is None or rule.ci_class_id in arrival.ci_classes))


VERSION = "routing"
# What ``matches`` reads of a rule, kept per routing version.
Conditions = namedtuple("Conditions",
                        "id organization_id kind category priority request_item_id channel mailbox ci_class_id")


def _settings() -> dict:
    rows = db.session.execute(
        sa.select(RoutingRule.id, RoutingRule.organization_id, RoutingRule.kind, RoutingRule.category,
                  RoutingRule.priority, RoutingRule.request_item_id, RoutingRule.channel, RoutingRule.mailbox,
                  RoutingRule.ci_class_id)
        .where(RoutingRule.active.is_(True)).order_by(RoutingRule.position, RoutingRule.id)).all()
    default_team_id = db.session.scalar(sa.select(RoutingSettings.default_team_id).where(RoutingSettings.id == 1))
    return {"rules": [Conditions(*row) for row in rows], "default_team_id": default_team_id}


def settings() -> dict:
    """The active rules' conditions in order, and the default team's id, of the current version."""
    return versioned(VERSION, _settings)


def first_match(ticket: Ticket, arrival: dict | None = None) -> RoutingRule | None:
    facts = Arrival(ticket, arrival)
    found = next((rule for rule in settings()["rules"] if matches(rule, ticket, facts)), None)
    return db.session.get(RoutingRule, found.id) if found is not None else None


def _agents(team) -> list[User]:
    return sorted((m for m in team.members if m.active and m.is_staff), key=lambda m: m.id) if team else []


def _round_robin(rule: RoutingRule, team) -> User | None:
    agents = _agents(team)
    if not agents:
        return None
    # Hold the rule's row: two tickets routed at once take turns (PostgreSQL; SQLite writes one at a time).
    last = db.session.scalar(sa.select(RoutingRule.last_assignee_id).where(RoutingRule.id == rule.id)
                             .with_for_update())
    chosen = next((a for a in agents if last is not None and a.id > last), agents[0])
    rule.last_assignee_id = chosen.id
    return chosen


def _least_open(team) -> User | None:
    agents = _agents(team)
    if not agents:
        return None
    counts = dict(db.session.execute(
        sa.select(Ticket.assignee_id, sa.func.count(Ticket.id))
        .where(Ticket.assignee_id.in_([a.id for a in agents]), Ticket.is_open.is_(True))
        .group_by(Ticket.assignee_id)).all())
    return min(agents, key=lambda a: (counts.get(a.id, 0), a.id))


def _assignee(rule: RoutingRule, team) -> User | None:
    if rule.assign_mode == ASSIGN_AGENT:
        agent = rule.assignee
        return agent if agent is not None and agent.active and agent.is_staff else None
    if rule.assign_mode == ASSIGN_ROUND_ROBIN:
        return _round_robin(rule, team)
    if rule.assign_mode == ASSIGN_LEAST_OPEN:
        return _least_open(team)
    return None


def apply(rule: RoutingRule, ticket: Ticket) -> None:
    if ticket.team is None and rule.team is not None and rule.team.active:
        ticket.team = rule.team
    if ticket.assignee is None:
        ticket.assignee = _assignee(rule, ticket.team)
    if rule.priority_floor is not None and ticket.priority > rule.priority_floor:
        ticket.priority = rule.priority_floor
        ticket.impact, ticket.urgency = levels_for(rule.priority_floor)
    for follower in rule.followers:
        if follower.active and follower.is_staff and follower not in ticket.watchers:
            ticket.watchers.append(follower)


def default_team():
    team_id = settings()["default_team_id"]
    team = db.session.get(Team, team_id) if team_id is not None else None
    return team if team is not None and team.active else None


def route(ticket: Ticket, *, actor, arrival: dict | None = None) -> None:
    """The receiver of ``doors.ticket_routing``."""
    rule = first_match(ticket, arrival)
    if rule is not None:
        apply(rule, ticket)
    if ticket.team is None:
        item_team = ticket.request_item.team if ticket.request_item is not None else None
        ticket.team = item_team if item_team is not None and item_team.active else default_team()


def on_created(ticket: Ticket, *, actor) -> None:
    """A team with an address hears of its new ticket, once the ticket is committed."""
    if ticket.team is not None and ticket.team.email:
        enqueue_after_commit("app.routing.mail.team_notified", ticket.id, queue="mail")


def init_app(app) -> None:
    watch(VERSION, RoutingRule, RoutingSettings)
    doors.ticket_routing.connect(route)
    doors.ticket_created.connect(on_created)
