"""What the agent workspace shows around the lists: views and their counts,
filters read from the query string, and the choices of its forms."""
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app import jobs, validation
from app.auth.models import User
from app.auth.roles import STAFF_ROLES
from app.errors import ValidationError
from app.extensions import db
from app.forms import OptionList
from app.i18n import lazy_gettext as _l
from app.orgs.models import Organization, Team
from app.tickets import queries, relations, services
from app.tickets.models import SavedFilter, Ticket
from app.tickets.workflow import Kind, levels_for
from app.transactions import transactional

VIEWS = {
    "mine": _l("My tickets"),
    "my_teams": _l("My teams' queues"),
    "unassigned": _l("Unassigned"),
    "open": _l("All open"),
    "all": _l("Everything"),
}
COUNTED_VIEWS = ("mine", "my_teams", "unassigned", "open")
FILTER_KEYS = ("view", "kind", "status", "priority", "organization", "team", "assignee", "q", "sort")


def _int(value):
    return validation.int_or_none(value)


def filter_from_args(user, args) -> queries.TicketFilter:
    view = args.get("view") or "my_teams"
    view = "open" if view == "team_queue" else view  # a single team's queue: view=team_queue&team=ID
    return queries.TicketFilter(
        view=view if view in VIEWS else "open", kind=args.get("kind", ""), status=args.get("status", ""),
        priority=_int(args.get("priority")), organization_id=_int(args.get("organization")),
        team_id=_int(args.get("team")), assignee_id=_int(args.get("assignee")), q=(args.get("q") or "")[:200],
        sort=queries.default_sort(args.get("q"), args.get("sort")),
        team_ids=[t.id for t in user.teams],
    )


def view_counts(user) -> dict[str, int]:
    """Open tickets per view, cached for half a minute: the lists are hot, the counts are hints."""
    team_ids = [t.id for t in user.teams]

    def compute():
        return {view: queries.count(user, queries.TicketFilter(view=view, team_ids=team_ids))
                for view in COUNTED_VIEWS}

    return jobs.cached(f"counts:{user.id}:{','.join(map(str, team_ids))}", 30, compute)


def query_string(args, **overrides) -> str:
    values = {k: args.get(k) for k in FILTER_KEYS if args.get(k)}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


CHOICES_SECONDS = 60  # a new agent or team shows up in the workspace's selects within a minute


def staff_choices(blank=True) -> OptionList:
    staff = jobs.cached("choices:staff", CHOICES_SECONDS, lambda: [list(row) for row in db.session.execute(
        sa.select(User.id, User.name).where(User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.name))])
    return _options("staff", staff, lambda rows: [SelectChoice(i, n) for i, n in rows], blank)


def team_choices(blank=True) -> OptionList:
    teams = jobs.cached("choices:teams", CHOICES_SECONDS, lambda: [list(row) for row in db.session.execute(
        sa.select(Team.id, Team.name).where(Team.active.is_(True)).order_by(Team.name))])
    return _options("teams", teams, lambda rows: [SelectChoice(i, n) for i, n in rows], blank)


def organization_choices(blank=True) -> OptionList:
    orgs = jobs.cached("choices:organizations", CHOICES_SECONDS, lambda: [list(row) for row in db.session.execute(
        sa.select(Organization.id, Organization.name, Organization.code)
        .where(Organization.active.is_(True)).order_by(Organization.name))])
    return _options("organizations", orgs, lambda rows: [SelectChoice(i, f"{n} ({c})") for i, n, c in rows], blank)


_OPTIONS: dict[str, tuple[list, OptionList]] = {}


def _options(name: str, rows: list, make, blank: bool) -> OptionList:
    """The choices (and their <option> tags) made from cached rows once, while jobs.cached hands
    out the same rows; a fresh list each call, so a form may add to it."""
    kept = _OPTIONS.get(name)
    if kept is None or kept[0] is not rows:
        kept = _OPTIONS[name] = (rows, OptionList(make(rows)))
    return kept[1].with_blank() if blank else OptionList(kept[1], kept[1].tags)


def requester_choices(organization_id: int | None) -> list[SelectChoice]:
    """The active contacts of one organization: the requester select of the agent's new-ticket
    form holds only the chosen organization's people (the page asks again when it changes),
    never every contact of every client."""
    if organization_id is None:
        return [SelectChoice("", "—")]
    rows = db.session.execute(
        sa.select(User.id, User.name, User.email).join(Organization, User.organization_id == Organization.id)
        .where(User.organization_id == organization_id, User.active.is_(True), Organization.active.is_(True))
        .order_by(User.name))
    return [SelectChoice("", "—")] + [SelectChoice(i, f"{n} <{e}>") for i, n, e in rows]


def follower_choices(ticket) -> list[SelectChoice]:
    """Who may follow this ticket: the organization's contacts, then the staff."""
    rows = db.session.execute(sa.select(User.id, User.name, User.organization_id).where(
        User.active.is_(True),
        sa.or_(User.organization_id == ticket.organization_id, User.role.in_(STAFF_ROLES)))
        .order_by(User.organization_id.is_(None), User.name))
    current = {w.id for w in ticket.watchers}
    return [SelectChoice(i, n) for i, n, _ in rows if i not in current]


def saved_filters(user) -> list[SavedFilter]:
    return list(db.session.scalars(sa.select(SavedFilter).where(SavedFilter.user_id == user.id)
                                   .order_by(SavedFilter.name)))


@transactional
def save_filter(user, name: str, query: str) -> SavedFilter:
    name = (name or "").strip()
    if not name:
        raise ValidationError.single("name", _("Please name this view."))
    saved = db.session.scalar(sa.select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
    if saved is None:
        saved = SavedFilter(user_id=user.id, name=name)
        db.session.add(saved)
    saved.query = (query or "")[:1000]
    return saved


@transactional
def delete_filter(user, filter_id: int) -> None:
    db.session.execute(sa.delete(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user.id))


@transactional
def bulk_apply(actor, tickets, action: str, *, team=None, assignee=None, status: str | None = None,
               priority: int | None = None, problem: Ticket | None = None, parent: Ticket | None = None) -> None:
    """Apply one action to many tickets: all of them or none. The first ticket that refuses
    stops the action; its ValidationError names that ticket (field "tickets"). "link" links them
    to a problem (caused_by), "child" makes them children of an incident (child_of)."""
    services.require_staff(actor)
    if action == "link" and (problem is None or problem.kind != Kind.PROBLEM):
        raise ValidationError.single("problem", _("Give the number of a problem."))
    if action == "child" and (parent is None or parent.kind != Kind.INCIDENT):
        raise ValidationError.single("parent", _("Give the number of an incident."))
    if action not in ("assign", "status", "priority", "link", "child"):
        raise ValidationError.single("action", _("Unknown action."))
    for ticket in tickets:
        try:
            if action == "assign":
                changes = {k: v for k, v in (("team", team), ("assignee", assignee)) if v is not None}
                services.update_ticket(actor, ticket, **changes)
            elif action == "status":
                services.transition(actor, ticket, status or "")
            elif action == "priority":
                impact, urgency = levels_for(int(priority or 0), current_app.config.get("PRIORITY_MATRIX"))
                services.update_ticket(actor, ticket, impact=impact, urgency=urgency)
            elif action == "child":
                relations.link(actor, ticket, parent, "child_of")
            else:
                relations.link(actor, ticket, problem, "caused_by")
        except (ValidationError, ValueError) as error:
            messages = error.errors if isinstance(error, ValidationError) else {"priority": [str(error)]}
            reason = " ".join(str(m) for msgs in messages.values() for m in msgs)
            raise ValidationError.single("tickets", _("%(number)s: %(reason)s Nothing was changed.",
                                                      number=ticket.number, reason=reason)) from error
