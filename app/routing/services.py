"""Admins' writes of the routing rules and the default team. One transaction per call."""
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import is_admin
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.routing.models import (
    ASSIGN_AGENT,
    ASSIGN_LEAST_OPEN,
    ASSIGN_MODES,
    ASSIGN_ROUND_ROBIN,
    RoutingRule,
    RoutingSettings,
)
from app.text import has_control_chars
from app.tickets.workflow import Kind
from app.transactions import transactional

CHANNELS = ("web", "portal", "api", "email")
RULE_FIELDS = ("name", "active", "organization", "kind", "category", "priority", "request_item", "channel", "ci_class",
               "mailbox", "team", "assign_mode", "assignee", "priority_floor", "followers")
MAILBOX_RE = re.compile(r"^[\w.+@-]{1,254}$")


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise Forbidden()


def _check(fields: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = fields["name"]
    if not name or has_control_chars(name) or len(name) > 120:
        errors["name"] = [_("Give the rule a name of at most 120 characters.")]
    if fields["kind"] and fields["kind"] not in set(Kind):
        errors["kind"] = [_("Unknown kind of ticket.")]
    if fields["channel"] and fields["channel"] not in CHANNELS:
        errors["channel"] = [_("Unknown channel.")]
    for level in ("priority", "priority_floor"):
        if fields[level] is not None and fields[level] not in (1, 2, 3, 4):
            errors[level] = [_("Choose a priority from P1 to P4.")]
    if len(fields["category"]) > 60 or has_control_chars(fields["category"]):
        errors["category"] = [_("At most 60 characters on one line.")]
    if fields["mailbox"] and not MAILBOX_RE.match(fields["mailbox"]):
        errors["mailbox"] = [_("A mailbox name or one e-mail address, without spaces.")]
    if fields["ci_class"] is not None and not fields["ci_class"].active:
        errors["ci_class"] = [_("This CI class is no longer in use.")]
    mode, team, assignee = fields["assign_mode"], fields["team"], fields["assignee"]
    if mode not in ASSIGN_MODES:
        errors["assign_mode"] = [_("Choose how the assignee is picked.")]
    elif mode == ASSIGN_AGENT and (assignee is None or not assignee.is_staff or not assignee.active):
        errors["assignee"] = [_("Choose the agent who gets these tickets.")]
    elif mode in (ASSIGN_ROUND_ROBIN, ASSIGN_LEAST_OPEN) and team is None:
        errors["team"] = [_("Choose the team whose agents take turns.")]
    if team is not None and not team.active:
        errors["team"] = [_("This team is no longer active.")]
    if any(not f.is_staff for f in fields["followers"]):
        errors["followers"] = [_("Only staff can follow tickets by a rule.")]
    return errors


@transactional
def save_rule(actor, rule: RoutingRule | None, **fields) -> RoutingRule:
    """A new rule (at the end of the list) or the changed one; bad input changes nothing."""
    _require_admin(actor)
    fields = {"ci_class": None, "mailbox": "", **fields}  # the conditions added later may be left out
    unknown = set(fields) ^ set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"routing rule fields: {sorted(unknown)}")
    fields = {**fields, "name": " ".join((fields["name"] or "").split()), "kind": fields["kind"] or "",
              "category": (fields["category"] or "").strip().lower(), "channel": fields["channel"] or "",
              "mailbox": (fields["mailbox"] or "").strip().lower(),
              "assign_mode": fields["assign_mode"] or "", "followers": [f for f in fields["followers"] if f]}
    errors = _check(fields)
    if errors:
        raise ValidationError(errors)
    if fields["assign_mode"] != ASSIGN_AGENT:
        fields["assignee"] = None
    if rule is None:
        last = db.session.scalar(sa.select(sa.func.max(RoutingRule.position)))
        rule = RoutingRule(position=(last or 0) + 10)
        db.session.add(rule)
    for field, value in fields.items():
        setattr(rule, field, value)
    rule.active = bool(fields["active"])
    return rule


@transactional
def move_rule(actor, rule: RoutingRule, step: int) -> None:
    """One place up (step -1) or down (+1) in the order the rules are tried."""
    _require_admin(actor)
    rules = list(db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)))
    at = rules.index(rule)
    other = at + step
    if 0 <= other < len(rules):
        rules[at], rules[other] = rules[other], rules[at]
    for position, each in enumerate(rules, start=1):
        each.position = position * 10


@transactional
def set_default_team(actor, team) -> None:
    _require_admin(actor)
    if team is not None and not team.active:
        raise ValidationError({"default_team": [_("This team is no longer active.")]})
    settings = db.session.get(RoutingSettings, 1)
    if settings is None:
        settings = RoutingSettings(id=1)
        db.session.add(settings)
    settings.default_team = team
