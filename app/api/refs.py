"""References in API input — an organization's code, a team's or a user's id, a
ticket's number — turned into the objects the services take.

Every look-up goes through the reader-scoped queries, so a client naming
another organization's code or ticket gets the same 422 as for one that does
not exist: nothing leaks about what the caller may not see.
"""
from flask_babel import gettext as _

from app.auth import queries as user_queries
from app.auth.models import User
from app.changes import queries as change_queries
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs.models import Organization, Team
from app.tickets import queries as ticket_queries
from app.tickets.queries import TicketFilter


def visible_organization(user, code: str) -> Organization:
    """The organization with this code, if the user may see it; else 404."""
    stmt = org_queries.organizations_visible_to(user).where(Organization.code == (code or "").strip().upper())
    org = db.session.scalar(stmt)
    if org is None:
        raise NotFound()
    return org


def _organization(user, code):
    try:
        return visible_organization(user, code)
    except NotFound:
        raise ValueError(_("No organization has this code.")) from None


def _team(user, team_id):
    team = db.session.scalar(org_queries.teams_visible_to(user).where(Team.id == team_id))
    if team is None:
        raise ValueError(_("No team has this id."))
    return team


def _user(user, user_id):
    found = db.session.scalar(user_queries.users_visible_to(user).where(User.id == user_id))
    if found is None:
        raise ValueError(_("No user has this id."))
    return found


def _ticket(user, number):
    try:
        return ticket_queries.get_ticket(user, number)
    except NotFound:
        raise ValueError(_("No ticket has this number.")) from None


RESOLVERS = {"organization": _organization, "team": _team, "assignee": _user, "requester": _user, "target": _ticket}


def resolve(user, data: dict) -> dict:
    """``data`` with each reference replaced by its object (None stays None), or a 422 naming each bad one."""
    errors, resolved = {}, dict(data)
    for name, look_up in RESOLVERS.items():
        if resolved.get(name) is not None:
            try:
                resolved[name] = look_up(user, resolved[name])
            except ValueError as problem:
                errors[name] = [str(problem)]
    if errors:
        raise ValidationError(errors)
    return resolved


def ticket_filter(user, args: dict) -> TicketFilter:
    """The list endpoint's query string as the workspace's filter."""
    refs = resolve(user, {"organization": args["organization"], "team": args["team"], "assignee": args["assignee"]})
    return TicketFilter(
        view=args["view"], kind=args["kind"], status=args["status"], priority=args["priority"],
        organization_id=refs["organization"].id if refs["organization"] else None,
        team_id=refs["team"].id if refs["team"] else None,
        assignee_id=refs["assignee"].id if refs["assignee"] else None,
        q=args["q"], sort=ticket_queries.default_sort(args["q"], args["sort"]), team_ids=[team.id for team in user.teams],
    )


def organizations(user, codes: list[str]) -> list[Organization]:
    """Organizations by their codes (a change's affected ones), or a 422 naming the unknown codes."""
    found, unknown = [], []
    for code in codes:
        try:
            found.append(_organization(user, code))
        except ValueError:
            unknown.append(code)
    if unknown:
        raise ValidationError({"change.organizations": [_("No organization has this code: %(codes)s.",
                                                          codes=", ".join(unknown))]})
    return found


def change_template(template_id: int):
    """An active standard-change template by id, or a 422 naming the field."""
    template = change_queries.template(template_id)
    if template is None or not template.active:
        raise ValidationError({"change.template": [_("No standard-change template has this id.")]})
    return template
