"""Reads of the routing rules (admins only: the views check it)."""
import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.routing.models import RoutingRule, RoutingSettings


def rules() -> list[RoutingRule]:
    return list(db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)))


def get_rule(rule_id: int) -> RoutingRule:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound()
    return rule


def default_team_id() -> int | None:
    settings = db.session.get(RoutingSettings, 1)
    return settings.default_team_id if settings is not None else None
