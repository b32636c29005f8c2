"""The demo's routing: a portal ticket lands in Service Desk L1's queue (the default team),
network incidents go to the Network team's least busy engineer, an urgent portal ticket
goes to L1's engineers in turn and the manager follows it."""
import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import SHELL
from app.extensions import db
from app.orgs.models import Team
from app.routing import services
from app.routing.models import RoutingRule, RoutingSettings


def seed_routing() -> int:
    if db.session.scalar(sa.select(sa.func.count()).select_from(RoutingRule)) or db.session.get(RoutingSettings, 1):
        return 0
    team = {t.name: t for t in db.session.scalars(sa.select(Team))}
    manager = db.session.scalar(sa.select(User).where(User.email == "manager@zayavka.example"))
    blank = dict(active=True, organization=None, kind="", category="", priority=None, request_item=None, channel="",
                 team=None, assign_mode="", assignee=None, priority_floor=None, followers=[])
    services.save_rule(SHELL, None, **{**blank, "name": "Network incidents to the Network team", "kind": "incident",
                                       "category": "network", "team": team["Network"], "assign_mode": "least_open"})
    services.save_rule(SHELL, None, **{**blank, "name": "Urgent from the portal: L1 in turn, the manager follows",
                                       "channel": "portal", "priority": 1, "team": team["Service Desk L1"],
                                       "assign_mode": "round_robin", "followers": [manager] if manager else []})
    services.set_default_team(SHELL, team["Service Desk L1"])
    return 3
