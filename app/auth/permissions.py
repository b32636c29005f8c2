"""Who may see and do what — the one place that decides.

Predicates (can_*) answer yes or no; require() turns a no into 403. Reads of
organization-owned data go through scope_to_user(), so a client only ever
gets rows of their own organization; a client asking for another
organization's object gets 404, exactly as for one that does not exist.
"""
from functools import wraps

import sqlalchemy as sa
from flask_login import current_user

from app.auth.roles import Role
from app.errors import Forbidden


class Shell:
    """The operator at the command line (`flask orgs create`, `flask users create`, the demo
    loader): an administrator without an account. Services take it as their actor like any user."""

    id = None
    organization_id = None
    organization = None
    name = "command line"
    email = "shell"
    role = Role.ADMIN
    is_authenticated = True
    is_staff = True
    is_client = False
    active = True


SHELL = Shell()


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def is_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_manager(user) -> bool:
    return user.is_authenticated and user.role in (Role.MANAGER, Role.ADMIN)


def can_view_organization(user, org) -> bool:
    return is_staff(user) or (user.is_authenticated and user.organization_id == org.id)


def can_manage_organizations(user) -> bool:
    return is_admin(user)


def can_manage_contacts(user, org) -> bool:
    """Admins manage every organization's contacts; a client admin their own."""
    if is_admin(user):
        return True
    return user.is_authenticated and user.role == Role.CLIENT_ADMIN and user.organization_id == org.id


def can_view_teams(user) -> bool:
    return is_staff(user)


def can_manage_teams(user) -> bool:
    return is_admin(user)


def can_manage_users(user) -> bool:
    return is_admin(user)


def sees_all_org_tickets(user) -> bool:
    """Client admins always; ordinary contacts unless their organization keeps tickets private."""
    if user.role == Role.CLIENT_ADMIN:
        return True
    return user.organization is not None and user.organization.contacts_see_all


# Problems and changes are the provider's own work: clients see only a change's planned work (the home page).
CLIENT_VISIBLE_KINDS = ("incident", "request")


def can_view_ticket(user, ticket) -> bool:
    if is_staff(user):
        return True
    if not user.is_authenticated or user.organization_id != ticket.organization_id:
        return False
    if ticket.kind not in CLIENT_VISIBLE_KINDS:
        return False
    return sees_all_org_tickets(user) or ticket.requester_id == user.id or user in ticket.watchers


def scope_tickets(stmt, user, ticket_model, watchers_table):
    """Limit a SELECT over tickets to those the user may see (see can_view_ticket)."""
    stmt = scope_to_user(stmt, user, ticket_model.organization_id)
    if is_staff(user) or not user.is_authenticated:
        return stmt
    stmt = stmt.where(ticket_model.kind.in_(CLIENT_VISIBLE_KINDS))
    if sees_all_org_tickets(user):
        return stmt
    cc = sa.select(watchers_table.c.ticket_id).where(watchers_table.c.user_id == user.id)
    return stmt.where(sa.or_(ticket_model.requester_id == user.id, ticket_model.id.in_(cc)))


def can_work_tickets(user) -> bool:
    """Internal notes, assignment, links, merges, time: the provider's side of a ticket."""
    return is_staff(user)


def can_see_internal(user) -> bool:
    return is_staff(user)


def can_review_approvals(user) -> bool:
    """Client admins approve their organization's requests; admins may step in."""
    return user.is_authenticated and (user.role == Role.CLIENT_ADMIN or user.role == Role.ADMIN)


def can_approve_request(user, ticket) -> bool:
    """The requester's own client admin, or an admin."""
    return is_admin(user) or (can_review_approvals(user) and user.organization_id == ticket.organization_id)


def can_work_problems_and_changes(user) -> bool:
    """Problems, changes, the change calendar and maintenance windows: staff."""
    return is_staff(user)


def can_approve_changes(user, cab_team=None) -> bool:
    """The CAB: the named team's members, or (with no team named) managers and admins."""
    if not is_staff(user):
        return False
    if cab_team is not None:
        return any(member.id == user.id for member in cab_team.members)
    return is_manager(user)


def can_publish_articles(user, editors_team=None) -> bool:
    """Knowledge-base reviewers: managers and admins, and the members of the KB editors' team
    (the team named by the KB_EDITORS_TEAM setting)."""
    if not is_staff(user):
        return False
    if is_manager(user):
        return True
    return editors_team is not None and any(member.id == user.id for member in editors_team.members)


def can_manage_change_policy(user) -> bool:
    """The approval policy, maintenance windows and standard-change templates."""
    return is_manager(user)


def assignable_roles(user, org=None) -> list[Role]:
    """Roles this user may give to an account they create or edit."""
    if is_admin(user):
        return list(Role) if org is None else [Role.CLIENT_USER, Role.CLIENT_ADMIN]
    if org is not None and can_manage_contacts(user, org):
        return [Role.CLIENT_USER, Role.CLIENT_ADMIN]
    return []


def scope_to_user(stmt, user, org_column):
    """Limit a SELECT over organization-owned rows to what the user may see."""
    if is_staff(user):
        return stmt
    if not user.is_authenticated or user.organization_id is None:
        return stmt.where(False)
    return stmt.where(org_column == user.organization_id)


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()


def staff_required(view):
    """For views that only the provider's staff may open (login_required comes first)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        require(is_staff(current_user))
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        require(is_admin(current_user))
        return view(*args, **kwargs)

    return wrapped
