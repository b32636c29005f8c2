"""Canned responses: prepared answers per team, with placeholders filled per ticket."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.permissions import is_manager
from app.errors import Forbidden, ValidationError
from app.extensions import db
from app.orgs.models import team_members
from app.tickets.models import CannedResponse
from app.transactions import transactional

PLACEHOLDERS = ("{ticket}", "{title}", "{requester}", "{organization}", "{agent}")


def available_to(user) -> list[CannedResponse]:
    """The user's teams' answers and the ones for everybody (one statement: the teams in it)."""
    teams = sa.select(team_members.c.team_id).where(team_members.c.user_id == user.id)
    return list(db.session.scalars(sa.select(CannedResponse).where(
        CannedResponse.active.is_(True), sa.or_(CannedResponse.team_id.is_(None), CannedResponse.team_id.in_(teams)))
        .order_by(CannedResponse.title)))


def render(response: CannedResponse, ticket, agent) -> str:
    values = {
        "{ticket}": ticket.number, "{title}": ticket.title,
        "{requester}": ticket.requester.name if ticket.requester else "",
        "{organization}": ticket.organization.name, "{agent}": agent.name,
    }
    body = response.body
    for placeholder, value in values.items():
        body = body.replace(placeholder, value)
    return body


@transactional
def save(actor, response: CannedResponse | None, *, title: str, body: str, team=None,
         active: bool = True) -> CannedResponse:
    if not is_manager(actor):
        raise Forbidden()
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Please give a title.")]
    if not (body or "").strip():
        errors["body"] = [_("Please write the answer.")]
    if errors:
        raise ValidationError(errors)
    if response is None:
        response = CannedResponse()
        db.session.add(response)
    response.title, response.body, response.team, response.active = title.strip(), body.strip(), team, active
    return response
