"""Reads of organizations, contacts and teams, always scoped by the reader."""
import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import can_view_teams, scope_to_user
from app.auth.roles import STAFF_ROLES
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import Organization, Team
from app.search import contains


def organizations_visible_to(user, q: str = "", include_inactive: bool = True) -> sa.Select:
    stmt = scope_to_user(sa.select(Organization), user, Organization.id)
    if q:
        stmt = stmt.where(sa.or_(contains(Organization.name, q), contains(Organization.code, q)))
    if not include_inactive:
        stmt = stmt.where(Organization.active.is_(True))
    return stmt.order_by(Organization.active.desc(), Organization.name)


def get_organization(user, org_id: int) -> Organization:
    """The organization, or 404 if it does not exist or the user may not see it."""
    org = db.session.scalar(organizations_visible_to(user).where(Organization.id == org_id))
    if org is None:
        raise NotFound()
    return org


def organization_or_none(user, org_id: int | None) -> Organization | None:
    """The organization chosen in a form, if the user may see it (None for no choice)."""
    if not org_id:
        return None
    return db.session.scalar(organizations_visible_to(user).where(Organization.id == org_id))


def organizations_with_ids(user, ids) -> list[Organization]:
    """The organizations chosen in a multiple select that the user may see."""
    if not ids:
        return []
    return list(db.session.scalars(organizations_visible_to(user).where(Organization.id.in_(ids))))


def get_organization_by_code(code: str) -> Organization | None:
    return db.session.scalar(sa.select(Organization).where(Organization.code == code.strip().upper()))


def contacts_of(org: Organization) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.organization_id == org.id).order_by(User.active.desc(), User.name)))


def get_contact(org: Organization, contact_id: int) -> User:
    """A contact of an organization the caller already loaded through get_organization()."""
    contact = db.session.scalar(sa.select(User).where(User.id == contact_id, User.organization_id == org.id))
    if contact is None:
        raise NotFound()
    return contact


def teams_visible_to(user, q: str = "") -> sa.Select:
    stmt = sa.select(Team)
    if not can_view_teams(user):
        stmt = stmt.where(False)
    if q:
        stmt = stmt.where(contains(Team.name, q))
    return stmt.order_by(Team.active.desc(), Team.name)


def get_team(user, team_id: int) -> Team:
    team = db.session.scalar(teams_visible_to(user).where(Team.id == team_id))
    if team is None:
        raise NotFound()
    return team


def team_or_none(user, team_id: int | None) -> Team | None:
    """The team chosen in a form, if the user may see teams (None for no choice)."""
    if not team_id:
        return None
    return db.session.scalar(teams_visible_to(user).where(Team.id == team_id))


def teams_with_ids(user, ids) -> list[Team]:
    """The teams chosen in a multiple select, in the order chosen."""
    found = {team.id: team for team in db.session.scalars(teams_visible_to(user).where(Team.id.in_(ids or [])))}
    return [found[i] for i in ids or [] if i in found]


def staff_for_teams() -> list[User]:
    """Who may be a team's member: active staff, by name."""
    return list(db.session.scalars(
        sa.select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True)).order_by(User.name)))


def members_with_ids(ids) -> list[User]:
    """The members chosen in a team's form (the service checks they are staff)."""
    return list(db.session.scalars(sa.select(User).where(User.id.in_(ids)))) if ids else []


def active_teams() -> list[Team]:
    return list(db.session.scalars(sa.select(Team).where(Team.active.is_(True)).order_by(Team.name)))


def active_organizations() -> list[Organization]:
    return list(db.session.scalars(
        sa.select(Organization).where(Organization.active.is_(True)).order_by(Organization.name)))
