"""Creating and changing organizations and teams. One transaction per call."""
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import can_manage_organizations, can_manage_teams
from app.auth.services import end_access, line_problems
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.orgs.models import Organization, Team
from app.transactions import transactional

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,19}$")
ORG_FIELDS = ("name", "email", "phone", "address", "website", "notes")
ONE_LINE_FIELDS = ("email", "phone", "website")  # address and notes are free text
MAX_CONTRACT_MINUTES = 100_000 * 60  # contract hours per month, at most
UNCHANGED = object()  # update_organization without contract_minutes keeps them


def _validate_org(org: Organization | None, code: str, name: str, details: dict,
                  contract_minutes=None) -> dict[str, list[str]]:
    one_line = {field: value for field, value in details.items() if field in ONE_LINE_FIELDS}
    errors: dict[str, list[str]] = line_problems(name=name, **one_line)
    if contract_minutes is not UNCHANGED and contract_minutes is not None and not (
            isinstance(contract_minutes, int) and 0 <= contract_minutes <= MAX_CONTRACT_MINUTES):
        errors["contract_hours"] = [_("Give the hours as a number from 0 to 100,000.")]
    if not CODE_PATTERN.match(code):
        errors["code"] = [_("2–20 letters, digits, '-' or '_', starting with a letter or digit.")]
    else:
        clash = db.session.scalar(sa.select(Organization.id).where(Organization.code == code))
        if clash is not None and (org is None or clash != org.id):
            errors["code"] = [_("An organization with this code already exists.")]
    if not name.strip():
        errors["name"] = [_("Please give a name.")]
    return errors


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()


@transactional
def create_organization(actor, *, code: str, name: str, contract_minutes: int | None = None,
                        **details) -> Organization:
    """A new organization; ``contract_minutes``: the time its contract includes per month (None: none)."""
    _require(can_manage_organizations(actor))
    code = (code or "").strip().upper()
    errors = _validate_org(None, code, name or "", details, contract_minutes)
    if errors:
        raise ValidationError(errors)
    org = Organization(code=code, name=name.strip(), contract_minutes=contract_minutes, **_clean(details))
    db.session.add(org)
    return org


@transactional
def update_organization(actor, org: Organization, *, code: str, name: str, contract_minutes=UNCHANGED,
                        **details) -> None:
    """Change an organization's fields (``contract_minutes`` left out: kept; None: no contract hours)."""
    _require(can_manage_organizations(actor))
    code = (code or "").strip().upper()
    errors = _validate_org(org, code, name or "", details, contract_minutes)
    if errors:
        raise ValidationError(errors)
    org.code, org.name = code, name.strip()
    if contract_minutes is not UNCHANGED and contract_minutes != org.contract_minutes:
        org.contract_minutes = contract_minutes
    for field, value in _clean(details).items():
        setattr(org, field, value)


def _clean(details: dict) -> dict:
    unknown = set(details) - set(ORG_FIELDS)
    if unknown:
        raise TypeError(f"unknown organization fields: {sorted(unknown)}")
    return {field: (value or "").strip() for field, value in details.items()}


@transactional
def set_organization_active(actor, org: Organization, active: bool) -> None:
    """Deactivating keeps everything; the organization's contacts can no longer log in."""
    _require(can_manage_organizations(actor))
    org.active = active
    for contact in org.contacts:
        if not active and contact.active:
            contact.active = False
            end_access(contact)


def _validate_team(team: Team | None, name: str) -> dict[str, list[str]]:
    problems = line_problems(name=name)
    if problems:
        return problems
    if not name.strip():
        return {"name": [_("Please give a name.")]}
    clash = db.session.scalar(sa.select(Team.id).where(sa.func.lower(Team.name) == name.strip().lower()))
    if clash is not None and (team is None or clash != team.id):
        return {"name": [_("A team with this name already exists.")]}
    return {}


def _check_members(members) -> dict[str, list[str]]:
    if any(not m.is_staff for m in members):
        return {"members": [_("Only staff can be members of teams.")]}
    return {}


@transactional
def create_team(actor, *, name: str, description: str = "", email: str = "", members=()) -> Team:
    _require(can_manage_teams(actor))
    errors = _validate_team(None, name or "") | _check_members(members)
    if errors:
        raise ValidationError(errors)
    team = Team(name=name.strip(), description=(description or "").strip(), email=(email or "").strip(),
                members=list(members))
    db.session.add(team)
    return team


@transactional
def update_team(actor, team: Team, *, name: str, description: str = "", email: str = "", members=()) -> None:
    _require(can_manage_teams(actor))
    errors = _validate_team(team, name or "") | _check_members(members)
    if errors:
        raise ValidationError(errors)
    team.name, team.description, team.email = name.strip(), (description or "").strip(), (email or "").strip()
    team.members = list(members)


@transactional
def set_team_active(actor, team: Team, active: bool) -> None:
    _require(can_manage_teams(actor))
    team.active = active
